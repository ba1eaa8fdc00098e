"""`commentdesk create-user / users / disable-user / enable-user / set-password`: web accounts."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING

from service.domain import Role
from service.settings import Settings

if TYPE_CHECKING:  # the database stack loads only when an account command runs
    from typing import TypeAlias

    from service.users import Users

    Handler: TypeAlias = Callable[[argparse.Namespace, Settings], int]
    Subparsers: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]
    AddCommand: TypeAlias = Callable[[Subparsers, str, Handler, str], argparse.ArgumentParser]

COMMANDS = ("create-user", "users", "disable-user", "enable-user", "set-password")
_STDIN_HELP = "read the password from stdin, not a prompt"


def add_commands(commands: Subparsers, add: AddCommand) -> None:
    """Register the account commands through the CLI's own ``add``."""
    user = add(commands, "create-user", _cmd_create_user, "create a moderator or ops sign-in")
    user.add_argument("--role", required=True, choices=[Role.MODERATOR.value, Role.OPS.value])
    user.add_argument("username", help="2-64 characters: a-z, 0-9, '.', '_', '-'")
    user.add_argument("--password-stdin", action="store_true", help=_STDIN_HELP)
    add(commands, "users", _cmd_users, "list sign-in accounts: role, created, disabled")
    disable = add(commands, "disable-user", _cmd_disable, "lock an account out, end its sessions")
    disable.add_argument("username")
    enable = add(commands, "enable-user", _cmd_enable, "let a disabled account sign in again")
    enable.add_argument("username")
    password = add(
        commands, "set-password", _cmd_set_password, "replace a password, end the user's sessions"
    )
    password.add_argument("username")
    password.add_argument("--password-stdin", action="store_true", help=_STDIN_HELP)


@contextmanager
def _open_users(settings: Settings) -> Iterator[Users]:
    from service.db import open_engine, session_factory
    from service.users import Users

    with open_engine(settings) as engine:
        yield Users(session_factory(engine), settings.session_ttl_seconds)


def _cmd_create_user(args: argparse.Namespace, settings: Settings) -> int:
    password = _read_password(args.password_stdin)
    if password is None:
        return 2
    with _open_users(settings) as users:
        user = users.create_user(args.username, password, Role(args.role))
    print(f"created {user.role.value} {user.username!r}; sign in at /ui/login")
    return 0


def _cmd_users(_args: argparse.Namespace, settings: Settings) -> int:
    with _open_users(settings) as users:
        accounts = users.list_users()
    if not accounts:
        print("no users yet (create one with `commentdesk create-user`)")
        return 0
    width = max(len("USERNAME"), *(len(a.username) for a in accounts))
    print(f"{'USERNAME':<{width}}  {'ROLE':<9}  {'CREATED':<16}  DISABLED")
    for account in accounts:
        disabled = _when(account.disabled_at) if account.disabled_at else "-"
        created = _when(account.created_at)
        print(f"{account.username:<{width}}  {account.role.value:<9}  {created:<16}  {disabled}")
    return 0


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _cmd_disable(args: argparse.Namespace, settings: Settings) -> int:
    with _open_users(settings) as users:
        ended = users.disable_user(args.username)
    print(f"disabled {args.username.strip().lower()!r}; ended {ended} session(s)")
    return 0


def _cmd_enable(args: argparse.Namespace, settings: Settings) -> int:
    with _open_users(settings) as users:
        users.enable_user(args.username)
    print(f"enabled {args.username.strip().lower()!r}; they can sign in at /ui/login")
    return 0


def _cmd_set_password(args: argparse.Namespace, settings: Settings) -> int:
    password = _read_password(args.password_stdin)
    if password is None:
        return 2
    with _open_users(settings) as users:
        ended = users.set_password(args.username, password)
    print(f"password of {args.username.strip().lower()!r} replaced; ended {ended} session(s)")
    return 0


def _read_password(from_stdin: bool) -> str | None:
    """The new password from stdin's first line, or typed twice (None, said, if they differ)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    try:
        first = getpass.getpass("password: ")
        again = getpass.getpass("again: ")
    except EOFError:  # no terminal and nothing on stdin
        print(
            "commentdesk: no password given; type it at a terminal, or pipe it in with "
            "--password-stdin",
            file=sys.stderr,
        )
        return None
    if again != first:
        print("commentdesk: the two passwords differ", file=sys.stderr)
        return None
    return first
