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

__all__ = ["normalise_text", "normalise_texts"]

# Zero-width and byte-order-mark characters: invisible, and in the YouTube data correlated with the
# label, so a char n-gram model would learn them as a shortcut.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
# Control characters carry no meaning in a comment and would leak into char n-grams.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HTML_TAG = re.compile(r"<[a-zA-Z/][^<>]{0,200}>")
# OLID's official TSV wraps some tweets in quotes and doubles the inner ones.
_DOUBLED_QUOTE = re.compile(r'""')
_OLID_USER = re.compile(r"(?<!\w)@USER\b:?")
_OLID_URL = re.compile(r"(?<![\w/.])URL\b")
# "RT" is a retweet marker when it leads the text or precedes a mention ("!!! RT @x: ...").
_RETWEET = re.compile(r"(?:^|(?<=\s))RT\b:?(?=\s*(?:@|$))|^RT\b:?")
# Lookbehind keeps e-mail addresses (name@host) intact; only free-standing mentions go.
_HANDLE = re.compile(r"(?<![\w@])@\w{1,30}:?")
_WHITESPACE = re.compile(r"\s+")


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
    text = _HTML_TAG.sub(" ", text)
    # Unescape before NFKC so entities like "&#65313;" get the same folding as literal characters.
    text = html.unescape(text)
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", text)
    text = _DOUBLED_QUOTE.sub('"', text)
    text = _OLID_USER.sub(" ", text)
    text = _OLID_URL.sub(" ", text)
    text = _RETWEET.sub(" ", text)
    text = _HANDLE.sub(" ", text)
    text = _WHITESPACE.sub(" ", text).strip()
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
