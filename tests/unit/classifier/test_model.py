from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy.special import expit
from sklearn.exceptions import NotFittedError

import classifier.text as text_module
from classifier.errors import TrainingError
from classifier.model import TextModel
from classifier.text import NormalisedBatch


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


def test_text_model_shares_one_feature_union_fitted_on_every_row(tiny_model: TextModel) -> None:
    # Words seen only in spam-labelled rows and only in toxic-labelled rows both make the one
    # vocabulary: the features are fitted on all training texts, whatever labels they carry.
    vocabulary = tiny_model.features_.transformer_list[0][1].vocabulary_
    assert {"telegram", "clown"} <= vocabulary.keys()
    width = tiny_model.features_.transform(["hello"]).shape[1]
    assert {c.n_features_in_ for c in tiny_model.classifiers_.values()} == {width}
    assert set(tiny_model.classifiers_) == set(tiny_model.labels)


def test_text_model_predict_proba_extracts_features_once(
    tiny_model: TextModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, int]] = []
    for name, view in tiny_model.features_.transformer_list:

        def counting_transform(
            texts: list[str], name: str = name, inner: Any = view.transform
        ) -> object:
            calls.append((name, len(texts)))
            return inner(texts)

        monkeypatch.setattr(view, "transform", counting_transform)
    proba = tiny_model.predict_proba(["Claim a gift card", "you pathetic clown", "fair report"])
    assert calls == [(name, 3) for name, _ in tiny_model.features_.transformer_list]
    assert proba.shape == (3, len(tiny_model.labels))


def test_text_model_trains_each_label_on_its_labelled_rows_only() -> None:
    # Three copies: the char vectorizer keeps only n-grams found in at least three texts.
    texts = [
        "free prize now",
        "free prize today",
        "nice article",
        "nice chart",
        "go away loser",
    ] * 3
    targets = np.array(
        [[1.0, np.nan], [1.0, np.nan], [0.0, 0.0], [0.0, np.nan], [np.nan, 1.0]] * 3,
    )
    model = TextModel(("spam", "toxic"))
    assert model.fit(texts, targets) is model
    assert model.n_train_ == {"spam": 12, "toxic": 6}
    assert model.predict_proba(texts).shape == (15, 2)


def test_text_model_predict_proba_is_calibrated_margin(tiny_model: TextModel) -> None:
    texts = ["Claim a gift card now", "you pathetic clown", "the report was fair"]
    margins = tiny_model.decision_function(texts)
    slope, intercept = tiny_model.calibration_.T
    assert np.allclose(tiny_model.predict_proba(texts), expit(margins * slope + intercept))
    # Calibration is monotonic: it never reorders comments.
    assert np.all(slope > 0)


def test_text_model_without_calibration_uses_raw_probabilities() -> None:
    texts = ["free prize now", "free prize today", "nice article", "nice chart"] * 3
    targets = np.array([[1.0], [1.0], [0.0], [0.0]] * 3)
    model = TextModel(("spam",), calibration_folds=0).fit(texts, targets)
    assert model.calibration_.tolist() == [[1.0, 0.0]]
    raw = model.classifiers_["spam"].predict_proba(model.features_.transform(texts))[:, 1]
    assert np.allclose(model.predict_proba(texts)[:, 0], raw)


def test_text_model_label_c_overrides_one_label() -> None:
    texts = ["free prize now", "nice article", "go away loser", "kind words"] * 3
    targets = np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0], [0.0, 0.0]] * 3)
    model = TextModel(("spam", "toxic"), C=4.0, label_C=(("toxic", 0.5),)).fit(texts, targets)
    assert model.classifiers_["spam"].C == 4.0
    assert model.classifiers_["toxic"].C == 0.5


def test_text_model_folds_each_batch_once(
    tiny_model: TextModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def counting_fold(texts: list[str]) -> list[str]:
        calls.append(len(texts))
        return real_fold(texts)

    real_fold = text_module.fold_texts
    monkeypatch.setattr(text_module, "fold_texts", counting_fold)
    tiny_model.predict_proba(["Claim a gift card", "fair report"])
    assert calls == [2]


def test_text_model_scores_as_with_scikit_learn_views(
    tiny_model: TextModel, legacy_model: TextModel
) -> None:
    # classifier.ngrams computes scikit-learn's TF-IDF, so the same training gives the same model.
    texts = ["Claim a gift card now", "you pathetic clown", "fair report", "", "fr33 c@sh!!!"]
    ours = tiny_model.features_.transform(NormalisedBatch(texts))
    theirs = legacy_model.features_.transform(NormalisedBatch(texts))
    assert (ours != theirs).nnz == 0
    assert np.array_equal(tiny_model.predict_proba(texts), legacy_model.predict_proba(texts))


@pytest.mark.parametrize("which", ["tiny_model", "legacy_model"])
def test_margins_are_each_labels_decision_function_to_the_bit(
    which: str, request: pytest.FixtureRequest
) -> None:
    # The labels' weights are multiplied in one product; each column must be exactly what the
    # label's own decision_function gives.
    from tests.unit.classifier.conftest import HAM, POLITE, SPAM, TOXIC

    model: TextModel = request.getfixturevalue(which)
    batch = NormalisedBatch(text_module.normalise_texts([*SPAM, *HAM, *TOXIC, *POLITE, "", "a"]))
    matrix = model.features_.transform(batch)
    expected = np.column_stack(
        [model.classifiers_[label].decision_function(matrix) for label in model.labels]
    )

    margins = model.margins(batch)

    assert np.array_equal(margins.view(np.uint64), expected.view(np.uint64))


def test_margins_follow_a_refit_classifier(tiny_model: TextModel) -> None:
    import copy

    model = copy.deepcopy(tiny_model)
    batch = NormalisedBatch(text_module.normalise_texts(["buy crypto now", "you clown"]))
    before = model.margins(batch)
    label = model.labels[0]
    model.classifiers_[label].coef_ = model.classifiers_[label].coef_ * 2

    after = model.margins(batch)

    expected = model.classifiers_[label].decision_function(model.features_.transform(batch))
    assert np.array_equal(after[:, 0], expected)
    assert not np.array_equal(after[:, 0], before[:, 0])
    assert np.array_equal(after[:, 1:], before[:, 1:])


@pytest.mark.parametrize("which", ["tiny_model", "legacy_model", "site_model"])
def test_union_transform_is_the_feature_unions_own_to_the_bit(
    which: str, request: pytest.FixtureRequest
) -> None:
    from classifier.pipeline import union_transform
    from tests.unit.classifier.conftest import HAM, SPAM, TOXIC

    features = request.getfixturevalue(which).features_
    batch = NormalisedBatch(text_module.normalise_texts([*SPAM, *HAM, *TOXIC, "", "a"]))
    expected = features.transform(batch)

    for found in (union_transform(features, batch), _with_jobs(features, batch)):
        assert found.dtype == expected.dtype
        assert found.shape == expected.shape
        assert np.array_equal(found.indptr, expected.indptr)
        assert np.array_equal(found.indices, expected.indices)
        assert np.array_equal(found.data.view(np.uint64), expected.data.view(np.uint64))


def _with_jobs(features: Any, batch: NormalisedBatch) -> Any:
    # A union the plain path does not cover goes to scikit-learn: same answer.
    import copy

    from classifier.pipeline import union_transform

    parallel = copy.copy(features)
    parallel.n_jobs = 2
    return union_transform(parallel, batch)
