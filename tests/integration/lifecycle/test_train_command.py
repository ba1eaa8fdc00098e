"""`commentdesk train --register` / `promote --force` / `models`: the lifecycle from a shell."""

from __future__ import annotations

from pathlib import Path

import pytest

from commentdesk.cli import main
from service.domain import Alias, Decision, ModelVersion
from service.lifecycle import Lifecycle
from service.moderation import Moderation
from service.promotion import EVALUATION
from service.settings import Settings
from tests.integration.lifecycle.test_training_job import ORDINARY, SCAM, decide, interleave


@pytest.fixture
def cli_env(site_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The command line reads the test database and data directory from the environment."""
    monkeypatch.setenv("DATABASE_URL", site_settings.effective_database_url)
    monkeypatch.setenv("COMMENTDESK_DATA_DIR", str(site_settings.data_dir))
    monkeypatch.delenv("COMMENTDESK_TRAINING_DATA", raising=False)
    return site_settings


def test_train_register_learns_the_site_and_prints_the_gate_comparison(
    lifecycle: Lifecycle,
    moderation: Moderation,
    cli_env: Settings,
    prior_champion: ModelVersion,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    decide(moderation, interleave(SCAM[10:], ORDINARY[10:], Decision.SPAM))
    labels = tmp_path / "archive.csv"
    rows = [f'"{s}",1' for s in SCAM[:10]] + [f'"{o}",0' for o in ORDINARY[:10]]
    labels.write_text("text,spam\n" + "\n".join(rows) + "\n", encoding="utf-8")

    status = main(["train", "--register", "--labels", str(labels), "--note", "from the shell"])

    out = capsys.readouterr().out
    assert status == 0
    [version] = [v for v in lifecycle.models() if v.id != prior_champion.id]
    assert f"registered {version.id}" in out
    assert f"champion stays {prior_champion.id}" in out
    assert "[100%] done" in out
    assert f"gate: {version.metrics[EVALUATION]['verdict'].replace('_', ' ')}" in out
    assert "spam ROC-AUC: champion" in out
    assert "approved comments held: champion" in out
    assert f"commentdesk promote {version.id}" in out
    assert lifecycle.alias(Alias.CHAMPION) == lifecycle.version(prior_champion.id)  # never promoted
    manifest = version.data_manifest
    assert manifest["uploaded_labels"]["rows"] == 20
    assert manifest["note"] == "from the shell"
    assert str(manifest["requested_by"]).startswith("cli:")


def test_train_register_with_nothing_to_learn_fails_plainly_and_registers_nothing(
    lifecycle: Lifecycle,
    cli_env: Settings,
    prior_champion: ModelVersion,
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["train", "--register"])

    assert status == 1
    err = capsys.readouterr().err
    assert "nothing to learn from" in err
    assert "Traceback" not in err
    assert [v.id for v in lifecycle.models()] == [prior_champion.id]


def test_models_lists_each_version_with_its_comparison(
    lifecycle: Lifecycle,
    moderation: Moderation,
    cli_env: Settings,
    prior_champion: ModelVersion,
    capsys: pytest.CaptureFixture[str],
) -> None:
    decide(moderation, interleave(SCAM, ORDINARY, Decision.SPAM))
    assert main(["train", "--register"]) == 0
    capsys.readouterr()

    assert main(["models"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:2][0].startswith("m-")
    assert lines[1].strip().startswith("gate: ")
    assert any(line.startswith(prior_champion.id) and "champion" in line for line in lines)


def test_promote_force_needs_a_reason(
    cli_env: Settings, prior_champion: ModelVersion, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["promote", prior_champion.id, "--force", "  "]) == 2
    assert "--force needs a reason" in capsys.readouterr().err


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


def test_a_malformed_labels_file_is_refused_before_training(
    cli_env: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labels = tmp_path / "bad.csv"
    labels.write_text("text,spam\nhello,maybe\n", encoding="utf-8")

    assert main(["train", "--register", "--labels", str(labels)]) == 2
    assert "spam must be 0, 1 or empty" in capsys.readouterr().err
