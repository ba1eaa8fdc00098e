"""`commentdesk train --register`: the training job's code path from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from commentdesk.cli import main
from service.domain import Decision
from service.lifecycle import CHAMPION, Lifecycle
from service.moderation import Moderation
from service.settings import Settings
from tests.integration.workers.worker_factories import make_comment
from tests.unit.lifecycle.corpus import SPAM
from workers.training import Progress, TrainingRequest, run_training


@pytest.fixture
def cli_env(train_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The command line reads the test database and data directory from the environment."""
    monkeypatch.setenv("DATABASE_URL", train_settings.effective_database_url)
    monkeypatch.setenv("COMMENTDESK_DATA_DIR", str(train_settings.data_dir))
    monkeypatch.setenv("COMMENTDESK_TRAINING_DATA", str(train_settings.data_dir / "nowhere"))
    return train_settings


def test_train_register_adds_a_version_with_both_results_and_keeps_the_champion(
    lifecycle: Lifecycle,
    moderation: Moderation,
    cli_env: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    first = run_training(lifecycle, cli_env, TrainingRequest(), Progress(None))
    lifecycle.promote(first.id, "ops-olu")
    [stored] = moderation.store([make_comment(SPAM[0] + ", again")])
    moderation.decide(
        stored.comment_id, decision=Decision.SPAM, actor="mod-ann", reason=None, note=None,
        expected_version=None,
    )  # fmt: skip
    labels = tmp_path / "extra.csv"
    labels.write_text("text,spam\nDM me for 10x returns,1\nGood piece,0\n", encoding="utf-8")

    args = [
        "--data",
        str(cli_env.training_data),
        "--labels",
        str(labels),
        "--note",
        "from the shell",
    ]

    status = main(["train", "--register", *args])

    out = capsys.readouterr().out
    assert status == 0
    [version] = [v for v in lifecycle.models() if v.id != first.id]
    assert f"registered {version.id}" in out
    assert f"champion stays {first.id}" in out
    assert "[100%] done" in out
    assert lifecycle.alias(CHAMPION) == lifecycle.version(first.id)  # never auto-promoted
    assert version.aliases == ()
    candidate, champion = version.metrics["candidate"], version.metrics["champion"]
    assert set(candidate) >= {"tiny_spam", "tiny_toxic"}
    assert champion["version_id"] == first.id
    assert champion["results"].keys() == candidate.keys()
    rows = [line.split() for line in out.splitlines()]
    [spam_row] = [row for row in rows if row[:2] == ["tiny_spam", "spam"]]
    assert all(float(auc) > 0.5 for auc in spam_row[2:4])  # new model, then the champion
    manifest = version.data_manifest
    assert manifest["moderator_decisions"]["used"] == 1
    assert manifest["uploaded_labels"]["rows"] == 2
    assert manifest["note"] == "from the shell"
    assert str(manifest["requested_by"]).startswith("cli:")


def test_train_register_without_data_fails_plainly_and_registers_nothing(
    lifecycle: Lifecycle, cli_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["train", "--register"])  # COMMENTDESK_TRAINING_DATA names a missing folder

    assert status == 1
    err = capsys.readouterr().err
    assert "COMMENTDESK_TRAINING_DATA" in err
    assert "Traceback" not in err
    assert lifecycle.models() == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["train"], "train needs --data"),
        (["train", "--data", "x", "--labels", "y.csv"], "need --register"),
        (["train", "--register", "--out", "x"], "--out is for the shipped model"),
        (["train", "--register", "--labels", "missing.csv"], "--labels missing.csv is not a file"),
    ],
)
def test_train_option_mistakes_are_plain_messages(
    cli_env: Settings, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    assert message in capsys.readouterr().err
