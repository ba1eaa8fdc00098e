"""`commentdesk keys / revoke-key`: list API keys, and revoke one for every API process."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from service.settings import Settings

if TYPE_CHECKING:  # the database stack loads only when a key command runs
    from commentdesk.accounts import AddCommand, Subparsers
    from service.domain.accounts import KeyRecord
    from service.keys import ApiKeys

COMMANDS = ("keys", "revoke-key")


def add_commands(commands: Subparsers, add: AddCommand) -> None:
    """Register the key commands through the CLI's own ``add``."""
    add(commands, "keys", _cmd_keys, "list API keys: id, name, role, prefix, created, revoked")
    revoke = add(commands, "revoke-key", _cmd_revoke, "revoke an API key on every API process")
    revoke.add_argument("key", help="the key's id or display prefix (see `keys`), or the key")


@contextmanager
def _open_keys(settings: Settings) -> Iterator[ApiKeys]:
    from commentdesk.embedded import VALKEY_SUBDIR, running_url
    from service.db import open_engine, session_factory
    from service.keys import ApiKeys
    from service.queue import connect_redis

    # API processes of `up` listen on its embedded Valkey; others on REDIS_URL.
    url = settings.redis_url or running_url(settings.data_dir / VALKEY_SUBDIR)
    with open_engine(settings) as engine:
        redis = connect_redis(url) if url else None
        try:
            yield ApiKeys(session_factory(engine), redis)
        finally:
            if redis is not None:
                redis.close()


def _cmd_keys(_args: argparse.Namespace, settings: Settings) -> int:
    with _open_keys(settings) as keys:
        records = keys.list_keys()
    if not records:
        print("no API keys yet (create one with `commentdesk create-key`)")
        return 0
    width = max(len("NAME"), *(len(k.name) for k in records))
    print(f"{'ID':>5}  {'NAME':<{width}}  {'ROLE':<9}  {'PREFIX':<10}  {'CREATED':<16}  REVOKED")
    for key in records:
        print(_line(key, width))
    return 0


def _line(key: KeyRecord, width: int) -> str:
    created = key.created_at.strftime("%Y-%m-%d %H:%M")
    revoked = key.revoked_at.strftime("%Y-%m-%d %H:%M") if key.revoked_at else "-"
    return (f"{key.id:>5}  {key.name:<{width}}  {key.role.value:<9}  {key.prefix:<10}  "
            f"{created:<16}  {revoked}")  # fmt: skip


def _cmd_revoke(args: argparse.Namespace, settings: Settings) -> int:
    with _open_keys(settings) as keys:
        record = keys.revoke(keys.find(args.key).id)
    print(f"revoked key {record.id} ({record.prefix}…, {record.role.value} {record.name!r}); "
          "API processes refuse it from now on")  # fmt: skip
    return 0
