"""Evidence behind a :class:`~classifier.model.TextModel` score, as spans of the original text.

Each label's score is a logistic regression on the shared features, so a feature's contribution
to the margin is ``coef_j * x_j``; the Platt sigmoid on top is monotone, so the features that
push the margin most are also those that push the probability most. :func:`explain` takes the
top positive word and char n-gram contributions and finds them in the text as it was passed in
(case-insensitively): the n-grams were counted on the normalised, evasion-folded copy, whose
offsets do not map onto the original, so a feature that only exists after folding (``fr33`` read
as ``free``) cannot be pointed at and is left out. :func:`rule_evidence` adds the rule hits
(links, wallet addresses, phone numbers, e-mail addresses, messaging apps) found by
:mod:`classifier.features`' patterns on the original text. Model spans shorter than three
characters, or made only of whitespace and punctuation, are dropped: a moderator cannot read
"a" or ", " as evidence.
"""

from __future__ import annotations

import functools
import re
import unicodedata
import weakref
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from classifier.model import TextModel
from classifier.site import SiteModel
from classifier.text import NormalisedBatch, normalise_texts
from textsignals import ASCII_LOWER, CASELESS, PATTERNS

__all__ = ["RULEPATTERNS", "Evidence", "explain", "rule_evidence"]

# Candidate features read per label before giving up on finding ``top_k`` of them in the text.
_MAX_CANDIDATES = 50
# Occurrences of one feature marked in a text (a flood post repeats a word hundreds of times).
_MAX_OCCURRENCES = 10
# Shorter spans ("a", "on", a char bigram) point at nothing a moderator can read.
_MIN_SPAN_CHARS = 3
# The rule patterns that point at something in the text (not "!" or letter repeats).
RULEPATTERNS: tuple[str, ...] = (
    "links",
    "wallet_like",
    "phone_like",
    "emails",
    "messaging_apps",
)


class Evidence(NamedTuple):
    """One span of the original text that pushed a score, or a rule hit.

    Attributes
    ----------
    start, end : int
        Offsets into the text passed in: ``text[start:end]`` is the span.
    text : str
        ``text[start:end]``.
    weight : float
        The feature's contribution to the label's margin (``coef_j * x_j``); for merged spans,
        the largest of the merged contributions; ``1.0`` for a rule hit.
    kind : str
        ``"word"`` (word 1-2-gram), ``"char"`` (char n-gram) or ``"rule"``.
    rule : str or None
        The rule's name for ``kind == "rule"`` (e.g. ``"links"``), else None.
    """

    start: int
    end: int
    text: str
    weight: float
    kind: str
    rule: str | None = None


class _Vocabulary(NamedTuple):
    """Per fitted model: each column's kind and located pattern, built once."""

    kinds: npt.NDArray[np.int8]  # 0 = word, 1 = char, 2 = other (engineered signals)
    terms: list[str]


_KINDS = ("word", "char")
_VOCABULARIES: weakref.WeakKeyDictionary[Any, _Vocabulary] = weakref.WeakKeyDictionary()


def _vocabulary(features: Any) -> _Vocabulary:
    """Each column's kind and term, for a fitted feature union (a model's or a site head's)."""
    cached = _VOCABULARIES.get(features)
    if cached is not None:
        return cached
    kinds: list[npt.NDArray[np.int8]] = []
    terms: list[str] = []
    # Every view names its columns: the n-gram views (classifier.ngrams, or the scikit-learn
    # vectorizer of older artifacts) by their terms, the engineered signals by signal.
    for name, transformer in features.transformer_list:
        names = [str(term) for term in transformer.get_feature_names_out()]
        kind = _KINDS.index(name) if name in _KINDS else 2
        kinds.append(np.full(len(names), kind, dtype=np.int8))
        terms.extend(names if kind < 2 else [""] * len(names))
    built = _Vocabulary(np.concatenate(kinds), terms)
    _VOCABULARIES[features] = built
    return built


