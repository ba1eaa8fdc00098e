"""The vectorised normalising, folding and counting give what the regex versions gave.

The content-hash split hashes ``normalise_text``'s output and the n-gram views read
``fold_texts``', so not one character may change; ``text_stats`` must give each text the values
the regexes gave it. Compared on every text of every public dataset (when present), hostile
unicode and seeded random mixes of the fragments the code treats specially.
"""

from __future__ import annotations

import numpy as np
import pytest

from classifier.features import text_stats
from classifier.folding import fold_texts
from classifier.text import normalise_text, normalise_texts
from tests.unit.classifier import reference
from tests.unit.classifier.hostile import HOSTILE_TEXTS, fuzz_texts
from tests.unit.classifier.public_data import needs_public_data, public_texts

FUZZ = fuzz_texts(3000, seed=8)
# text_stats' reference encodes to UTF-32 without surrogatepass, so it cannot take these.
WITHOUT_SURROGATES = [
    t for t in (*HOSTILE_TEXTS, *FUZZ) if not any(0xD800 <= ord(c) < 0xE000 for c in t)
]


def _assert_same_normalisation(texts: list[str]) -> None:
    expected = [reference.normalise_text(t) for t in texts]
    assert normalise_texts(texts) == expected


def _assert_same_folding(texts: list[str]) -> None:
    normalised = [reference.normalise_text(t) for t in texts]
    assert fold_texts(normalised) == reference.fold_texts(normalised)


def _assert_same_stats(texts: list[str]) -> None:
    for legacy in (False, True):
        expected = np.array([reference.text_stats_of(t, legacy=legacy) for t in texts])
        assert np.array_equal(text_stats(texts, legacy=legacy), expected)


def test_normalise_text_unchanged_on_hostile_and_random_text() -> None:
    _assert_same_normalisation([*HOSTILE_TEXTS, *FUZZ])


def test_fold_texts_unchanged_on_hostile_and_random_text() -> None:
    _assert_same_folding([*HOSTILE_TEXTS, *FUZZ])


def test_fold_texts_unchanged_one_text_at_a_time() -> None:
    for text in HOSTILE_TEXTS:
        normalised = normalise_text(text)
        assert fold_texts([normalised]) == reference.fold_texts([normalised])


def test_text_stats_unchanged_on_hostile_and_random_text() -> None:
    normalised = [reference.normalise_text(t) for t in WITHOUT_SURROGATES]
    _assert_same_stats(normalised)
    _assert_same_stats(WITHOUT_SURROGATES)  # raw, with newlines and tabs


def test_text_stats_take_lone_surrogates() -> None:
    assert text_stats(["call me \ud800 now"]).shape == (1, 11)


@needs_public_data
@pytest.mark.parametrize("dataset", sorted(public_texts()) or ["absent"])
def test_normalise_fold_and_stats_unchanged_on_public_data(dataset: str) -> None:
    texts = public_texts()[dataset]
    _assert_same_normalisation(texts)
    _assert_same_folding(texts)
    _assert_same_stats(normalise_texts(texts))
