"""`commentdesk models, promote, rollback, register, worker --queues` on a real database."""

from __future__ import annotations

from pathlib import Path

import pytest

from commentdesk.cli import main
from service.domain import Alias
from service.lifecycle import Lifecycle
from service.moderation import Moderation
from tests.factories import model_version

METRICS = {"tiny_spam": {"spam": {"roc_auc": 0.9}}, "other": {"spam": {"roc_auc": 0.7}}}


@pytest.fixture(autouse=True)
def database(monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("COMMENTDESK_DATA_DIR", str(tmp_path))


def test_models_promote_and_rollback(
    moderation: Moderation, capsys: pytest.CaptureFixture[str]
) -> None:
    Lifecycle(moderation.sessions).register(
        model_version("v1", metrics=METRICS), champion_if_unset=True
    )
    Lifecycle(moderation.sessions).register(
        model_version("v2", metrics={"candidate": METRICS}), champion_if_unset=True
    )

    assert main(["promote", "v2"]) == 0
    assert "champion: v1 -> v2" in capsys.readouterr().out
    assert main(["models"]) == 0
    listing = capsys.readouterr().out
    assert [line.split()[:2] for line in listing.splitlines()] == [["v1", "-"], ["v2", "champion"]]
    assert listing.count("spam=0.800") == 2
    assert main(["rollback"]) == 0
    assert "champion: v2 -> v1" in capsys.readouterr().out
    assert main(["rollback"]) == 1
    assert "no previous version" in capsys.readouterr().err
    assert Lifecycle(moderation.sessions).alias(Alias.CHAMPION) is not None
    assert Lifecycle(moderation.sessions).alias(Alias.CHAMPION).id == "v1"  # type: ignore[union-attr]


def test_register_refuses_a_corrupt_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.skops"
    path.write_bytes(b"not a zip")

    assert main(["register", str(path)]) == 1
    assert "refused" in capsys.readouterr().err


def test_register_a_real_artifact(artifact_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["register", str(artifact_file), "--id", "m-cli"]) == 0
    assert "registered m-cli" in capsys.readouterr().out


def test_worker_refuses_unknown_queues(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["worker", "--queues", "classify,bogus"]) == 2
    assert "choose from classify, train" in capsys.readouterr().err
