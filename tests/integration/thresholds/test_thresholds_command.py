"""`commentdesk thresholds`: bands from the TEST rows, stored with the version, plain errors."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from classifier.datasets import load_datasets
from classifier.thresholds import operating_point
from commentdesk.cli import main
from commentdesk.thresholds import compute_thresholds
from service.domain import Alias, ModelVersion
from service.lifecycle import Lifecycle
from service.moderation import Moderation
from service.settings import Settings
from tests.factories import model_version


class TextScorer:
    """Reads each label's score out of the text (``... spam=0.42 toxic=0.10``)."""

    labels = ("spam", "toxic")

    def predict_proba(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        def score(text: str, label: str) -> float:
            return float(text.split(f"{label}=")[1].split()[0])

        return np.array([[score(t, label) for label in self.labels] for t in texts])


class ConstantScorer(TextScorer):
    """Scores every comment alike: no threshold separates anything."""

    def predict_proba(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        return np.full((len(texts), len(self.labels)), 0.5)


def write(folder: Path, header: list[str], rows: list[list[str]]) -> None:
    folder.mkdir(parents=True)
    with (folder / "normalized.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    rng = np.random.default_rng(7)
    root = tmp_path / "data"
    spam_rows, toxic_rows = [], []
    for i in range(3000):
        is_spam, is_toxic = int(rng.random() < 0.3), int(rng.random() < 0.3)
        spam = rng.beta(6, 2) if is_spam else rng.beta(2, 6)
        toxic = rng.beta(6, 2) if is_toxic else rng.beta(2, 6)
        text = f"comment {i} spam={spam:.4f} toxic={toxic:.4f}"
        spam_rows.append([text, str(is_spam)])
        toxic_rows.append([text.replace("comment", "reply"), str(is_toxic)])
    write(root / "a_spam_only", ["text", "spam"], spam_rows)  # labels spam, not toxic
    write(root / "b_toxic_only", ["text", "toxic"], toxic_rows)
    return root


def registered(moderation: Moderation) -> ModelVersion:
    version = model_version("v-cli", thresholds={"toxic": {"reject": 0.9}})
    Lifecycle(moderation.sessions).register(version, champion_if_unset=True)
    return version


def test_bands_hit_their_targets_and_are_stored(
    moderation: Moderation, settings: Settings, data: Path
) -> None:
    version = registered(moderation)
    lines: list[str] = []

    status = compute_thresholds(
        settings,
        data,
        ["spam:reject:precision=0.95", "toxic:withhold:recall=0.9"],
        lines.append,
        lines.append,
        load=lambda _v: TextScorer(),
    )

    assert status == 0, lines
    stored = Lifecycle(moderation.sessions).alias(Alias.CHAMPION)
    assert stored is not None
    assert stored.id == version.id
    bands = stored.thresholds
    # Recompute on the same test rows: each stored band meets its target there.
    for label, band, metric, target in [
        ("spam", "reject", "precision", 0.95),
        ("toxic", "withhold", "recall", 0.9),
    ]:
        (ds,) = [d for d in load_datasets(data, (label,)) if d.has_label(label)]
        texts = [t for t, test in zip(ds.texts, ds.is_test, strict=True) if test]
        scores = TextScorer().predict_proba(texts)[:, TextScorer.labels.index(label)]
        point = operating_point(scores, ds.labels[label][ds.is_test], bands[label][band])
        achieved = point.precision if metric == "precision" else point.recall
        assert achieved is not None
        assert achieved >= target
        assert bands[label]["achieved"][band]["rows"] == len(texts)  # one dataset counted
        assert bands[label]["targets"][band] == f"{metric}={target:g}"
        assert "computed_at" in bands[label]
    assert bands["toxic"]["reject"] == 0.9  # bands not computed keep what was stored
    assert "withhold" not in bands["spam"]
    assert any(line.startswith("spam ") and "reject" in line for line in lines)


def test_unreachable_reject_target_turns_auto_reject_off(
    moderation: Moderation, settings: Settings, data: Path
) -> None:
    registered(moderation)
    lines: list[str] = []

    status = compute_thresholds(
        settings,
        data,
        ["spam:reject:precision=1"],
        lines.append,
        lines.append,
        load=lambda _v: ConstantScorer(),
    )

    champion = Lifecycle(moderation.sessions).alias(Alias.CHAMPION)
    assert status == 0
    assert champion is not None
    assert champion.thresholds["spam"]["reject"] is None
    assert any("cannot be met" in line for line in lines)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", "spamm:reject:precision=0.9"], "unknown label 'spamm'"),
        (["--target", "spam:reject"], "expected label:band:metric=value"),
        ([], "give at least one --target"),
        (["--target", "spam:reject:precision=0.9", "--version", "nope"], "'nope' is not"),
    ],
)
def test_bad_input_is_one_plain_line(
    moderation: Moderation,
    settings: Settings,
    data: Path,
    args: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registered(moderation)
    monkeypatch.setenv("COMMENTDESK_DATABASE_URL", settings.effective_database_url)

    status = main(["thresholds", "--data", str(data), *args])

    err = capsys.readouterr().err
    assert status == 2
    assert message in err
    assert "Traceback" not in err


def test_no_data_is_a_plain_message(
    moderation: Moderation,
    settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registered(moderation)
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("COMMENTDESK_DATABASE_URL", settings.effective_database_url)

    status = main(["thresholds", "--data", str(empty), "--target", "spam:reject:precision=0.9"])

    assert status == 2
    assert "no */normalized.csv found" in capsys.readouterr().err
