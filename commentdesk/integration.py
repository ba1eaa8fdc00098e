"""`commentdesk webhooks …`, `erase-author`, `export-author`: a site's integration from a shell.

Ops run these for any site; every change goes through the same use cases as the API.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from service.settings import Settings

if TYPE_CHECKING:  # the database stack loads only when one of these commands runs
    from typing import TypeAlias

    from sqlalchemy.orm import Session, sessionmaker

    from service.domain.webhooks import Endpoint
    from service.webhooks.endpoints import Webhooks

    Handler: TypeAlias = Callable[[argparse.Namespace, Settings], int]
    Subparsers: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]
    AddCommand: TypeAlias = Callable[[Subparsers, str, Handler, str], argparse.ArgumentParser]

COMMANDS = ("webhooks", "erase-author", "export-author")


def add_commands(commands: Subparsers, add: AddCommand) -> None:
    """Register the commands through the CLI's own ``add`` (which adds ``--data-dir``)."""
    hooks = add(commands, "webhooks", _cmd_webhooks, "list and manage sites' webhook endpoints")
    actions = hooks.add_subparsers(dest="action", metavar="ACTION")
    actions.add_parser("list", help="every endpoint (or --site's)").add_argument("--site")
    created = actions.add_parser("add", help="register an endpoint; prints its secret once")
    created.add_argument("--site", required=True, help="the site id (its key's name)")
    created.add_argument("url")
    created.add_argument("--event", action="append", default=[], help="an event type (repeat)")
    created.add_argument("--description")
    for action in ("remove", "enable", "disable", "rotate-secret", "ping", "log"):
        actions.add_parser(action, help=_HELP[action]).add_argument("webhook_id")
    again = actions.add_parser("redeliver", help="send an event, or a time range, again")
    again.add_argument("webhook_id")
    again.add_argument("--event-id")
    again.add_argument("--since", help="ISO 8601, e.g. 2026-01-02T03:00:00Z")
    again.add_argument("--until", help="ISO 8601")
    erase = add(commands, "erase-author", _cmd_erase, "erase an author's data (GDPR)")
    erase.add_argument("--site", required=True)
    erase.add_argument("author_id")
    export = add(commands, "export-author", _cmd_export, "everything kept about an author, JSON")
    export.add_argument("--site", required=True)
    export.add_argument("author_id")
    export.add_argument("--out", help="write to this file (default: stdout)")


_HELP = {
    "remove": "delete an endpoint, its pending deliveries and log",
    "enable": "enable again (pending deliveries resume)",
    "disable": "stop sending",
    "rotate-secret": "new secret (printed once); the old one signs during the overlap",
    "ping": "send a signed test event now",
    "log": "the latest delivery attempts",
}


@contextmanager
def _sessions(settings: Settings) -> Iterator[sessionmaker[Session]]:
    from service.db import open_engine, session_factory

    with open_engine(settings) as engine:
        yield session_factory(engine)


def _cmd_webhooks(args: argparse.Namespace, settings: Settings) -> int:
    from service.webhooks.endpoints import Webhooks

    with _sessions(settings) as sessions:
        return _ACTIONS[args.action or "list"](Webhooks(sessions, settings.webhooks), args)


def _list(hooks: Webhooks, args: argparse.Namespace) -> int:
    for endpoint in hooks.list(args.site):
        print(_line(endpoint))
    return 0


def _add_endpoint(hooks: Webhooks, args: argparse.Namespace) -> int:
    endpoint = hooks.create(
        args.site, args.url, events=args.event, description=args.description, actor="cli"
    )
    print(f"{_line(endpoint)}\nsecret (shown once): {endpoint.secret}")
    return 0


def _remove(hooks: Webhooks, args: argparse.Namespace) -> int:
    hooks.delete(args.webhook_id, None)
    print(f"removed {args.webhook_id}")
    return 0


def _switch(enabled: bool) -> Callable[[Webhooks, argparse.Namespace], int]:
    def switch(hooks: Webhooks, args: argparse.Namespace) -> int:
        from service.webhooks.endpoints import EndpointChange

        print(_line(hooks.change(args.webhook_id, None, EndpointChange(enabled=enabled))))
        return 0

    return switch


def _rotate(hooks: Webhooks, args: argparse.Namespace) -> int:
    endpoint = hooks.rotate_secret(args.webhook_id, None)
    print(f"{_line(endpoint)}\nnew secret (shown once): {endpoint.secret}")
    return 0


def _ping(hooks: Webhooks, args: argparse.Namespace) -> int:
    attempt = hooks.ping(args.webhook_id, None)
    print(f"ping: {attempt.status_code or attempt.error} in {attempt.duration_ms:.0f} ms")
    return 0 if attempt.is_success else 1


def _log(hooks: Webhooks, args: argparse.Namespace) -> int:
    for entry in hooks.attempts(args.webhook_id, None, None, 50).items:
        answer = entry.status_code if entry.status_code is not None else entry.error
        print(f"{entry.attempted_at:%Y-%m-%d %H:%M:%S} {entry.event_type:<22} "
              f"{entry.event_id} {answer} {entry.duration_ms:.0f} ms")  # fmt: skip
    return 0


def _redeliver(hooks: Webhooks, args: argparse.Namespace) -> int:
    from service.domain.webhooks import Redelivery

    which = Redelivery(args.event_id, _time(args.since), _time(args.until))
    if (which.event_id is None) == (which.since is None and which.until is None):
        print("commentdesk: give --event-id, or --since and/or --until", file=sys.stderr)
        return 2
    print(f"redelivering {hooks.redeliver(args.webhook_id, None, which)} event(s)")
    return 0


_ACTIONS: dict[str, Callable[[Webhooks, argparse.Namespace], int]] = {
    "list": _list,
    "add": _add_endpoint,
    "remove": _remove,
    "enable": _switch(True),
    "disable": _switch(False),
    "rotate-secret": _rotate,
    "ping": _ping,
    "log": _log,
    "redeliver": _redeliver,
}


def _line(endpoint: Endpoint) -> str:
    state = "enabled" if endpoint.is_enabled else f"DISABLED ({endpoint.disabled_reason})"
    events = ",".join(endpoint.events) or "all events"
    return f"{endpoint.id}  {endpoint.site_id}  {endpoint.url}  [{events}]  {state}"


def _time(value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise SystemExit(f"commentdesk: {value!r}: give a time zone, e.g. Z")
    return parsed


def _cmd_erase(args: argparse.Namespace, settings: Settings) -> int:
    from service.privacy import Privacy

    with _sessions(settings) as sessions:
        receipt = Privacy(sessions, settings).erase_author(args.site, args.author_id, "cli")
    print(
        f"erased {receipt.comments} comment(s) of {args.author_id!r} on {args.site}; "
        f"decisions kept under {receipt.author_key} (erasure {receipt.erasure_id})"
    )
    return 0


def _cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from service.privacy import Privacy

    with _sessions(settings) as sessions:
        document = Privacy(sessions, settings).export_author(args.site, args.author_id)
    text = json.dumps(document, indent=2, ensure_ascii=False)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
        print(f"{len(document['comments'])} comment(s) written to {args.out}")
    else:
        sys.stdout.write(text + "\n")
    return 0
