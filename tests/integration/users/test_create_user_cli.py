"""`commentdesk create-user` on a real database: stdin or prompted password, plain errors."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from commentdesk.cli import main
from service.domain import Role
from service.models import UserRow
from service.passwords import verify_password
from service.users import Users

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def database(monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("COMMENTDESK_DATA_DIR", str(tmp_path))


def run(monkeypatch: pytest.MonkeyPatch, argv: list[str], stdin: str = f"{PASSWORD}\n") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(argv)


def stored_users(sessions: sessionmaker[Session]) -> dict[str, tuple[str, str]]:
    with sessions() as session:
        rows = session.execute(select(UserRow.username, UserRow.role, UserRow.password_hash))
        return {name: (role, digest) for name, role, digest in rows}


def test_create_user_from_stdin_can_sign_in(
    monkeypatch: pytest.MonkeyPatch,
    sessions: sessionmaker[Session],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(monkeypatch, ["create-user", "--role", "ops", "Olu", "--password-stdin"]) == 0

    assert "created ops 'olu'" in capsys.readouterr().out
    role, digest = stored_users(sessions)["olu"]
    assert role == "ops"
    assert digest.startswith("scrypt$")
    assert verify_password(PASSWORD, digest)
    assert Users(sessions, 60.0).authenticate("olu", PASSWORD).role is Role.OPS


def test_create_user_prompts_twice(
    monkeypatch: pytest.MonkeyPatch, sessions: sessionmaker[Session]
) -> None:
    typed = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda _prompt="": next(typed))

    assert main(["create-user", "--role", "moderator", "ann"]) == 0
    assert stored_users(sessions)["ann"][0] == "moderator"


def test_create_user_refuses_mismatched_prompts(
    monkeypatch: pytest.MonkeyPatch,
    sessions: sessionmaker[Session],
    capsys: pytest.CaptureFixture[str],
) -> None:
    typed = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda _prompt="": next(typed))

    assert main(["create-user", "--role", "moderator", "ann"]) == 2
    assert "differ" in capsys.readouterr().err
    assert stored_users(sessions) == {}


def test_create_user_refuses_a_duplicate_with_one_plain_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["create-user", "--role", "moderator", "ann", "--password-stdin"]
    assert run(monkeypatch, argv) == 0
    capsys.readouterr()

    assert run(monkeypatch, argv) == 1
    err = capsys.readouterr().err
    assert err == "commentdesk: a user named 'ann' already exists\n"


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["--role", "moderator", "a b"], f"{PASSWORD}\n", "/username"),
        (["--role", "moderator", "ann"], "short\n", "/password"),
    ],
)
def test_create_user_refuses_bad_input(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    sessions: sessionmaker[Session],
    argv: list[str],
    stdin: str,
    message: str,
) -> None:
    assert run(monkeypatch, ["create-user", *argv, "--password-stdin"], stdin) == 1

    err = capsys.readouterr().err
    assert err.startswith("commentdesk: ")
    assert message in err
    assert "Traceback" not in err
    assert stored_users(sessions) == {}


def test_create_user_refuses_the_site_role(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        run(monkeypatch, ["create-user", "--role", "site", "news", "--password-stdin"])

    assert exited.value.code == 2
    assert "invalid choice: 'site'" in capsys.readouterr().err
