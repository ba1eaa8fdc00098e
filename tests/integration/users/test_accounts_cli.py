"""`commentdesk users / disable-user / enable-user / set-password` on a real database."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from commentdesk.cli import main
from service.domain import Role
from service.errors import AuthenticationError
from service.users import Users
from tests.integration.http.signin import CHEAP, PASSWORD

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture(autouse=True)
def database(monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("COMMENTDESK_DATA_DIR", str(tmp_path))


@pytest.fixture
def users(sessions: sessionmaker[Session]) -> Users:
    return Users(sessions, 600.0, params=CHEAP)


def run(monkeypatch: pytest.MonkeyPatch, argv: list[str], stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(argv)


def test_users_lists_roles_and_disabled_state(
    users: Users, capsys: pytest.CaptureFixture[str]
) -> None:
    users.create_user("zoe", PASSWORD, Role.OPS)
    users.create_user("ann", PASSWORD, Role.MODERATOR)
    users.disable_user("zoe")

    assert main(["users"]) == 0

    header, *rows = capsys.readouterr().out.splitlines()
    assert header.split() == ["USERNAME", "ROLE", "CREATED", "DISABLED"]
    assert [row.split()[:2] for row in rows] == [["ann", "moderator"], ["zoe", "ops"]]
    assert rows[0].split()[-1] == "-"
    assert rows[1].split()[-1] != "-"  # the time it was disabled


def test_users_without_accounts_says_how_to_make_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["users"]) == 0
    assert "commentdesk create-user" in capsys.readouterr().out


def test_disable_then_enable_user(users: Users, capsys: pytest.CaptureFixture[str]) -> None:
    ann = users.create_user("ann", PASSWORD, Role.MODERATOR)
    token, _ = users.open_session(ann)

    assert main(["disable-user", "Ann"]) == 0
    assert capsys.readouterr().out == "disabled 'ann'; ended 1 session(s)\n"
    with pytest.raises(AuthenticationError):
        users.session_for_token(token)
    with pytest.raises(AuthenticationError):
        users.authenticate("ann", PASSWORD)

    assert main(["disable-user", "ann"]) == 0  # idempotent
    assert "ended 0 session(s)" in capsys.readouterr().out
    assert main(["enable-user", "ann"]) == 0
    assert "enabled 'ann'" in capsys.readouterr().out
    assert users.authenticate("ann", PASSWORD) == ann


def test_set_password_from_stdin_ends_sessions(
    monkeypatch: pytest.MonkeyPatch, users: Users, capsys: pytest.CaptureFixture[str]
) -> None:
    ann = users.create_user("ann", PASSWORD, Role.MODERATOR)
    token, _ = users.open_session(ann)

    argv = ["set-password", "ann", "--password-stdin"]
    assert run(monkeypatch, argv, f"{NEW_PASSWORD}\n") == 0

    assert capsys.readouterr().out == "password of 'ann' replaced; ended 1 session(s)\n"
    with pytest.raises(AuthenticationError):
        users.session_for_token(token)
    with pytest.raises(AuthenticationError):
        users.authenticate("ann", PASSWORD)
    assert users.authenticate("ann", NEW_PASSWORD) == ann


def test_set_password_prompts_twice(monkeypatch: pytest.MonkeyPatch, users: Users) -> None:
    users.create_user("ann", PASSWORD, Role.MODERATOR)
    typed = iter([NEW_PASSWORD, NEW_PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda _prompt="": next(typed))

    assert main(["set-password", "ann"]) == 0
    assert users.authenticate("ann", NEW_PASSWORD).username == "ann"


def test_set_password_refuses_mismatched_prompts(
    monkeypatch: pytest.MonkeyPatch, users: Users, capsys: pytest.CaptureFixture[str]
) -> None:
    users.create_user("ann", PASSWORD, Role.MODERATOR)
    typed = iter([NEW_PASSWORD, NEW_PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda _prompt="": next(typed))

    assert main(["set-password", "ann"]) == 2
    assert capsys.readouterr().err == "commentdesk: the two passwords differ\n"
    assert users.authenticate("ann", PASSWORD).username == "ann"


def test_set_password_refuses_a_short_password(
    monkeypatch: pytest.MonkeyPatch, users: Users, capsys: pytest.CaptureFixture[str]
) -> None:
    users.create_user("ann", PASSWORD, Role.MODERATOR)

    assert run(monkeypatch, ["set-password", "ann", "--password-stdin"], "short\n") == 1

    err = capsys.readouterr().err
    assert err.startswith("commentdesk: ")
    assert "/password" in err
    assert err.count("\n") == 1
    assert users.authenticate("ann", PASSWORD).username == "ann"


@pytest.mark.parametrize(
    "argv",
    [
        ["disable-user", "ghost"],
        ["enable-user", "ghost"],
        ["set-password", "ghost", "--password-stdin"],
    ],
)
def test_unknown_users_are_one_plain_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert run(monkeypatch, argv, f"{NEW_PASSWORD}\n") == 1

    assert capsys.readouterr().err == "commentdesk: no user named 'ghost'\n"


@pytest.mark.parametrize("command", ["disable-user", "enable-user", "set-password"])
def test_a_missing_username_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command])

    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "the following arguments are required: username" in err
    assert "Traceback" not in err
