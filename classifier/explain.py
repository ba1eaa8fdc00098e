"""Evidence behind a :class:`~classifier.model.TextModel` decision, as whole words of the text.

Two questions, answered by two models:

- *Which words did the label's score count?* Each label is a logistic regression on word and char
  n-grams, so a word's credit toward a label is what its own n-grams add to the label's margin
  (``coef · x`` of the word read alone, the engineered signals left out). Only words with a
  positive credit can be evidence for a label.
- *Which of those would a person mark?* Credit alone marks "you", "are" and "she": an insult is
  addressed to someone, so those words carry weight. :class:`~classifier.spans.SpanModel`, fitted
  on crowd-marked toxic spans of news comments, gives each word the probability a person marks
  it, and picks the likely ones among the credited words.

Spans are whole words (``classifier.spans.words``), never a letter sequence inside another word;
neighbouring picked words apart only by spaces form one phrase. ``spam`` is explained by what a
scam needs rather than by the toxic-span model: the text signals of :mod:`textsignals` (link and
its host, wallet, phone, e-mail, messaging app, promised return, scam role) come first, then the
few credited content words. A label with any credited word always gets at least one span.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from classifier.model import TextModel
from classifier.pipeline import weighted_blocks
from classifier.site import SiteModel
from classifier.spans import SpanModel, Word, load_span_model, phrases, words
from classifier.text import NormalisedBatch, normalise_texts
from textsignals import ASCII_LOWER, CASELESS, EVIDENCE, PATTERNS, find_signals, link_host

__all__ = [
    "ALSO_EXPLAINED_AT",
    "RULEPATTERNS",
    "SPAM",
    "Evidence",
    "explain",
    "explain_decision",
    "rule_evidence",
]

SPAM = "spam"
# A label that did not hold the comment is still explained when its score reaches this: it
# contributed to what the moderator sees (the workspace flags the same labels).
ALSO_EXPLAINED_AT = 0.5
# Credited content words shown for spam after its text signals.
_SPAM_WORDS = 3
# Cached credit rows per model (a worker sees the same words comment after comment).
_CREDIT_CACHE_WORDS = 100_000
# The rule patterns that point at something in the text (not "!" or letter repeats).
RULEPATTERNS: tuple[str, ...] = (
    "links",
    "wallet_like",
    "phone_like",
    "emails",
    "messaging_apps",
)


class Evidence(NamedTuple):
    """One span of the original text that backs a label, or a rule hit.

    Attributes
    ----------
    start, end : int
        Offsets into the text passed in: ``text[start:end]`` is the span.
    text : str
        ``text[start:end]``.
    weight : float
        For a word or phrase, the label's margin credit of its words; ``1.0`` for a rule hit.
    kind : str
        ``"word"`` (a word or phrase the label credited) or ``"rule"`` (a text signal).
    rule : str or None
        The signal's name for ``kind == "rule"`` (e.g. ``"links"``), else None.
    detail : str or None
        What the signal names, where that is not the span itself: a link's host.
    """

    start: int
    end: int
    text: str
    weight: float
    kind: str
    rule: str | None = None
    detail: str | None = None


_Matrix = Any  # a scipy CSR matrix


class _Credits:
    """Per model: each word's credit toward every label, computed once per word and cached."""

    def __init__(self, model: TextModel | SiteModel) -> None:
        self.labels = tuple(model.labels)
        self._parts = [_NgramPart.of(f, w) for f, w in _linear_parts(model, self.labels)]
        self._cache: dict[str, npt.NDArray[np.float64]] = {}

    def of(self, keys: Sequence[str]) -> npt.NDArray[np.float64]:
        """A (len(keys), len(labels)) array of credits."""
        if not keys:
            return np.zeros((0, len(self.labels)))
        # Read into a local mapping: another thread may clear the shared cache meanwhile.
        known: dict[str, npt.NDArray[np.float64]] = {}
        for key in keys:
            row = self._cache.get(key)
            if row is not None:
                known[key] = row
        missing = [key for key in dict.fromkeys(keys) if key not in known]
        if missing:
            batch = NormalisedBatch(normalise_texts(missing))
            credit = sum(
                np.asarray(part.transform(batch) @ part.weights, dtype=np.float64)
                for part in self._parts
            )
            rows = dict(zip(missing, np.atleast_2d(credit), strict=True))
            known.update(rows)
            if len(self._cache) + len(rows) > _CREDIT_CACHE_WORDS:
                self._cache.clear()
            self._cache.update(rows)
        return np.vstack([known[key] for key in keys])


