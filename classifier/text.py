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
from collections.abc import Iterable, Sequence

__all__ = ["NormalisedBatch", "fold_text", "fold_texts", "normalise_text", "normalise_texts"]

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


# Look-alike letters from Cyrillic and Greek that evaders swap into Latin words ("free" spelt with
# a Cyrillic "ie"). NFKC does not fold these: they are distinct letters, not compatibility forms.
# The strings below hold those look-alikes on purpose, hence the RUF001 exemptions.
_CONFUSABLES = str.maketrans(
    "авсдеһіјкмнорстухѕԁԛԝ"
    "АВСЕНІЈКМНОРСТХЅ"  # noqa: RUF001 - Cyrillic upper case
    "αβεικνορτυχ"
    "ΑΒΕΗΙΚΜΝΟΡΤΥΧΖ",  # noqa: RUF001 - Greek upper case
    "abcdehijkmhopctyxsdqwABCEHIJKMHOPCTXSabeikvoptuxABEHIKMNOPTYXZ",
)
# Digits and symbols used as letters. Applied only inside tokens that also hold a letter, so
# numbers ("200%", "0800 555") keep their digits while "fr33" and "b1tc0in" become words.
_LEET = str.maketrans("013457@$", "oieastas")
# The possessive quantifier and lookahead leave e-mail addresses and domains ("me@x.com") alone.
_LEET_TOKEN = re.compile(r"(?<![\w@$.])(?=[\w@$]*[^\W\d_])(?=[\w@$]*[013457@$])[\w@$]{2,}+(?!\.\w)")
# Three or more single letters split by one repeated separator (space, dot, dash, underscore):
# "f r e e", "f.r.e.e". The backreference keeps "a u.s. citizen" from merging into "aus".
_SPACED = re.compile(r"(?<![^\W_])[^\W\d_]([ ._-])(?:[^\W\d_]\1)+[^\W\d_](?![^\W_])")
_SPACED_GAP = re.compile(r"[ ._-]")
# Letters and punctuation only: digit runs are meaningful ("0800 555 0199", "1000000").
_REPEATS = re.compile(r"([^\W\d_]|[^\w\s])\1{2,}")


def _unleet(match: re.Match[str]) -> str:
    return match.group().translate(_LEET)


def _unspace(match: re.Match[str]) -> str:
    return _SPACED_GAP.sub("", match.group())


def fold_texts(texts: Sequence[str]) -> list[str]:
    """Return a lower-cased, evasion-folded copy of normalised texts for the n-gram views.

    Parameters
    ----------
    texts : sequence of str
        Texts already passed through :func:`normalise_text` (no newlines).

    Returns
    -------
    list of str
        Each text with Cyrillic/Greek look-alikes mapped to Latin letters, leetspeak inside words
        undone (``fr33`` → ``free``), spaced-out letters joined (``f r e e`` → ``free``) and runs of
        three or more equal characters cut to two (``soooo`` → ``soo``), lower-cased.

    Notes
    -----
    The batch is joined into one string so each regex and translation runs once per call, not
    once per comment. Only the n-gram features see this copy; the engineered signals (shouting,
    repeats) and the data split keep the normalised text.
    """
    if not texts:
        return []
    blob = "\n".join(texts).translate(_CONFUSABLES)
    blob = _LEET_TOKEN.sub(_unleet, blob)
    blob = _SPACED.sub(_unspace, blob)
    blob = _REPEATS.sub(r"\1\1", blob)
    return blob.lower().split("\n")


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


def fold_text(text: str) -> str:
    """Fold one normalised text; see :func:`fold_texts`."""
    return fold_texts([text])[0]
