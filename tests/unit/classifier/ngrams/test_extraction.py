"""The n-grams of a batch are exactly scikit-learn's analyzers' n-grams, document by document."""

from __future__ import annotations

from collections import Counter

import pytest
from sklearn.feature_extraction.text import CountVectorizer

from classifier.ngrams.extraction import (
    Ngrams,
    char_wb_ngrams,
    term_strings,
    word_ngrams,
)
from tests.unit.classifier.hostile import HOSTILE_TEXTS, fuzz_texts

TEXTS = [*HOSTILE_TEXTS, *fuzz_texts(200, seed=3)]


def _per_document(grams: Ngrams, count: int) -> list[Counter[str]]:
    terms = term_strings(grams.stream, grams.starts, grams.lengths)
    documents: list[Counter[str]] = [Counter() for _ in range(count)]
    for document, term in zip(grams.docs.tolist(), terms, strict=True):
        documents[document][term] += 1
    return documents


@pytest.mark.parametrize("ngram_range", [(1, 1), (2, 4), (3, 5), (4, 6), (7, 7)])
def test_char_wb_ngrams_are_scikit_learns(ngram_range: tuple[int, int]) -> None:
    analyze = CountVectorizer(analyzer="char_wb", ngram_range=ngram_range).build_analyzer()
    grams = char_wb_ngrams(TEXTS, ngram_range)
    assert _per_document(grams, len(TEXTS)) == [Counter(analyze(t)) for t in TEXTS]


@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2), (2, 3)])
def test_word_ngrams_are_scikit_learns(ngram_range: tuple[int, int]) -> None:
    analyze = CountVectorizer(analyzer="word", ngram_range=ngram_range).build_analyzer()
    grams = word_ngrams(TEXTS, ngram_range)
    assert _per_document(grams, len(TEXTS)) == [Counter(analyze(t)) for t in TEXTS]


def test_occurrences_are_ordered_by_document() -> None:
    for grams in (char_wb_ngrams(TEXTS, (3, 5)), word_ngrams(TEXTS, (1, 2))):
        assert (grams.docs[1:] >= grams.docs[:-1]).all()


def test_no_text_no_ngrams() -> None:
    for extract in (char_wb_ngrams, word_ngrams):
        assert len(extract([], (1, 2)).starts) == 0
        grams = extract(["", "  ", "\n", "a"], (2, 2) if extract is word_ngrams else (4, 4))
        assert len(grams.starts) == (0 if extract is word_ngrams else 1)  # " a " is one n-gram
        assert term_strings(grams.stream, grams.starts[:0], grams.lengths[:0]) == []