class _NgramPart(NamedTuple):
    """A linear part's n-gram views alone, with the rows of its weights they fill.

    The other views (the engineered signals) have zero weight in a credit, so transforming
    words through them only cost time: they were 40% of reading a batch's new words. The
    matrix keeps the whole union's dtype (its dense signals block makes it float64) and its
    canonical column order, so each credit is the same sum, term for term, minus the zeros.
    """

    views: tuple[tuple[Any, float | None], ...]  # (transformer, the union's weight for it)
    dtype: np.dtype[Any]
    weights: npt.NDArray[np.floating[Any]]

    @classmethod
    def of(cls, features: Any, weights: npt.NDArray[np.float32]) -> _NgramPart:
        union_weights = features.transformer_weights or {}
        views, rows, start = [], [], 0
        for name, transformer in features.transformer_list:
            width = len(transformer.get_feature_names_out())
            if name in _NGRAM_VIEWS:
                views.append((transformer, union_weights.get(name)))
                rows.append(weights[start : start + width])
            start += width
        dtype = features.transform(NormalisedBatch(normalise_texts(["a"]))).dtype
        # In the dtype the product computes in: scipy would convert them on every call.
        product = np.result_type(dtype, weights.dtype)
        return cls(tuple(views), dtype, np.ascontiguousarray(np.vstack(rows), dtype=product))

    def transform(self, batch: NormalisedBatch) -> _Matrix:
        """The n-gram columns of ``features.transform(batch)``."""
        matrix = sp.hstack(weighted_blocks(self.views, batch), format="csr", dtype=self.dtype)
        matrix.sum_duplicates()  # canonical (sorted columns), as the union's own hstack leaves it
        return matrix


_NGRAM_VIEWS = ("word", "char")


def _ngram_columns(features: Any) -> npt.NDArray[np.bool_]:
    """True for the word and char n-gram columns of a feature union; the engineered signals
    describe a text, not a word. (Naming every column is slow: done once per model.)"""
    return np.concatenate(
        [
            np.full(len(t.get_feature_names_out()), name in _NGRAM_VIEWS)
            for name, t in features.transformer_list
        ]
    )


def _ngram_weights(is_ngram: npt.NDArray[np.bool_], coef: npt.NDArray[Any]) -> Any:
    # float32 like the features: seven labels' weights over every n-gram column stay small.
    return np.where(is_ngram, np.asarray(coef, dtype=np.float32), np.float32(0.0))


def _linear_parts(
    model: TextModel | SiteModel, labels: Sequence[str]
) -> list[tuple[Any, npt.NDArray[np.float32]]]:
    """(features, weights of shape (columns, labels)) whose products add up to n-gram credit:
    the prior's (scaled by a site head's slope on the prior) and a site model's own n-grams."""
    prior = model.prior if isinstance(model, SiteModel) else model
    heads = model.heads_ if isinstance(model, SiteModel) else {}
    prior_ngrams = _ngram_columns(prior.features_)
    prior_columns, site_columns = [], []
    for label in labels:
        coef = _ngram_weights(prior_ngrams, np.ravel(prior.classifiers_[label].coef_))
        head = heads.get(label)
        if head is None:
            prior_columns.append(coef)
            continue
        # logit = slope * (a * prior margin + b) + intercept + site weights . site features
        slope = float(head[0]) * float(prior.calibration_[prior.labels.index(label), 0])
        prior_columns.append(coef * slope)
        site_columns.append((label, np.asarray(head[2:], dtype=np.float64)))
    parts = [(prior.features_, np.column_stack(prior_columns))]
    if site_columns:
        site = np.zeros((len(site_columns[0][1]), len(labels)), dtype=np.float32)
        site_ngrams = _ngram_columns(model.features_)
        for label, weights in site_columns:
            site[:, labels.index(label)] = _ngram_weights(site_ngrams, weights)
        parts.append((model.features_, site))
    return parts


_CREDITS: weakref.WeakKeyDictionary[Any, _Credits] = weakref.WeakKeyDictionary()


def _credits(model: TextModel | SiteModel) -> _Credits:
    found = _CREDITS.get(model)
    if found is None:
        found = _CREDITS[model] = _Credits(model)
    return found


def _is_content(key: str) -> bool:
    """A word a person could read as evidence: it has letters (not a bare number)."""
    return any(c.isalpha() for c in key)


def _label_spans(
    text: str,
    found: Sequence[Word],
    credit: npt.NDArray[np.float64],
    is_content: npt.NDArray[np.bool_],
    probabilities: npt.NDArray[np.float64],
    spans: SpanModel,
) -> list[Evidence]:
    """A toxicity label's evidence: the credited words a person would likely mark."""
    candidates = (credit > 0) & is_content
    if not candidates.any():
        return _best_credited(text, found, credit)
    picked = spans.pick(probabilities, candidates)
    return _phrases(text, found, credit, picked)


