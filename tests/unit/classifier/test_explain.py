"""Explanations: spans of the original text behind each label's score, and rule hits."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from classifier.explain import (
    Evidence,
    _linear_parts,
    _NgramPart,
    explain,
    explain_decision,
    rule_evidence,
)
from classifier.model import TextModel
from classifier.site import SiteModel
from classifier.spans import SpanModel, words
from classifier.text import NormalisedBatch, normalise_texts
from tests.unit.classifier.conftest import HAM, POLITE, SITE_SCAM, SPAM, TOXIC


def _assert_slices(text: str, spans: list[Evidence]) -> None:
    for span in spans:
        assert 0 <= span.start < span.end <= len(text)
        assert text[span.start : span.end] == span.text
        assert len(span.text) >= 3, span
        assert any(c.isalnum() or c in "$€£₿@" for c in span.text), span


def _covered(text: str, spans: list[Evidence], word: str) -> bool:
    start = text.lower().index(word.lower())
    end = start + len(word)
    return any(s.start < end and start < s.end for s in spans)


def test_spans_point_at_planted_spam_words_not_neutral_ones(tiny_model: TextModel) -> None:
    text = "The article was well argued. Claim bonus crypto, message me on Telegram"
    [result] = explain(tiny_model, [text])
    spans = result["spam"]
    assert spans
    _assert_slices(text, spans)
    assert _covered(text, spans, "Telegram")
    assert not _covered(text, spans, "article")
    assert not _covered(text, spans, "argued")
    assert all(s.weight > 0 for s in spans)
    words = [s.weight for s in spans if s.kind == "word"]
    assert words == sorted(words, reverse=True)


def test_toxic_spans_point_at_insults(tiny_model: TextModel) -> None:
    text = "Thanks for writing, you are a pathetic clown"
    [result] = explain(tiny_model, [text], labels=["toxic"])
    assert set(result) == {"toxic"}
    assert len(result["toxic"]) <= 2
    _assert_slices(text, result["toxic"])
    assert _covered(text, result["toxic"], "pathetic") or _covered(text, result["toxic"], "clown")
    assert not _covered(text, result["toxic"], "Thanks")


def test_mixed_case_and_repeated_words_are_each_marked(tiny_model: TextModel) -> None:
    text = "TeLeGrAm now, telegram later, TELEGRAM always"
    [result] = explain(tiny_model, [text], labels=["spam"])
    spans = result["spam"]
    _assert_slices(text, spans)
    starts = [i for i in range(len(text)) if text[i:].lower().startswith("telegram")]
    for start in starts:
        assert any(s.start <= start < s.end for s in spans), start
    # Merged spans never overlap.
    ordered = sorted(spans, key=lambda s: s.start)
    assert all(a.end <= b.start for a, b in itertools.pairwise(ordered))


def test_offsets_hold_after_non_ascii_characters(tiny_model: TextModel) -> None:
    # NFKC turns the "ﬁ" ligature into two letters: the model's text is longer than this one.
    text = "Ünïcödé ✨😀 ﬁne ＡＢＣ — grab a gift card, message me on telegram"  # noqa: RUF001
    [result] = explain(tiny_model, [text])
    spans = result["spam"]
    assert spans
    _assert_slices(text, spans)
    assert _covered(text, spans, "telegram")


def test_an_evasive_spelling_is_marked_as_the_word_written(tiny_model: TextModel) -> None:
    # "t3l3gr4m" folds to "telegram" for the model: the word as written is the evidence.
    text = "grab a gift card, message me on t3l3gr4m"
    [result] = explain(tiny_model, [text], labels=["spam"])
    spans = result["spam"]
    _assert_slices(text, spans)
    assert any(s.text == "t3l3gr4m" for s in spans)


def test_batch_matches_one_by_one(tiny_model: TextModel) -> None:
    texts = ["Win a free phone today, click www.prize-now.com", "The chart was well argued"]
    batch = explain(tiny_model, texts)
    assert batch == [explain(tiny_model, [t])[0] for t in texts]
    assert explain(tiny_model, []) == []


def test_unknown_label_and_bare_string_are_refused(tiny_model: TextModel) -> None:
    with pytest.raises(ValueError, match="unknown label"):
        explain(tiny_model, ["x"], labels=["nope"])
    with pytest.raises(TypeError):
        explain(tiny_model, "a string")


def test_rule_hits_are_spans_of_the_original_text() -> None:
    wallet = "0x52908400098527886E0F7030069857D2E4169EE7"
    text = (
        f"Ünïcode ✨ Send to {wallet}, visit WWW.Crypto-Win.com or mail me at a.b@example.org, "
        "WhatsApp +44 7700 900123"
    )
    [hits] = rule_evidence([text])
    found = {h.rule: h.text for h in hits}
    assert len(found) == len(hits)  # the e-mail's domain is not also reported as a link
    assert found["wallet_like"] == wallet
    assert found["links"].lower().startswith("www.crypto-win.com")
    assert found["emails"] == "a.b@example.org"
    assert found["messaging_apps"] == "WhatsApp"
    assert found["phone_like"] == "+44 7700 900123"
    assert all(h.kind == "rule" for h in hits)
    _assert_slices(text, hits)
    assert all(text[h.start : h.end] == h.text for h in hits)
    assert rule_evidence(["The article was well argued"]) == [[]]


# Texts with one-letter words, symbols and punctuation runs next to the planted words.
SHORT_MATCHES = [
    "Win a free phone today, just click!!! ok",
    "Grab a gift card, message me on telegram, a b c",
    "A, b. Win $$$ !!! ... you are a clown",
    "ridiculed classy assassin, idiotic stupidity",
]


def test_spans_are_whole_words_never_letters_inside_one(tiny_model: TextModel) -> None:
    results = explain(tiny_model, SHORT_MATCHES)

    spans = 0
    for text, result in zip(SHORT_MATCHES, results, strict=True):
        for label_spans in result.values():
            for span in label_spans:
                assert text[span.start : span.end] == span.text
                assert span.start == 0 or not (text[span.start - 1].isalnum()), span
                assert span.end == len(text) or not text[span.end].isalnum(), span
            spans += len(label_spans)
    assert spans > 0


def test_function_words_are_not_marked_for_what_their_context_did(
    tiny_model: TextModel,
) -> None:
    text = "you are a pathetic clown"
    # A span model that knows insults and not pronouns, whatever the classifier credits.
    spans = SpanModel({"w=pathetic": 3.0, "w=clown": 3.0, "w=you": -3.0}, -1.0, 0.3, 0.5)
    [result] = explain(tiny_model, [text], ["toxic"], spans=spans)
    marked = " ".join(s.text for s in result["toxic"])
    assert "pathetic clown" in marked
    assert "you" not in marked.split()


def test_a_held_label_always_points_at_something(tiny_model: TextModel) -> None:
    # No word is likely to be marked: the most likely credited word is still shown.
    never = SpanModel({}, -10.0, 0.5, 0.5)
    [result] = explain(tiny_model, ["you are a pathetic clown"], ["toxic"], spans=never)
    assert len(result["toxic"]) == 1


def test_spam_names_its_signals_first_with_a_link_host(tiny_model: TextModel) -> None:
    text = "Claim bonus crypto at https://www.prize-now.com/x or message me on Telegram"
    [result] = explain(tiny_model, [text], ["spam"])
    spans = result["spam"]
    rules = [s for s in spans if s.kind == "rule"]
    assert spans[: len(rules)] == rules  # signals first
    assert {s.rule for s in rules} == {"links", "messaging_apps"}
    assert next(s.detail for s in rules if s.rule == "links") == "www.prize-now.com"
    words = [s for s in spans if s.kind == "word"]
    assert 0 < len(words) <= 3
    assert all(s.text.lower() not in {"at", "or", "me", "on"} for s in words)


def test_decision_explains_held_labels_and_high_scoring_ones(tiny_model: TextModel) -> None:
    texts = ["you are a stupid idiot, shut up", "The chart was well argued"]
    first, second = explain_decision(tiny_model, texts, [["toxic", "new_author"], []])
    assert next(iter(first)) == "toxic"  # held labels first; rule reasons are not labels
    assert "new_author" not in first
    assert second == {}


def test_explains_models_with_scikit_learn_views_alike(
    tiny_model: TextModel, legacy_model: TextModel
) -> None:
    texts = ["Claim bonus crypto, message me on Telegram", "you are a pathetic clown"]
    assert explain(legacy_model, texts) == explain(tiny_model, texts)


def test_a_site_model_is_explained_by_the_prior_and_its_own_ngrams(
    tiny_model: TextModel, site_model: SiteModel
) -> None:
    from tests.unit.classifier.conftest import SITE_SCAM

    text = SITE_SCAM[0]
    [prior_only] = explain(tiny_model, [text], ["spam"])
    [adapted] = explain(site_model, [text], ["spam", "toxic"])
    _assert_slices(text, adapted["spam"])
    # The site learnt its own scam: its words are evidence now, as they were not for the prior.
    assert _covered(text, adapted["spam"], "Orchid") or _covered(text, adapted["spam"], "Harbor")
    assert not (_covered(text, prior_only["spam"], "Orchid"))
    # A label without a site head is explained by the prior alone.
    assert adapted["toxic"] == explain(tiny_model, [text], ["toxic"])[0]["toxic"]


@pytest.mark.parametrize("which", ["tiny_model", "site_model", "legacy_model"])
def test_word_credits_read_only_the_ngram_views_to_the_same_bits(
    which: str, request: pytest.FixtureRequest
) -> None:
    # Credits once transformed words through every view (the signals too, at zero weight);
    # the n-gram views alone must give the very same floats.
    model = request.getfixturevalue(which)
    keys = sorted(
        {w.key for text in [*SPAM, *HAM, *TOXIC, *POLITE, *SITE_SCAM] for w in words(text)}
        | {"pathetic", "l33t"}
    )
    batch = NormalisedBatch(normalise_texts(keys))
    for features, weights in _linear_parts(model, tuple(model.labels)):
        part = _NgramPart.of(features, weights)
        every_view = np.asarray(features.transform(batch) @ weights, dtype=np.float64)
        ngram_views = np.asarray(part.transform(batch) @ part.weights, dtype=np.float64)
        assert ngram_views.dtype == every_view.dtype
        assert np.array_equal(ngram_views.view(np.uint64), every_view.view(np.uint64))