# Compiling is most of an explanation's cost, and the same common n-grams come up comment after
# comment; ``re``'s own cache holds only 512 patterns. Bounded: a long-running worker sees many.
@functools.lru_cache(maxsize=50_000)
def _pattern(term: str, kind: int) -> re.Pattern[str]:
    if kind == 0:
        # Word 1-2-grams: tokens of two or more word characters, joined by one space; in the
        # original text the two tokens may be separated by any run of non-word characters.
        inner = r"[\W_]+".join(re.escape(token) for token in term.split(" "))
        return re.compile(rf"(?<!\w){inner}(?!\w)", re.IGNORECASE)
    # char_wb n-grams: a space stands for a word edge (the vectorizer pads each word with one).
    body = re.escape(term.strip(" "))
    head = r"(?<!\w)" if term.startswith(" ") else ""
    tail = r"(?!\w)" if term.endswith(" ") else ""
    return re.compile(f"{head}{body}{tail}", re.IGNORECASE)


_WORD_CHAR = re.compile(r"\w")


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span to the words it touches: "Bitc" is read as "Bitcoin", not a fragment."""
    while start > 0 and _WORD_CHAR.match(text[start - 1]):
        start -= 1
    while end < len(text) and _WORD_CHAR.match(text[end]):
        end += 1
    return start, end


def _locate(text: str, term: str, kind: int, weight: float) -> list[Evidence]:
    if not term.strip(" "):
        return []
    found = []
    for match in _pattern(term, kind).finditer(text):
        if not _is_readable(match.group()):
            continue
        # A char n-gram is a piece of a word; a moderator reads the word it is a piece of.
        start, end = _whole_words(text, *match.span()) if kind == 1 else match.span()
        found.append(Evidence(start, end, text[start:end], weight, _KINDS[kind]))
        if len(found) == _MAX_OCCURRENCES:
            break
    return found


def _is_readable(span: str) -> bool:
    """Long enough and holding something besides whitespace and punctuation."""
    return len(span) >= _MIN_SPAN_CHARS and any(
        not (char.isspace() or unicodedata.category(char).startswith("P")) for char in span
    )


def _merge(text: str, spans: list[Evidence]) -> list[Evidence]:
    """Merge overlapping spans into one, keeping the largest weight and its kind."""
    merged: list[Evidence] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            end = max(last.end, span.end)
            best = last if last.weight >= span.weight else span
            merged[-1] = Evidence(last.start, end, text[last.start : end], best.weight, best.kind)
        else:
            merged.append(span)
    return sorted(merged, key=lambda s: (-s.weight, s.start))


class _Source(NamedTuple):
    """One linear part of a label's log-odds: a row of features and the weights on them."""

    columns: npt.NDArray[np.int64]
    values: npt.NDArray[np.float64]
    coef: npt.NDArray[Any]
    vocabulary: _Vocabulary

    def candidates(self) -> list[tuple[float, str, int]]:
        """(contribution, term, kind) of the largest positive n-gram contributions."""
        contributions = self.values * self.coef[self.columns]
        order = np.argsort(-contributions, kind="stable")[:_MAX_CANDIDATES]
        found = []
        for position in order:
            weight = float(contributions[position])
            if weight <= 0.0:
                break
            column = int(self.columns[position])
            kind = int(self.vocabulary.kinds[column])
            if kind <= 1:  # engineered signals have no span; rule_evidence covers them
                found.append((weight, self.vocabulary.terms[column], kind))
        return found


def _label_evidence(text: str, sources: Sequence[_Source], top_k: int) -> list[Evidence]:
    candidates = sorted(
        (c for source in sources for c in source.candidates()), key=lambda c: -c[0]
    )[:_MAX_CANDIDATES]
    spans: list[Evidence] = []
    located = 0
    for weight, term, kind in candidates:
        if located == top_k:
            break
        found = _locate(text, term, kind, weight)
        if found:
            spans.extend(found)
            located += 1
    return _merge(text, spans)


