"""Text normalisation shared by training and scoring.

The same function runs on training data and on live comments, so the model sees one text shape
whatever the source. It removes artefacts that identify a *dataset* rather than the content
(OLID's ``@USER``/``URL`` placeholders, Twitter ``RT``/mentions, HTML entities and tags), because a
model would otherwise learn "this looks like a tweet" instead of "this is abusive".
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

from classifier.folding import fold_text, fold_texts

__all__ = [
    "NormalisedBatch",
    "fold_text",
    "fold_texts",
    "folded",
    "normalise_text",
    "normalise_texts",
]

# Zero-width and byte-order-mark characters (invisible, and in the YouTube data correlated with
# the label, so a char n-gram model would learn them as a shortcut) and control characters (they
# carry no meaning in a comment and would leak into char n-grams). Deleting both sets in one pass
# equals deleting one after the other; every one of them is "non-printable" (str.isprintable).
_INVISIBLE_OR_CONTROL = re.compile("[\u200b\u200c\u200d\u2060\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HTML_TAG = re.compile(r"<[a-zA-Z/][^<>]{0,200}>")
# OLID's official TSV wraps some tweets in quotes and doubles the inner ones.
_DOUBLED_QUOTE = '""'
_OLID_USER = re.compile(r"(?<!\w)@USER\b:?")
_OLID_URL = re.compile(r"(?<![\w/.])URL\b")
# "RT" is a retweet marker when it leads the text or precedes a mention ("!!! RT @x: ...").
_RETWEET = re.compile(r"(?:^|(?<=\s))RT\b:?(?=\s*(?:@|$))|^RT\b:?")
# Lookbehind keeps e-mail addresses (name@host) intact; only free-standing mentions go.
_HANDLE = re.compile(r"(?<![\w@])@\w{1,30}:?")
# Each substitution below runs only when the text holds a string every match contains: the
# patterns that start with a lookbehind are tried at every position, which at news length cost
# more than everything else together.
_SUBSTITUTIONS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("@USER", _OLID_USER, " "),
    ("URL", _OLID_URL, " "),
    ("RT", _RETWEET, " "),
    ("@", _HANDLE, " "),
)


def _collapse_whitespace(text: str) -> str:
    # Equals re.sub(r"\s+", " ", text).strip(): re's \s and str.split() both mean str.isspace(),
    # and every whitespace character except " " is non-printable.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def normalise_text(text: str) -> str:
    """Return ``text`` in the canonical form the classifier is trained and scored on.

    Parameters
    ----------
    text : str
        Raw comment text.

    Returns
    -------
    str
        NFKC-normalised text with HTML tags removed, HTML entities unescaped, invisible characters,
        OLID placeholders (``@USER``, ``URL``), retweet markers and ``@handles`` stripped, and
        whitespace collapsed to single spaces. Case is kept (shouting is a signal).
    """
    if "<" in text:
        text = _HTML_TAG.sub(" ", text)
    # Unescape before NFKC so entities like "&#65313;" get the same folding as literal characters.
    text = html.unescape(text)
    text = unicodedata.normalize("NFKC", text)
    if not text.isprintable():
        text = _INVISIBLE_OR_CONTROL.sub("", text)
    if _DOUBLED_QUOTE in text:
        text = text.replace(_DOUBLED_QUOTE, '"')
    for literal, pattern, replacement in _SUBSTITUTIONS:
        if literal in text:
            text = pattern.sub(replacement, text)
    text = _collapse_whitespace(text)
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        text = text[1:-1].strip()
    return text


def normalise_texts(texts: Iterable[str]) -> list[str]:
    """Normalise many texts; see :func:`normalise_text`.

    Parameters
    ----------
    texts : iterable of str
        Raw texts.

    Returns
    -------
    list of str
        Normalised texts, in input order.
    """
    return [normalise_text(t) for t in texts]


class NormalisedBatch(list[str]):
    """Normalised texts that fold themselves once, however many feature views read the copy.

    :class:`classifier.model.TextModel` hands one of these to its feature union, whose word and
    char views both need :func:`fold_texts`; the folded copy is computed on first use and kept
    for the life of the batch (folding twice cost about a tenth of the scoring time).
    """

    _folded: list[str] | None = None

    def folded(self) -> list[str]:
        """Return :func:`fold_texts` of this batch, computed once."""
        if self._folded is None:
            self._folded = fold_texts(self)
        return self._folded


def folded(texts: Iterable[str]) -> list[str]:
    """Return :func:`fold_texts` of ``texts``, reusing a :class:`NormalisedBatch`'s own copy."""
    if isinstance(texts, NormalisedBatch):
        return texts.folded()
    return fold_texts(list(texts))
