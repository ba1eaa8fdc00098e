"""bench.evidence's yardsticks: the same-run word list and the word-cutting check."""

from __future__ import annotations

from bench.evidence import cuts_a_word, learned_word_list, word_list_offsets
from classifier.explain import Evidence
from classifier.span_training import MarkedText


def _marked(text: str, *words: str) -> MarkedText:
    gold = {i for w in words for i in range(text.index(w), text.index(w) + len(w))}
    return MarkedText(text, frozenset(gold))


def test_word_list_keeps_words_marked_in_half_of_at_least_three_uses() -> None:
    rows = [
        _marked("you idiot", "idiot"),
        _marked("an idiot again", "idiot"),
        _marked("idiot or not"),
        _marked("the clown", "clown"),
        _marked("a clown", "clown"),
    ]
    assert learned_word_list(rows) == {"idiot"}  # "clown": two uses only; "you": never marked
    assert word_list_offsets("Idiot!", frozenset({"idiot"})) == set(range(5))


def test_a_span_cuts_a_word_only_between_two_word_characters() -> None:
    text = "ridiculed, you idiot"
    assert cuts_a_word(text, Evidence(2, 5, "dic", 1.0, "word"))
    assert cuts_a_word(text, Evidence(0, 3, "rid", 1.0, "word"))
    assert not cuts_a_word(text, Evidence(0, 9, "ridiculed", 1.0, "word"))
    assert not cuts_a_word(text, Evidence(15, 20, "idiot", 1.0, "word"))
