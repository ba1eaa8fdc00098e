"""Which language a comment is written in, with py3langid's model (shipped inside its package).

py3langid (a fork of langid.py: naive Bayes over byte n-grams, 140 labels: languages, a few
second scripts, and "no linguistic content") keeps its model in the wheel as an LZMA-compressed
``.npz`` that numpy reads with ``allow_pickle=False``: nothing is downloaded and no code runs on
load. It is deterministic: the same text gives the same answer in every process.

Only the words are read: links, e-mail addresses, mentions, numbers, emoji and short all-capital
tokens (tickers such as BTC or HODL) carry no language and made an identifier guess at random on
comments like "BTC to 100k!!! 🚀". A comment longer than two windows is read at its start and at
its end, and a language is named only when both agree, so an English comment quoting a
paragraph in another language (or the other way round) is "mixed", never that language; what
the model reads is bounded whatever the length.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from classifier.language_model import BatchedLanguageModel

# Languages are ISO 639 codes; these two say that no language was named.
UNDETERMINED = "und"  # too little text, or the start and the end disagree
NO_LANGUAGE = "zxx"  # py3langid's class for text with no linguistic content

# Characters read per window: enough for a confident, right answer on every one of the team's
# non-English test comments (bench.language); the walk over the bytes is most of the cost.
WINDOW_CHARS = 150

# Marks of a link, a bare domain or an address; a token carrying one is not read. Tested as plain
# substrings first: a regular expression over every comment cost more than the identification.
_ADDRESS_MARKS = ("://", "@", "www.")
_DOMAIN_ENDS = (".com", ".org", ".net", ".io", ".co", ".xyz", ".info", ".me")
_TRAILING = ".,;:!?)]}\"'"
# A word: letters, with inner apostrophes (don't, l'euro); digits and underscores are not letters.
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
_TICKER_MAX = 6  # BTC, SOL, WAGMI, NASDAQ: short all-capital tokens are names, not language


@dataclasses.dataclass(frozen=True)
class Identification:
    """What the identifier found: an ISO 639 code, its probability, and how many letters the
    comment's words hold (links, numbers, emoji and tickers left out)."""

    language: str
    confidence: float
    letters: int


def words_of(text: str) -> str:
    """The comment's words, single-spaced: what carries its language."""
    lowered = text.lower()
    if any(mark in lowered for mark in (*_ADDRESS_MARKS, *_DOMAIN_ENDS)):
        text = " ".join(token for token in text.split() if not _is_address(token))
    # Not a ticker (see _TICKER_MAX), tested inline: a call per word cost a fifth of the walk.
    return " ".join([w for w in _WORD.findall(text) if len(w) > _TICKER_MAX or not w.isupper()])


def _is_address(token: str) -> bool:
    lowered = token.lower()
    return any(mark in lowered for mark in _ADDRESS_MARKS) or lowered.rstrip(_TRAILING).endswith(
        _DOMAIN_ENDS
    )


def windows(words: str, width: int = WINDOW_CHARS) -> list[str]:
    """The text read: all of it when short, else its first and last ``width`` characters
    (cut at word boundaries)."""
    if len(words) <= 2 * width:
        return [words]
    head = words[:width].rsplit(" ", 1)[0]
    tail = words[-width:].split(" ", 1)[-1]
    return [head, tail]


class LanguageIdentifier:
    """py3langid's shipped model, loaded on first use (once per process, thread-safe)."""

    def __init__(self) -> None:
        self._model: BatchedLanguageModel | None = None
        self._lock = threading.Lock()

    def identify(self, text: str, settled: frozenset[str] = frozenset()) -> Identification:
        """The language of ``text``; ``und`` when it has no words or its start and end disagree.

        When the start is in one of the ``settled`` languages (the ones the caller accepts),
        the end is not read: it could only turn the answer into ``und``, which the caller
        accepts too. Most comments of a site are in its language, so most pay for one window.
        """
        return self.identify_many([text], settled)[0]

    def identify_many(
        self, texts: Sequence[str], settled: frozenset[str] = frozenset()
    ) -> list[Identification]:
        """:meth:`identify` of each text, the batch's windows read together (one array walk
        for the starts, one for the ends still needed)."""
        words = [words_of(text) for text in texts]
        letters = [len(w) - w.count(" ") for w in words]
        read = [i for i, count in enumerate(letters) if count]
        found = [Identification(UNDETERMINED, 0.0, 0)] * len(texts)
        if not read:
            return found
        model = self._loaded()
        parts = [windows(words[i]) for i in read]
        starts = model.classify_many([part[0] for part in parts])
        unsettled = [
            k for k, part in enumerate(parts) if len(part) > 1 and starts[k][0] not in settled
        ]
        ends_read = model.classify_many([parts[k][1] for k in unsettled])
        ends = dict(zip(unsettled, ends_read, strict=True))
        for k, i in enumerate(read):
            found[i] = _agreed(starts[k], ends.get(k), letters[i])
        return found

    def _loaded(self) -> BatchedLanguageModel:
        with self._lock:  # the API's check threads may ask together; load once
            if self._model is None:
                self._model = BatchedLanguageModel(_load())
            return self._model


def _agreed(
    start: tuple[str, float], end: tuple[str, float] | None, letters: int
) -> Identification:
    """The start's language when the end (if read) names the same, else ``und``; the lower of
    the two probabilities."""
    language, confidence = start
    if end is None:
        return Identification(language, confidence, letters)
    same = end[0] == language
    return Identification(language if same else UNDETERMINED, min(confidence, end[1]), letters)


def _load() -> Any:
    # Imported here: a process that never identifies a language never reads the 4.5 MB model.
    from py3langid.langid import MODEL_FILE
    from py3langid.langid import LanguageIdentifier as Py3LangId

    model = Py3LangId.from_model_file(MODEL_FILE, norm_probs=True)
    # The model is stored as float16, which numpy multiplies without BLAS: float32 scores
    # about twice as fast for 28 MB more memory. Replacing the table is what set_languages does too.
    table = np.asarray(model.nb_ptc, dtype=np.float32)
    model.nb_ptc = table
    model._full_model = (table, model.nb_pc, model.nb_classes)
    return model
