"""Factories for a tiny synthetic corpus, written for these tests (no dataset rows are copied)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.pipeline import FeatureUnion

from classifier import model as model_module
from classifier.model import TextModel
from classifier.pipeline import build_features
from classifier.training import train_model
from classifier.vectorizer import FoldedTfidfVectorizer
from tests.factories import write_dataset

SPAM = [
    f"{verb} {prize} today, just {action}"
    for verb, prize, action in itertools.product(
        ["Win", "Claim", "Grab"],
        ["a free phone", "500 dollars cash", "a gift card", "bonus crypto"],
        ["click www.prize-now.com", "text WIN to 80808", "message me on telegram"],
    )
]
HAM = [
    f"The {subject} {verb} {tail}"
    for subject, verb, tail in itertools.product(
        ["article", "interview", "chart", "report"],
        ["was", "seemed"],
        ["really clear, thanks", "a bit long but fair", "missing the bond yields", "well argued"],
    )
]
TOXIC = [
    f"you are a {adjective} {noun}, {ending}"
    for adjective, noun, ending in itertools.product(
        ["stupid", "pathetic", "worthless"],
        ["idiot", "clown", "loser"],
        ["shut up", "nobody wants you here", "go away"],
    )
]
POLITE = [
    f"{opening}, {middle} {closing}"
    for opening, middle, closing in itertools.product(
        ["Good point", "Interesting take", "Thanks for writing"],
        ["I mostly agree", "I see it differently"],
        ["about the rates", "on inflation", "regarding the market", "for small savers"],
    )
]


@pytest.fixture
def make_dataset(tmp_path: Path) -> Callable[[Sequence[tuple[str, str, str]]], Path]:
    """Return a factory writing ``(text, spam, toxic)`` rows to a fresh dataset folder."""

    def make(rows: Sequence[tuple[str, str, str]]) -> Path:
        folder = tmp_path / "example"
        write_dataset(folder, rows)
        return folder

    return make


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two synthetic datasets: one labels only spam, the other only toxic."""
    root = tmp_path_factory.mktemp("data")
    write_dataset(
        root / "synthetic_spam",
        [(t, "1", "") for t in SPAM] + [(t, "0", "") for t in HAM],
    )
    write_dataset(
        root / "synthetic_toxic",
        [(t, "", "1") for t in TOXIC] + [(t, "", "0") for t in POLITE],
    )
    return root


@pytest.fixture(scope="session")
def tiny_model(data_dir: Path) -> TextModel:
    """A model trained on the synthetic corpus (shared: training is the slow part)."""
    return train_model(data_dir)


# A site's own scam, in made-up words the synthetic corpus never uses.
SITE_SCAM = [
    f"{opening} the Orchid Harbor circle pays {rate} weekly"
    for opening, rate in itertools.product(
        ["Friends", "Listen", "Honestly", "Trust me", "Folks", "Psst"], ["9%", "12%", "15%"]
    )
]


@pytest.fixture(scope="session")
def site_decisions() -> tuple[list[str], list[list[float]]]:
    """Decided comments of one site: its own scam as spam, ordinary comments as not spam."""
    texts = SITE_SCAM + HAM + POLITE
    nan = float("nan")
    spam = [[1.0, nan]] * len(SITE_SCAM) + [[0.0, 0.0]] * (len(HAM) + len(POLITE))
    return texts, spam


@pytest.fixture(scope="session")
def site_model(tiny_model: TextModel, site_decisions: tuple[list[str], list[list[float]]]) -> Any:
    """A site head on the tiny model, fitted on the site's decisions."""
    from classifier.site import SiteModel

    texts, targets = site_decisions
    return SiteModel(tiny_model).fit(texts, targets)


def legacy_features(**params: Any) -> FeatureUnion:
    """build_features' union with scikit-learn's n-gram views, as artifacts saved before hold."""
    union = build_features(**params)
    union.transformer_list = [
        (name, FoldedTfidfVectorizer(dtype=np.float32, **view.get_params()))
        if name in ("word", "char")
        else (name, view)
        for name, view in union.transformer_list
    ]
    return union


@pytest.fixture(scope="session")
def legacy_model(data_dir: Path) -> TextModel:
    """The tiny model trained with the scikit-learn views older artifacts hold."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(model_module, "build_features", legacy_features)
        return train_model(data_dir)
