"""Issue 9, defect 13: the CLI says what matters, once, without library chatter or tracebacks."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from service.http.endpoints.health import NotReadyError


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    return subprocess.run(
        [sys.executable, "-m", "commentdesk", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def test_migrate_does_not_print_alembic_plugin_lines(tmp_path: Path) -> None:
    result = run_cli("migrate", "--data-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "alembic.runtime.plugins" not in result.stderr
    assert "Running upgrade" in result.stderr  # what the migration did is still said


def test_create_user_without_a_terminal_says_how_to_give_a_password(tmp_path: Path) -> None:
    assert run_cli("migrate", "--data-dir", str(tmp_path)).returncode == 0
    result = run_cli("create-user", "--role", "moderator", "ann", "--data-dir", str(tmp_path),
                     stdin="")  # fmt: skip
    assert result.returncode == 2
    assert "EOFError" not in result.stderr
    assert "--password-stdin" in result.stderr


def test_not_ready_answers_are_logged_below_info() -> None:
    # `up` polls /readyz while workers start; each answer is not worth a line in its output.
    assert NotReadyError("x", {}).log_level is not None
    assert NotReadyError("x", {}).log_level < logging.INFO
