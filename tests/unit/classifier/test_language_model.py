"""The batched walk answers bit for bit as py3langid's own ``classify`` (and the identifier as it
did when it called ``classify`` window by window)."""

from __future__ import annotations

from typing import Any

import msgspec
import numpy as np
import pytest

from bench.news_corpus import news_payload_bodies
from classifier.language import (
    UNDETERMINED,
    Identification,
    LanguageIdentifier,
    _load,
    windows,
    words_of,
)
from classifier.language_model import (
    DEPTH,
    AutomatonError,
    BatchedLanguageModel,
    check_depth,
    check_reset,
)
from service.http.schemas import Submission
from tests.language_samples import english_hard, non_english

EDGE_CASES = [
    "",
    "a",
    "ab",
    "THE WHOLE COMMENT IN CAPITALS, AS SOME READERS WRITE",
    "Ça coûte très cher, n\u2019est-ce pas ?",
    "日本語のコメントです",
    "Привет, как дела на рынке сегодня",
    "🚀🚀🚀 to the moon",
    "mixed English und Deutsch in einem Satz",
    "x" * 700,
]


@pytest.fixture(scope="module")
def py3langid_model() -> Any:
    return _load()


@pytest.fixture(scope="module")
def batched(py3langid_model: Any) -> BatchedLanguageModel:
    return BatchedLanguageModel(py3langid_model)


@pytest.fixture(scope="module")
def news() -> list[str]:
    return [msgspec.json.decode(b, type=Submission).body for b in news_payload_bodies(1000, 7)]


def _texts(news: list[str]) -> list[str]:
    samples = [text for _, text in non_english() + english_hard()]
    # What the identifier reads (words, windows) and the raw texts: both kinds of input.
    read = [window for text in news + samples for window in windows(words_of(text))]
    return read + news[:200] + samples + EDGE_CASES


def test_the_shipped_automaton_has_the_walks_properties(batched: BatchedLanguageModel) -> None:
    check_reset(batched._next, batched._rows, batched._output)
    check_depth(batched._next, batched._rows)


def test_batches_answer_bit_for_bit_as_py3langid(
    py3langid_model: Any, batched: BatchedLanguageModel, news: list[str]
) -> None:
    texts = _texts(news)
    expected = [py3langid_model.classify(text) for text in texts]
    for size in (1, 7, 50, len(texts)):
        got = [
            answer
            for start in range(0, len(texts), size)
            for answer in batched.classify_many(texts[start : start + size])
        ]
        assert got == [(str(language), float(p)) for language, p in expected]


def _one_window_at_a_time(model: Any, text: str, settled: frozenset[str]) -> Identification:
    """The identifier as it was before batching: py3langid's classify on each window."""
    words = words_of(text)
    letters = len(words) - words.count(" ")
    if not letters:
        return Identification(UNDETERMINED, 0.0, 0)
    head, *tail = windows(words)
    language, confidence = model.classify(head)
    if not tail or language in settled:
        return Identification(str(language), float(confidence), letters)
    end, end_confidence = model.classify(tail[0])
    return Identification(
        str(language) if end == language else UNDETERMINED,
        min(float(confidence), float(end_confidence)),
        letters,
    )


@pytest.mark.parametrize("settled", [frozenset(), frozenset({"en"})])
def test_identify_many_finds_what_one_window_at_a_time_found(
    py3langid_model: Any, news: list[str], settled: frozenset[str]
) -> None:
    texts = news + [text for _, text in non_english() + english_hard()] + EDGE_CASES
    found = LanguageIdentifier().identify_many(texts, settled)
    assert found == [_one_window_at_a_time(py3langid_model, t, settled) for t in texts]
    assert {f.language for f in found} >= {"en", UNDETERMINED, "de", "fr"}


def test_an_empty_batch_reads_nothing(batched: BatchedLanguageModel) -> None:
    assert batched.classify_many([]) == []
    assert LanguageIdentifier().identify_many([]) == []


def _chain(length: int) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """An automaton reading ``a`` ``length`` times: state k after k of them, else back to 0."""
    states = length + 1
    next_state = np.zeros(states * 256, dtype=np.uint32)
    for state in range(length):
        next_state[state * 256 + ord("a")] = state + 1
    return next_state, np.arange(states, dtype=np.intp) * 256


def test_check_depth_refuses_an_automaton_deeper_than_the_walk_reads() -> None:
    check_depth(*_chain(DEPTH))
    with pytest.raises(AutomatonError, match="deeper"):
        check_depth(*_chain(DEPTH + 1))


def test_check_reset_refuses_an_automaton_the_reset_byte_does_not_reset() -> None:
    next_state, rows = _chain(2)
    output = np.full(3, -1, dtype=np.intp)
    check_reset(next_state, rows, output)
    next_state[rows[1] + 0xFF] = 1
    with pytest.raises(AutomatonError, match="reset"):
        check_reset(next_state, rows, output)
