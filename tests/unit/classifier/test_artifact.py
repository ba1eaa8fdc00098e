from __future__ import annotations

import zipfile
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import skops.io as sio

from classifier.artifact import TRUSTED_TYPES, artifact_sha256, load_model, save_model
from classifier.errors import ArtifactError, UntrustedArtifactError
from classifier.model import TextModel
from classifier.site import SiteModel

TEXTS = ["Grab a free phone, message me on telegram", "the chart seemed well argued", "go away"]


class Payload:
    """A type skops does not know; loading it would mean trusting arbitrary code."""

    def __init__(self) -> None:
        self.command = "anything"


@pytest.fixture(scope="module")
def artifact(tiny_model: TextModel, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("artifact") / "model.skops"
    save_model(tiny_model, path)
    return path


def test_save_model_returns_file_sha256(tiny_model: TextModel, tmp_path: Path) -> None:
    path = tmp_path / "nested" / "m.skops"
    assert save_model(tiny_model, path) == artifact_sha256(path)
    assert zipfile.is_zipfile(path)


def test_load_model_round_trips_probabilities(tiny_model: TextModel, artifact: Path) -> None:
    loaded = load_model(artifact)
    assert loaded.labels == tiny_model.labels
    assert np.array_equal(loaded.predict_proba(TEXTS), tiny_model.predict_proba(TEXTS))
    assert loaded.metadata["artifact_sha256"] == artifact_sha256(artifact)
    assert loaded.metadata["version_id"] == f"v0-{artifact_sha256(artifact)[:12]}"


NEW_VIEW = "classifier.ngrams.vectorizer.FoldedNgramTfidfVectorizer"
LEGACY_VIEW = "classifier.vectorizer.FoldedTfidfVectorizer"


def test_trusted_types_match_what_artifacts_contain(
    artifact: Path, site_model: SiteModel, tmp_path: Path
) -> None:
    # Everything a new artifact (shipped kind or site head) holds, plus the n-gram view older
    # artifacts hold instead.
    site_artifact = tmp_path / "site.skops"
    save_model(site_model, site_artifact)
    found = set(sio.get_untrusted_types(file=artifact))
    found |= set(sio.get_untrusted_types(file=site_artifact))
    assert sorted(found) == sorted(set(TRUSTED_TYPES) - {LEGACY_VIEW})


def test_load_model_round_trips_a_site_model(site_model: SiteModel, tmp_path: Path) -> None:
    path = tmp_path / "site.skops"
    save_model(site_model, path)
    loaded = load_model(path)
    assert isinstance(loaded, SiteModel)
    assert np.array_equal(loaded.predict_proba(TEXTS), site_model.predict_proba(TEXTS))


def test_artifacts_with_scikit_learn_views_still_load_and_score(
    legacy_model: TextModel, tiny_model: TextModel, tmp_path: Path
) -> None:
    path = tmp_path / "legacy.skops"
    save_model(legacy_model, path)
    assert sorted(sio.get_untrusted_types(file=path)) == sorted(
        set(TRUSTED_TYPES) - {NEW_VIEW, "classifier.site.SiteModel"}
    )
    loaded = load_model(path)
    assert np.array_equal(loaded.predict_proba(TEXTS), legacy_model.predict_proba(TEXTS))
    # Both views compute the same features, so the two models score alike.
    assert np.allclose(loaded.predict_proba(TEXTS), tiny_model.predict_proba(TEXTS), atol=1e-6)


def test_load_model_refuses_unknown_class(tmp_path: Path) -> None:
    path = tmp_path / "evil.skops"
    sio.dump({"model": Payload()}, path)
    with pytest.raises(UntrustedArtifactError, match="Payload"):
        load_model(path)


def test_load_model_refuses_tampered_model(tiny_model: TextModel, tmp_path: Path) -> None:
    path = tmp_path / "tampered.skops"
    tiny_model.metadata_["extra"] = Payload()
    try:
        sio.dump(tiny_model, path)
    finally:
        del tiny_model.metadata_["extra"]
    with pytest.raises(UntrustedArtifactError):
        load_model(path)


def test_load_model_refuses_stdlib_type_outside_the_list(tmp_path: Path) -> None:
    path = tmp_path / "fraction.skops"
    sio.dump({"ratio": Fraction(1, 3)}, path)
    with pytest.raises(UntrustedArtifactError, match=r"fractions\.Fraction"):
        load_model(path)


def test_load_model_rejects_trusted_content_that_is_not_a_model(tmp_path: Path) -> None:
    path = tmp_path / "dict.skops"
    sio.dump({"weights": np.zeros(3)}, path)
    with pytest.raises(ArtifactError, match="not a TextModel") as info:
        load_model(path)
    assert not isinstance(info.value, UntrustedArtifactError)


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04broken"])
def test_load_model_reports_corrupt_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "corrupt.skops"
    path.write_bytes(content)
    with pytest.raises(ArtifactError) as info:
        load_model(path)
    assert not isinstance(info.value, UntrustedArtifactError)


def test_load_model_reports_truncated_artifact(artifact: Path, tmp_path: Path) -> None:
    path = tmp_path / "truncated.skops"
    path.write_bytes(artifact.read_bytes()[: artifact.stat().st_size // 2])
    with pytest.raises(ArtifactError):
        load_model(path)


def test_load_model_reports_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ArtifactError, match="cannot read"):
        load_model(tmp_path / "absent.skops")


def test_save_model_rejects_non_model(tmp_path: Path) -> None:
    with pytest.raises(ArtifactError, match="expected a TextModel"):
        save_model({"not": "a model"}, tmp_path / "x.skops")  # type: ignore[arg-type]
