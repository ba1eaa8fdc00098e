"""`commentdesk migrate` verifies the shipped model like any registration before recording it."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import skops.io as sio
from sqlalchemy.orm import Session, sessionmaker

from classifier import DEFAULT_MODEL_DIR
from classifier.language import LanguageIdentifier
from commentdesk.bootstrap import DEFAULT_ARTIFACT
from commentdesk.cli import main
from service.domain import Alias
from service.lifecycle import Lifecycle
from service.settings import Settings
from tests.factories import model_version
from tests.unit.service.verdict.facts import comment
from workers.artifacts import artifact_cache
from workers.language import accepted_languages, with_languages
from workers.model_cache import ModelCache
from workers.scoring import score_batch

needs_shipped_model = pytest.mark.skipif(
    not (DEFAULT_MODEL_DIR / DEFAULT_ARTIFACT).is_file(), reason="the shipped model is not built"
)


class Payload:
    """A type outside the trusted list: loading it would mean trusting arbitrary code."""

    def __init__(self) -> None:
        self.command = "anything"


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:4096])


def _garble(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(64)  # zeroed bytes: the zip's CRC check fails
    path.write_bytes(bytes(data))


def _untrusted(path: Path) -> None:
    sio.dump(Payload(), path, compression=zipfile.ZIP_DEFLATED)


@pytest.fixture
def shipped(tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped model folder that `commentdesk migrate` reads instead."""
    folder = tmp_path / "default_model"
    shutil.copytree(DEFAULT_MODEL_DIR, folder)
    monkeypatch.setattr("commentdesk.bootstrap.DEFAULT_MODEL_DIR", folder)
    monkeypatch.setenv("DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("COMMENTDESK_DATA_DIR", str(settings.data_dir))
    return folder / DEFAULT_ARTIFACT


@needs_shipped_model
@pytest.mark.parametrize("damage", [_truncate, _garble, _untrusted])
def test_migrate_refuses_a_damaged_shipped_model_and_registers_nothing(
    shipped: Path,
    sessions: sessionmaker[Session],
    damage: Callable[[Path], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    damage(shipped)

    status = main(["migrate"])

    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("commentdesk: the shipped model is damaged (refused ")
    assert "reinstall Comment Desk" in err
    assert "Traceback" not in err
    lifecycle = Lifecycle(sessions)
    assert lifecycle.models() == []
    assert lifecycle.alias(Alias.CHAMPION) is None


@needs_shipped_model
def test_migrate_registers_an_intact_shipped_model_as_champion(
    shipped: Path, sessions: sessionmaker[Session], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["migrate"]) == 0

    champion = Lifecycle(sessions).alias(Alias.CHAMPION)
    assert champion is not None
    assert f"champion model registered: {champion.id}" in capsys.readouterr().out
    assert len(champion.labels) >= 2


@needs_shipped_model
def test_migrate_after_an_upgrade_replaces_a_stale_shipped_champion(
    shipped: Path, sessions: sessionmaker[Session]
) -> None:
    lifecycle = Lifecycle(sessions)
    # What an older release registered: the shipped file under another version and sha256.
    old = model_version("v0-older", artifact_path="builtin:default.skops", artifact_sha256="1" * 64)
    lifecycle.register(old, champion_if_unset=True)

    assert main(["migrate"]) == 0

    champion = lifecycle.alias(Alias.CHAMPION)
    assert champion is not None
    assert champion.id != "v0-older"
    assert lifecycle.history(Alias.CHAMPION, 1)[0].actor == "migrate"


@needs_shipped_model
def test_migrate_leaves_a_champion_ops_chose(
    shipped: Path, sessions: sessionmaker[Session]
) -> None:
    lifecycle = Lifecycle(sessions)
    lifecycle.register(model_version("m-trained"), champion_if_unset=True)

    assert main(["migrate"]) == 0

    assert lifecycle.alias(Alias.CHAMPION) == lifecycle.version("m-trained")


@needs_shipped_model
def test_migrate_copies_the_file_of_a_version_registered_before_0008_into_the_database(
    shipped: Path, sessions: sessionmaker[Session], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    lifecycle = Lifecycle(sessions)
    present, gone = tmp_path / "models" / "m-old.skops", tmp_path / "models" / "m-gone.skops"
    present.parent.mkdir()
    present.write_bytes(b"an artifact copied to the data directory by an older release")
    sha256 = hashlib.sha256(present.read_bytes()).hexdigest()
    lifecycle.register(model_version("m-old", artifact_path=str(present), artifact_sha256=sha256))
    lifecycle.register(model_version("m-gone", artifact_path=str(gone), artifact_sha256="2" * 64))

    assert main(["migrate"]) == 0

    assert lifecycle.artifact(sha256) == present.read_bytes()
    assert f"model artifact {gone} is not on this host" in caplog.text


@needs_shipped_model
def test_the_shipped_champion_declares_english_and_its_comments_get_a_language(
    shipped: Path, sessions: sessionmaker[Session], settings: Settings
) -> None:
    assert main(["migrate"]) == 0
    lifecycle = Lifecycle(sessions)
    champion = lifecycle.alias(Alias.CHAMPION)
    assert champion is not None
    assert champion.data_manifest["languages"] == ["en"]

    # What a classify job (and the API's check scorer) does, with the real models.
    artifacts = artifact_cache(lifecycle, settings)
    model = ModelCache(lifecycle.alias, poll_seconds=60, loader=artifacts.load).get()
    accepted = accepted_languages(settings, model)
    german = "Ich finde den Artikel ziemlich einseitig, weil die Risiken kaum erwähnt werden."
    english = "I found the piece one-sided: it barely mentions the risks for small savers."
    comments = [comment(german), dataclasses.replace(comment(english), id="c2")]
    results = with_languages(score_batch(comments, model), comments, LanguageIdentifier(), accepted)

    assert accepted == {"en"}
    assert [r.model_version for r in results] == [champion.id, champion.id]
    assert [r.language.code if r.language else None for r in results] == ["de", "en"]
