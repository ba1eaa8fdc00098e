"""The span model: whole words, the picking rule, its JSON form, and the packaged artifact."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from classifier.span_training import MarkedText, char_f1, fit_span_model, predict
from classifier.spans import DEFAULT_SPANS_PATH, SpanModel, load_span_model, phrases, words


def test_words_keep_offsets_and_inner_apostrophes() -> None:
    text = "Ünï don't, x-ray! Trump\u2019s"
    found = words(text)
    assert [text[w.start : w.end] for w in found] == ["Ünï", "don't", "x", "ray", "Trump\u2019s"]
    assert found[0].key == "ünï"


def test_neighbouring_picks_apart_by_spaces_form_one_phrase() -> None:
    text = "a stupid  idiot, moron"
    found = words(text)
    assert phrases(text, found, [False, True, True, True]) == [(2, 15), (17, 22)]


def test_pick_is_never_empty_when_a_candidate_exists() -> None:
    model = SpanModel({}, 0.0, threshold=0.9, relative=0.5)
    probabilities = np.array([0.2, 0.4, 0.1])
    candidates = np.array([True, True, False])
    assert model.pick(probabilities, candidates).tolist() == [False, True, False]
    assert not model.pick(probabilities, np.zeros(3, dtype=np.bool_)).any()


def test_relative_rule_drops_words_far_below_the_best() -> None:
    model = SpanModel({}, 0.0, threshold=0.1, relative=0.5)
    picked = model.pick(np.array([0.9, 0.5, 0.3]), np.ones(3, dtype=np.bool_))
    assert picked.tolist() == [True, True, False]


def test_char_f1_follows_the_task_definition() -> None:
    assert char_f1(set(), frozenset()) == 1.0
    assert char_f1({1}, frozenset()) == 0.0
    assert char_f1({1, 2}, frozenset({2, 3})) == pytest.approx(0.5)


def test_fitted_model_marks_the_marked_words_and_round_trips(tmp_path: Path) -> None:
    insults = ["idiot", "moron", "clown", "fool"]
    rows = [
        MarkedText(text, frozenset(range(text.index(word), text.index(word) + len(word))))
        for word in insults
        for text in (f"you are a {word} and she knows", f"what a {word} he is", f"they {word} it")
    ] * 4
    model = fit_span_model(rows)
    assert (
        np.mean([char_f1(p, r.gold) for p, r in zip(predict(model, rows), rows, strict=True)]) > 0.9
    )
    path = tmp_path / "spans.json"
    path.write_text(json.dumps(model.to_json()), encoding="utf-8")
    again = load_span_model(path)
    assert again == SpanModel.from_json(model.to_json())
    assert again.threshold == model.threshold


def test_packaged_model_loads_and_prefers_insults_to_pronouns() -> None:
    model = load_span_model(DEFAULT_SPANS_PATH)
    found = words("you are an idiot")
    you, _, _, idiot = model.probabilities(found)
    assert idiot > 0.5 > you
    assert model.metadata["data"]["split"].startswith("content hash")


def test_another_format_is_refused() -> None:
    with pytest.raises(ValueError, match="format"):
        SpanModel.from_json({"format": 99})