def _row(matrix: Any, row: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    lo, hi = matrix.indptr[row], matrix.indptr[row + 1]
    columns = np.asarray(matrix.indices[lo:hi], dtype=np.int64)
    return columns, np.asarray(matrix.data[lo:hi], dtype=np.float64)


def explain(
    model: TextModel | SiteModel,
    texts: Sequence[str],
    labels: Sequence[str] | None = None,
    top_k: int = 5,
) -> list[dict[str, list[Evidence]]]:
    """Return, for each text and label, the spans that pushed the label's score up most.

    Parameters
    ----------
    model : TextModel or SiteModel
        A fitted model. For a site model, a label with a site head is explained by both parts
        of its log-odds: the prior's n-grams (weighted by the head's slope on the prior) and
        the site's own n-grams.
    texts : sequence of str
        Raw texts, as stored; offsets in the result index into these strings. The batch is
        normalised and transformed once.
    labels : sequence of str, optional
        Labels to explain; all of ``model.labels`` by default.
    top_k : int
        Number of word or char n-gram features located per label, taken in order of their
        contribution ``coef_j * x_j`` among the positive ones. Every occurrence (up to ten) of a
        located feature is marked, and overlapping spans are merged.

    Returns
    -------
    list of dict of str to list of Evidence
        One dict per text, in input order, with a (possibly empty) list per label, sorted by
        weight, largest first. Features that cannot be found in the original text (those that
        exist only in the folded copy) are dropped, and so are matches shorter than three
        characters or made only of whitespace and punctuation (they do not count toward
        ``top_k``). A char n-gram's span is widened to the words it lies in. Each span's
        ``text`` is exactly ``text[start:end]``.

    Raises
    ------
    ValueError
        If a requested label is not one of the model's.
    """
    chosen = tuple(model.labels if labels is None else labels)
    unknown = [label for label in chosen if label not in model.labels]
    if unknown:
        raise ValueError(f"unknown label(s) {unknown}; the model has {model.labels}")
    if isinstance(texts, (str, bytes)):
        raise TypeError("texts must be a sequence of strings, not a single string")
    if len(texts) == 0:
        return []
    batch = NormalisedBatch(normalise_texts(texts))
    parts = _linear_parts(model, batch, chosen)
    results: list[dict[str, list[Evidence]]] = []
    for row, text in enumerate(texts):
        results.append(
            {
                label: _label_evidence(
                    text,
                    [
                        _Source(*_row(matrix, row), coef, vocab)
                        for matrix, coef, vocab in parts[label]
                    ],
                    top_k,
                )
                for label in chosen
            }
        )
    return results


def _linear_parts(
    model: TextModel | SiteModel, batch: NormalisedBatch, labels: Sequence[str]
) -> dict[str, list[tuple[Any, npt.NDArray[Any], _Vocabulary]]]:
    """Per label, the (feature matrix, weights, vocabulary) whose products add up to its
    log-odds: the prior's features (scaled by a site head's slope on them) and, for a label
    with a site head, the site's own n-grams."""
    prior = model.prior if isinstance(model, SiteModel) else model
    matrix = prior.features_.transform(batch).tocsr()
    vocabulary = _vocabulary(prior.features_)
    heads = model.heads_ if isinstance(model, SiteModel) else {}
    site = model.features_.transform(batch).tocsr() if heads else None
    parts: dict[str, list[tuple[Any, npt.NDArray[Any], _Vocabulary]]] = {}
    for label in labels:
        coef = np.ravel(prior.classifiers_[label].coef_)
        head = heads.get(label)
        if head is None:
            parts[label] = [(matrix, coef, vocabulary)]
            continue
        # logit = slope * (a * prior margin + b) + intercept + site weights . site features
        slope = float(head[0]) * float(prior.calibration_[prior.labels.index(label), 0])
        site_vocabulary = _vocabulary(model.features_)
        parts[label] = [(matrix, coef * slope, vocabulary), (site, head[2:], site_vocabulary)]
    return parts


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
        weight ``1.0``, ordered by offset; a hit inside a longer one is left out. The patterns
        are those of :mod:`classifier.features`; the case-insensitive ones run on an
        ASCII-lower-cased copy, which keeps every offset.
    """
    results = []
    for text in texts:
        lower = text.translate(ASCII_LOWER)
        hits = [
            Evidence(m.start(), m.end(), text[m.start() : m.end()], 1.0, "rule", name)
            for name in RULEPATTERNS
            for m in PATTERNS[name].finditer(lower if name in CASELESS else text)
        ]
        # A hit inside a longer one (the domain of an e-mail address read as a link) says nothing.
        kept = [
            h
            for h in hits
            if not any(
                o.start <= h.start and h.end <= o.end and o.end - o.start > h.end - h.start
                for o in hits
            )
        ]
        results.append(sorted(kept, key=lambda e: (e.start, e.end)))
    return results