def _phrases(
    text: str,
    found: Sequence[Word],
    credit: npt.NDArray[np.float64],
    picked: npt.NDArray[np.bool_],
) -> list[Evidence]:
    first_word = {w.start: i for i, w in enumerate(found) if picked[i]}
    last_word = {w.end: i for i, w in enumerate(found) if picked[i]}
    evidence = []
    for start, end in phrases(text, found, picked.tolist()):
        # A phrase is a run of picked words: its credit is theirs.
        weight = float(credit[first_word[start] : last_word[end] + 1].sum())
        evidence.append(Evidence(start, end, text[start:end], weight, "word"))
    return sorted(evidence, key=lambda e: (-e.weight, e.start))


def _best_credited(
    text: str, found: Sequence[Word], credit: npt.NDArray[np.float64]
) -> list[Evidence]:
    """The single most credited word: a held label points at something whenever a word of the
    text raised its score at all."""
    if not found or float(credit.max()) <= 0.0:
        return []
    best = int(np.argmax(credit))
    picked = np.zeros(len(found), dtype=np.bool_)
    picked[best] = True
    return _phrases(text, found, credit, picked)


def _signal_evidence(text: str) -> list[Evidence]:
    """The text signals of a scam, as rule spans (a link's host in ``detail``)."""
    return [
        Evidence(
            s.start, s.end, s.text, 1.0, "rule", s.name,
            link_host(s.text) if s.name == "links" else None,
        )
        for s in _outermost(find_signals(text, EVIDENCE))
    ]  # fmt: skip


def _spam_spans(
    text: str, found: Sequence[Word], credit: npt.NDArray[np.float64]
) -> list[Evidence]:
    """Spam's evidence: its text signals first, then the few most credited content words."""
    signals = _signal_evidence(text)
    covered = [(s.start, s.end) for s in signals]
    eligible = [
        i
        for i, w in enumerate(found)
        if credit[i] > 0
        and _is_content(w.key)
        and w.key not in ENGLISH_STOP_WORDS
        and not any(a < w.end and w.start < b for a, b in covered)
    ]
    top = sorted(eligible, key=lambda i: -credit[i])[:_SPAM_WORDS]
    picked = np.zeros(len(found), dtype=np.bool_)
    picked[top] = True
    spans = signals + _phrases(text, found, credit, picked)
    return spans or _best_credited(text, found, credit)


def _outermost(signals: Sequence[Any]) -> list[Any]:
    """Signals not inside a longer one (an e-mail's domain is not also a link)."""
    return [
        s
        for s in signals
        if not any(
            o.start <= s.start and s.end <= o.end and o.end - o.start > s.end - s.start
            for o in signals
        )
    ]


def explain(
    model: TextModel | SiteModel,
    texts: Sequence[str],
    labels: Sequence[str] | None = None,
    *,
    spans: SpanModel | None = None,
) -> list[dict[str, list[Evidence]]]:
    """Return, for each text and label, the words and phrases that back the label's score.

    Parameters
    ----------
    model : TextModel or SiteModel
        A fitted model. For a site model, a label with a site head credits words through both
        parts of its log-odds: the prior's n-grams (scaled by the head's slope on the prior)
        and the site's own n-grams.
    texts : sequence of str
        Raw texts, as stored; offsets in the result index into these strings.
    labels : sequence of str, optional
        Labels to explain; all of ``model.labels`` by default.
    spans : SpanModel, optional
        Picks the words a person would mark among those a label credits; the packaged
        :func:`~classifier.spans.load_span_model` by default.

    Returns
    -------
    list of dict of str to list of Evidence
        One dict per text, in input order, with a list per label. A toxicity label's spans are
        the credited words the span model picks (the most credited word when none is), largest
        weight first; ``spam``'s are its text signals (``kind="rule"``) followed by up to three
        credited content words. Every span is whole words: ``text[start:end]`` never starts or
        ends between two word characters.

    Raises
    ------
    ValueError
        If a requested label is not one of the model's.
    """
    chosen = tuple(model.labels if labels is None else labels)
    return explain_decision(model, texts, [chosen] * len(texts), spans=spans, also_scored=False)


