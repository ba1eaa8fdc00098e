"""NgramTfidfVectorizer computes scikit-learn's TfidfVectorizer, with a skops-safe state."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
import skops.io as sio
from sklearn.feature_extraction.text import TfidfVectorizer

from classifier.ngrams import FoldedNgramTfidfVectorizer, NgramTfidfVectorizer, extraction
from classifier.ngrams import vectorizer as vectorizer_module
from classifier.ngrams.hashing import BASES
from classifier.text import NormalisedBatch, fold_texts, normalise_texts
from tests.unit.classifier.hostile import HOSTILE_TEXTS, fuzz_texts
from tests.unit.classifier.public_data import needs_public_data, public_texts

# The two views build_features uses, with their vocabulary caps scaled to the corpus in use.
WORD = {"analyzer": "word", "ngram_range": (1, 2), "min_df": 2, "max_df": 0.9}
CHAR = {"analyzer": "char_wb", "ngram_range": (3, 5), "min_df": 3, "max_df": 0.9}
COMMON = {"sublinear_tf": True}


def _reference(**params: Any) -> TfidfVectorizer:
    return TfidfVectorizer(dtype=np.float32, **params)


def _assert_same_fit(train: list[str], test: list[str], **params: Any) -> None:
    expected = _reference(**params)
    actual = NgramTfidfVectorizer(**params)
    fitted = expected.fit_transform(train)
    assert list(actual.fit(train).get_feature_names_out()) == list(expected.get_feature_names_out())
    assert np.array_equal(actual.idf_, expected.idf_)
    for mine, theirs in (
        (actual.fit_transform(train), fitted),
        (actual.transform(test), expected.transform(test)),
    ):
        assert mine.dtype == np.float32
        assert mine.has_canonical_format
        assert mine.nnz == theirs.nnz
        # Summed in the same order as scikit-learn's l2 norm: allow one float32 rounding step.
        assert abs(mine - theirs).max() <= 1e-7


@needs_public_data
@pytest.mark.parametrize(("view", "cap"), [(WORD, 20_000), (CHAR, 50_000)])
def test_matches_scikit_learn_on_public_texts(view: dict[str, Any], cap: int) -> None:
    # Every third text keeps the test quick; the caps are low enough that ties at the cut occur.
    texts = [t for name in sorted(public_texts()) for t in public_texts()[name][::3]]
    folded = fold_texts(normalise_texts(texts))
    _assert_same_fit(folded[::2], folded[1::2], max_features=cap, **view, **COMMON)


HOSTILE = [*HOSTILE_TEXTS, *fuzz_texts(400, seed=5)]


@pytest.mark.parametrize(
    "params",
    [
        {"analyzer": "char_wb", "ngram_range": (3, 5)},
        {"analyzer": "char_wb", "ngram_range": (1, 1)},
        {"analyzer": "char_wb", "ngram_range": (1, 3)},
        {"analyzer": "char_wb", "ngram_range": (2, 2)},
        # Padded words shorter than 4 or 6 are one n-gram each: scikit-learn's short-word rule.
        {"analyzer": "char_wb", "ngram_range": (4, 6)},
        {"analyzer": "char_wb", "ngram_range": (6, 6), "sublinear_tf": True},
        {"analyzer": "word", "ngram_range": (1, 1)},
        {"analyzer": "word", "ngram_range": (1, 2), "sublinear_tf": True},
        {"analyzer": "word", "ngram_range": (2, 3)},
        {"analyzer": "word", "ngram_range": (1, 2), "min_df": 2, "max_df": 0.5},
        {"analyzer": "char_wb", "ngram_range": (3, 5), "max_features": 300},
        {"analyzer": "word", "ngram_range": (1, 2), "max_features": 50, "min_df": 0.01},
    ],
)
def test_matches_scikit_learn_on_hostile_text(params: dict[str, Any]) -> None:
    # Raw, not normalised: controls, newlines, odd whitespace and lone surrogates included.
    _assert_same_fit(HOSTILE[::2], HOSTILE[1::2], **params)


def test_ties_at_the_cut_fall_as_in_scikit_learn() -> None:
    # Every word occurs exactly twice, so which 7 of the 26 survive is decided by the tie order.
    texts = [" ".join(f"{c}{c}" for c in "abcdefghijklmnopqrstuvwxyz")] * 2
    _assert_same_fit(texts, texts, analyzer="word", max_features=7)


@pytest.mark.parametrize(
    ("params", "texts", "message"),
    [
        ({}, ["a b c"], "empty vocabulary"),
        ({"min_df": 3, "max_df": 2}, ["aa bb", "aa cc"], "max_df corresponds to < documents"),
        ({"min_df": 2}, ["aa bb", "cc dd"], "After pruning, no terms remain"),
    ],
)
def test_refuses_what_scikit_learn_refuses(
    params: dict[str, Any], texts: list[str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        _reference(**params).fit(texts)
    with pytest.raises(ValueError, match=message):
        NgramTfidfVectorizer(**params).fit(texts)


def test_refuses_a_bare_string() -> None:
    with pytest.raises(ValueError, match="Iterable over raw text documents expected"):
        NgramTfidfVectorizer().fit("one text")


@pytest.mark.parametrize(
    "params", [{"analyzer": "char"}, {"ngram_range": (0, 2)}, {"ngram_range": (3, 2)}]
)
def test_refuses_settings_it_does_not_implement(params: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"analyzer|ngram_range"):
        NgramTfidfVectorizer(**params).fit(["aa bb"])


def test_transforms_an_empty_batch_and_empty_texts() -> None:
    fitted = NgramTfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5))
    fitted.fit(["hello there", "hello again"])
    assert fitted.transform([]).shape == (0, len(fitted.idf_))
    matrix = fitted.transform(["", " ", "zzz"])
    assert matrix.shape == (3, len(fitted.idf_))
    assert matrix.nnz == 0


def test_fitted_state_is_arrays_and_plain_scalars_and_survives_skops(tmp_path: Any) -> None:
    texts = ["free bitcoin now", "the chart was clear", "free money now"] * 3
    fitted = NgramTfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).fit(texts)
    before = fitted.transform(texts)  # builds the lookup table, which must not be saved
    state = fitted.__getstate__()
    assert "_index" not in state
    for value in state.values():
        assert isinstance(value, (np.ndarray, str, int, float, bool, tuple, type(None)))
    path = tmp_path / "vectorizer.skops"
    sio.dump(fitted, path)
    loaded = sio.load(path, trusted=["classifier.ngrams.vectorizer.NgramTfidfVectorizer"])
    assert (loaded.transform(texts) != before).nnz == 0
    assert loaded.vocabulary_ == fitted.vocabulary_


def test_folded_view_reads_the_batchs_folded_copy() -> None:
    batch = NormalisedBatch(["fr33 b1tc0in now", "free bitcoin later", "hello"])
    fitted = FoldedNgramTfidfVectorizer(analyzer="word").fit(batch)
    assert {"free", "bitcoin"} <= fitted.vocabulary_.keys()
    assert "fr33" not in fitted.vocabulary_
    plain = NgramTfidfVectorizer(analyzer="word").fit(batch.folded())
    assert (fitted.transform(list(batch)) != plain.transform(batch.folded())).nnz == 0


def test_refits_with_the_next_base_when_two_training_ngrams_collide(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # With base 3, "ba" and "ad" hash alike: (98+1)*3 + (97+1) == (97+1)*3 + (100+1).
    monkeypatch.setattr(vectorizer_module, "BASES", (3, *BASES))
    fitted = NgramTfidfVectorizer(analyzer="word").fit(["ba ad", "ad"])
    assert fitted.hash_base_ == BASES[0]
    assert list(fitted.get_feature_names_out()) == ["ad", "ba"]
    counts = fitted.transform(["ba ba ad"])
    assert sp.issparse(counts)
    assert counts[0, 0] < counts[0, 1]


def test_from_terms_computes_what_the_source_vectorizer_computes() -> None:
    texts = [*HOSTILE_TEXTS, *fuzz_texts(200, seed=11)]
    source = _reference(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit(texts)
    copied = NgramTfidfVectorizer.from_terms(
        source.get_feature_names_out(),
        source.idf_,
        analyzer="char_wb",
        ngram_range=(3, 5),
        sublinear_tf=True,
    )
    assert abs(copied.transform(texts) - source.transform(texts)).max() <= 1e-7


def test_chunking_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [*HOSTILE_TEXTS, *fuzz_texts(300, seed=13)]

    def vectorizer() -> NgramTfidfVectorizer:
        return NgramTfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), min_df=2, max_features=500
        )

    whole = vectorizer().fit(texts)
    expected = whole.transform(texts)
    # A budget of 100 characters puts a few documents (or one long one) in each chunk.
    monkeypatch.setattr(extraction, "CHUNK_CHARACTERS", 100)
    assert len(extraction.chunks(texts)) > 50
    chunked = vectorizer().fit(texts)
    assert list(chunked.get_feature_names_out()) == list(whole.get_feature_names_out())
    assert np.array_equal(chunked.idf_, whole.idf_)
    assert (chunked.transform(texts) != expected).nnz == 0


def test_a_base_above_two_to_the_63_survives_skops(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setattr(vectorizer_module, "BASES", (BASES[1],))
    assert BASES[1] >= 2**63
    fitted = NgramTfidfVectorizer.from_terms(["aa", "bb"], [1.0, 2.0])
    path = tmp_path / "vectorizer.skops"
    sio.dump(fitted, path)
    loaded = sio.load(path, trusted=["classifier.ngrams.vectorizer.NgramTfidfVectorizer"])
    assert loaded.hash_base_ == BASES[1]
    assert (loaded.transform(["aa bb bb"]) != fitted.transform(["aa bb bb"])).nnz == 0
