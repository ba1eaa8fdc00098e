from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from classifier.artifact import artifact_sha256, load_model
from classifier.build import DEFAULT_MODEL_DIR, REBUILD_COMMAND, build_default_model
from classifier.datasets import load_datasets

SHARED_DATA = Path(os.environ.get("COMMENTDESK_DATA_DIR", "/work/shared/data"))


def test_build_default_model_writes_artifact_metadata_and_card(
    data_dir: Path, tmp_path: Path
) -> None:
    artifact = build_default_model(data_dir, tmp_path)
    sha256 = artifact_sha256(artifact)
    card = json.loads((tmp_path / "default.json").read_text(encoding="utf-8"))
    assert artifact == tmp_path / "default.skops"
    assert card["version_id"] == f"v0-{sha256[:12]}"
    assert card["sha256"] == sha256
    assert set(card["metrics"]) == {"synthetic_spam", "synthetic_toxic"}
    rows = [len(ds) for ds in load_datasets(data_dir)]
    assert [entry["rows"] for entry in card["data_manifest"]] == rows
    text = (tmp_path / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert REBUILD_COMMAND in text
    assert sha256 in text
    assert load_model(artifact).metadata["version_id"] == card["version_id"]


@pytest.mark.skipif(
    not SHARED_DATA.is_dir() or not (DEFAULT_MODEL_DIR / "default.skops").is_file(),
    reason="needs the shared datasets (COMMENTDESK_DATA_DIR) and the shipped model",
)
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
