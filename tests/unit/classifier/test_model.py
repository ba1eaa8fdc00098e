from __future__ import annotations

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from classifier.errors import TrainingError
from classifier.model import TextModel


def test_text_model_predict_proba_shape_and_range(tiny_model: TextModel) -> None:
    texts = ["Claim your free prize now", "the report was fair", "you worthless clown", ""]
    proba = tiny_model.predict_proba(texts)
    assert proba.shape == (4, 2)
    assert np.all((proba >= 0) & (proba <= 1))
    assert tiny_model.labels == ("spam", "toxic")


def test_text_model_predict_proba_ranks_synthetic_examples(tiny_model: TextModel) -> None:
    spam, toxic = tiny_model.predict_proba(
        ["Win bonus crypto, text WIN to 80808", "you stupid loser"]
    ).T
    assert spam[0] > spam[1]
    assert toxic[1] > toxic[0]


def test_text_model_predict_proba_normalises_input(tiny_model: TextModel) -> None:
    plain, noisy = tiny_model.predict_proba(["grab a gift card", "RT @USER: grab   a gift card"])
    assert np.allclose(plain, noisy)


def test_text_model_predict_proba_handles_empty_batch(tiny_model: TextModel) -> None:
    assert tiny_model.predict_proba([]).shape == (0, 2)


def test_text_model_predict_proba_rejects_a_bare_string(tiny_model: TextModel) -> None:
    with pytest.raises(TypeError, match="not a single string"):
        tiny_model.predict_proba("one comment")
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        tiny_model.predict_proba(["ok", 3])  # type: ignore[list-item]


def test_text_model_predict_proba_requires_fit() -> None:
    with pytest.raises(NotFittedError):
        TextModel().predict_proba(["hello"])


def test_text_model_fit_needs_both_classes() -> None:
    texts = ["alpha beta", "beta gamma", "gamma alpha"]
    targets = np.array([[1.0], [1.0], [np.nan]])
    with pytest.raises(TrainingError, match="'spam' needs both classes"):
        TextModel(("spam",)).fit(texts, targets)