def explain_decision(
    model: TextModel | SiteModel,
    texts: Sequence[str],
    held: Sequence[Sequence[str]],
    *,
    spans: SpanModel | None = None,
    also_scored: bool = True,
    scores: Sequence[Mapping[str, float] | None] | None = None,
) -> list[dict[str, list[Evidence]]]:
    """Return the evidence of each label that contributed to each text's decision.

    Parameters
    ----------
    model : TextModel or SiteModel
        The model that scored the texts.
    texts : sequence of str
        Raw texts, as stored.
    held : sequence of sequence of str
        Per text, the reasons it was held or rejected; the model's labels among them are
        explained (other reasons, such as rule names, are ignored).
    spans : SpanModel, optional
        See :func:`explain`.
    also_scored : bool
        Also explain every other label whose score reaches ``ALSO_EXPLAINED_AT`` (one
        ``predict_proba`` call on the texts that have a held label, unless ``scores`` has
        them): a toxicity sub-label never holds by default, yet it is part of what the
        moderator is shown.
    scores : sequence of mapping, optional
        Per text, the label scores the decision was made with (None where unknown), so that
        ``also_scored`` need not score the texts again.

    Returns
    -------
    list of dict of str to list of Evidence
        Per text, the explained labels (held ones first) and their spans; see :func:`explain`.
    """
    if isinstance(texts, (str, bytes)):
        raise TypeError("texts must be a sequence of strings, not a single string")
    all_labels = tuple(model.labels)
    wanted = [[label for label in dict.fromkeys(why) if label in all_labels] for why in held]
    unknown = {label for why in held for label in why} - set(all_labels)
    if not also_scored and unknown:
        raise ValueError(f"unknown label(s) {sorted(unknown)}; the model has {list(all_labels)}")
    if also_scored:
        wanted = _with_scored_labels(model, texts, wanted, scores)
    span_model = spans if spans is not None else load_span_model()
    credits = _credits(model)
    found = [words(text) if labels else [] for text, labels in zip(texts, wanted, strict=True)]
    # One credit lookup for the whole batch: the words not cached yet are read in one call.
    credit = credits.of([w.key for text_words in found for w in text_words])
    ends = np.cumsum([len(text_words) for text_words in found])
    return [
        _text_evidence(
            text, labels, text_words, credit[end - len(text_words) : end], credits, span_model
        )
        for text, labels, text_words, end in zip(texts, wanted, found, ends, strict=True)
    ]


def _with_scored_labels(
    model: TextModel | SiteModel,
    texts: Sequence[str],
    wanted: list[list[str]],
    scores: Sequence[Mapping[str, float] | None] | None,
) -> list[list[str]]:
    known: list[Mapping[str, float] | None] = list(scores or [None] * len(texts))
    unscored = [i for i, labels in enumerate(wanted) if labels and known[i] is None]
    if unscored:
        proba = np.asarray(model.predict_proba([texts[i] for i in unscored]), dtype=np.float64)
        for row, found in zip(unscored, proba, strict=True):
            known[row] = dict(zip(model.labels, found.tolist(), strict=True))
    for row, labels in enumerate(wanted):
        by_label = known[row]
        if labels and by_label is not None:
            high = [
                label for label in model.labels if by_label.get(label, 0.0) >= ALSO_EXPLAINED_AT
            ]
            wanted[row] = list(dict.fromkeys([*labels, *high]))
    return wanted


def _text_evidence(
    text: str,
    labels: Sequence[str],
    found: Sequence[Word],
    credit: npt.NDArray[np.float64],
    credits: _Credits,
    span_model: SpanModel,
) -> dict[str, list[Evidence]]:
    if not labels:
        return {}
    probabilities = (
        span_model.probabilities(found) if any(label != SPAM for label in labels) else None
    )
    is_content = np.array([_is_content(w.key) for w in found], dtype=np.bool_)
    result = {}
    for label in labels:
        column = credit[:, credits.labels.index(label)]
        if label == SPAM or probabilities is None:
            result[label] = _spam_spans(text, found, column)
        else:
            result[label] = _label_spans(text, found, column, is_content, probabilities, span_model)
    return result


def rule_evidence(texts: Sequence[str]) -> list[list[Evidence]]:
    """Return the rule hits of each text as spans: links, wallets, phones, e-mails, messengers.

    Parameters
    ----------
    texts : sequence of str
        Raw texts, as stored; offsets index into these strings.

    Returns
    -------
    list of list of Evidence
        Per text, in input order, ``kind="rule"`` spans with the rule's name in ``rule`` and
        weight ``1.0`` (a link's host in ``detail``), ordered by offset; a hit inside a longer
        one is left out. The case-insensitive patterns run on an ASCII-lower-cased copy, which
        keeps every offset.
    """
    results = []
    for text in texts:
        lower = text.translate(ASCII_LOWER)
        hits = [
            Evidence(
                m.start(), m.end(), text[m.start() : m.end()], 1.0, "rule", name,
                link_host(m.group()) if name == "links" else None,
            )
            for name in RULEPATTERNS
            for m in PATTERNS[name].finditer(lower if name in CASELESS else text)
        ]  # fmt: skip
        results.append(sorted(_outermost(hits), key=lambda e: (e.start, e.end)))
    return results
