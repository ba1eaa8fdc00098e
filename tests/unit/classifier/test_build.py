from __future__ import annotations

import json
from pathlib import Path

import pytest

from classifier.artifact import artifact_sha256, load_model
from classifier.build import DEFAULT_MODEL_DIR, REBUILD_COMMAND, build_default_model
from classifier.datasets import load_datasets, load_domain_examples
from tests.unit.classifier.public_data import SHARED_DATA


def test_build_default_model_writes_artifact_metadata_and_card(
    data_dir: Path, tmp_path: Path
) -> None:
    artifact = build_default_model(data_dir, tmp_path)
    sha256 = artifact_sha256(artifact)
    card = json.loads((tmp_path / "default.json").read_text(encoding="utf-8"))
    assert artifact == tmp_path / "default.skops"
    assert card["version_id"] == f"v0-{sha256[:12]}"
    assert card["sha256"] == sha256
    assert set(card["metrics"]) == {"synthetic_spam", "synthetic_toxic", "domain_examples"}
    assert set(card["metrics_without_domain_examples"]) == set(card["metrics"])
    assert card["domain_examples"] is True
    spam = card["metrics"]["synthetic_spam"]["spam"]
    assert {"roc_auc", "pr_auc", "ece", "ece_raw", "operating_points"} <= spam.keys()
    datasets = [*load_datasets(data_dir), load_domain_examples()]
    assert [entry["rows"] for entry in card["data_manifest"]] == [len(ds) for ds in datasets]
    text = (tmp_path / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert REBUILD_COMMAND in text
    assert sha256 in text
    assert "## With and without the domain examples" in text
    assert load_model(artifact).metadata["version_id"] == card["version_id"]


@pytest.mark.skipif(
    not SHARED_DATA.is_dir() or not (DEFAULT_MODEL_DIR / "default.skops").is_file(),
    reason="needs the shared datasets (COMMENTDESK_DATA_DIR) and the shipped model",
)
def test_build_default_model_can_leave_the_domain_examples_out(
    data_dir: Path, tmp_path: Path
) -> None:
    build_default_model(data_dir, tmp_path, with_domain=False)
    card = json.loads((tmp_path / "default.json").read_text(encoding="utf-8"))
    assert card["domain_examples"] is False
    assert card["metrics_without_domain_examples"] == {}
    assert [entry["dataset"] for entry in card["data_manifest"]] == [
        "synthetic_spam",
        "synthetic_toxic",
    ]


def test_default_model_separates_obvious_spam_from_ordinary_text() -> None:
    model = load_model(DEFAULT_MODEL_DIR / "default.skops")
    card = json.loads((DEFAULT_MODEL_DIR / "default.json").read_text(encoding="utf-8"))
    assert model.metadata["version_id"] == card["version_id"]
    spam, ordinary = model.predict_proba(
        [
            "WIN a FREE iPhone now!!! Claim your cash prize, call 0800 555 0199 or visit "
            "www.free-prizes-today.com",
            "I read the piece on interest rates this morning and thought it was balanced.",
        ]
    )[:, model.labels.index("spam")]
    assert spam > 0.5
    assert ordinary < 0.5


@pytest.mark.skipif(
    not (DEFAULT_MODEL_DIR / "default.skops").is_file(), reason="needs the shipped model"
)
def test_default_model_flags_crypto_scams_and_their_evasions_not_jargon() -> None:
    model = load_model(DEFAULT_MODEL_DIR / "default.skops")
    # Written for this test: a scam, the same scam with evasions, and legitimate market talk.
    scores = model.predict_proba(
        [
            "My account manager tripled my bitcoin in a week!!! Message him on WhatsApp "
            "+1 555 0123, guaranteed returns",
            "my acc0unt man@ger tr1pled my b1tc0in!!! m e s s a g e him on \u0442elegram",
            "Shorting this pump was the right call, the rug pull fears look overdone to me.",
        ]
    )[:, model.labels.index("spam")]
    assert scores[0] > 0.5
    assert scores[1] > 0.5
    assert scores[2] < 0.5
    assert model.labels[:2] == ("spam", "toxic")
