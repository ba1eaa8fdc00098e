"""`commentdesk webhooks …`, `erase-author`, `export-author` on a real database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from commentdesk.cli import main
from service.moderation import Moderation
from tests.factories import new_comment
from tests.intake import submit

URL = "http://127.0.0.1:9/hooks"  # nothing listens: a ping fails, as the test expects


@pytest.fixture(autouse=True)
def database(monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("COMMENTDESK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COMMENTDESK_WEBHOOK_ALLOWED_NETWORKS", "127.0.0.0/8")
    monkeypatch.setenv("COMMENTDESK_WEBHOOK_TIMEOUT_SECONDS", "0.5")


def test_webhook_commands_add_list_ping_log_disable_remove(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["webhooks", "add", "--site", "news-site", URL, "--event", "comment.decided"]) == 0
    added = capsys.readouterr().out
    webhook_id = added.split()[0]
    assert "secret (shown once): whsec_" in added

    assert main(["webhooks", "list"]) == 0
    assert f"{webhook_id}  news-site  {URL}  [comment.decided]  enabled" in capsys.readouterr().out
    assert main(["webhooks", "ping", webhook_id]) == 1  # refused connection: exit 1
    assert "ping:" in capsys.readouterr().out
    assert main(["webhooks", "log", webhook_id]) == 0
    assert "webhook.ping" in capsys.readouterr().out
    assert main(["webhooks", "disable", webhook_id]) == 0
    assert "DISABLED (disabled by hand)" in capsys.readouterr().out
    assert main(["webhooks", "redeliver", webhook_id]) == 2
    assert main(["webhooks", "remove", webhook_id]) == 0
    capsys.readouterr()
    assert main(["webhooks", "list"]) == 0
    assert capsys.readouterr().out == ""


def test_a_private_url_is_refused_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("COMMENTDESK_WEBHOOK_ALLOWED_NETWORKS")

    assert main(["webhooks", "add", "--site", "s", URL]) == 1

    assert "loopback" in capsys.readouterr().err


def test_export_then_erase_an_author(
    moderation: Moderation, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (stored,) = submit(moderation, [new_comment(body="my words to take back")])
    author = moderation.get_comment(stored.comment_id).author.id
    out = tmp_path / "export.json"

    assert main(["export-author", "--site", "news-site", author, "--out", str(out)]) == 0
    assert main(["erase-author", "--site", "news-site", author]) == 0

    assert json.loads(out.read_text())["comments"][0]["body"] == "my words to take back"
    assert "erased 1 comment(s)" in capsys.readouterr().out
    assert moderation.get_comment(stored.comment_id).body == ""
