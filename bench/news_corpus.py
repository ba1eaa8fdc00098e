"""Comments as long as a news site's: lognormal lengths, median ~250, mean ~420, tail past 3,000.

Real news comments average about 420 characters (median about 250, a few past 3,000), four times
the bodies of :mod:`bench.corpus`. Each comment here is pieces of text joined with spaces until
it reaches a length drawn from that distribution, then cut there. The pieces are either the
template bodies of :mod:`bench.corpus` (no data needed) or texts read at run time from a
dataset folder; nothing is copied into the repository. :func:`news_payload_bodies` gives the
throughput benchmark whole ``POST /v1/comments`` bodies of these lengths.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Sequence

from bench.corpus import comment_payload, discussion_piece
from service.settings import Settings

MEDIAN_CHARS = 250
# exp(sigma**2 / 2) = 420 / 250: mean ~420; about 0.7% of comments are longer than 3,000.
SIGMA = math.sqrt(2 * math.log(420 / MEDIAN_CHARS))
SHORTEST = 20


def news_length(rng: random.Random) -> int:
    """One comment length in characters."""
    return max(SHORTEST, int(rng.lognormvariate(math.log(MEDIAN_CHARS), SIGMA)))


def template_pieces(count: int, seed: int) -> list[str]:
    """``count`` comment bodies from :mod:`bench.corpus`'s templates."""
    rng = random.Random(seed)
    return [str(comment_payload(rng)["body"]) for _ in range(count)]


def news_comments(count: int, seed: int, pieces: Sequence[str]) -> list[str]:
    """``count`` comments of news-site length assembled from ``pieces``, reproducible from seed."""
    if not pieces:
        raise ValueError("news_comments needs at least one piece of text")
    rng = random.Random(seed)
    comments = []
    for _ in range(count):
        length = news_length(rng)
        parts = [rng.choice(pieces)]
        total = len(parts[0])
        while total < length:
            parts.append(rng.choice(pieces))
            total += 1 + len(parts[-1])
        comments.append(" ".join(parts)[:length])
    return comments


def news_payload_bodies(count: int, seed: int) -> list[bytes]:
    """``count`` encoded request bodies of news-site length, reproducible from ``seed``.

    Each is a :func:`bench.corpus.comment_payload` whose body (spam or abuse kept whole, so the
    mix of kinds stays the corpus's) is continued with ordinary discussion up to a length drawn
    from the news distribution, at most the service's default longest comment. Ordinary text is
    :func:`fresh_discussion`: readers do not write each other's sentences, so the service runs
    with its near-duplicate rule on, as installed.
    """
    longest = Settings().max_comment_chars
    rng = random.Random(seed)
    bodies = []
    for _ in range(count):
        payload = comment_payload(rng, ordinary=fresh_discussion)
        text = str(payload["body"])
        length = min(news_length(rng), longest)
        while len(text) < length:
            text += " " + fresh_discussion(rng)
        payload["body"] = text[: max(length, len(str(payload["body"])))]
        bodies.append(json.dumps(payload).encode())
    return bodies


def fresh_discussion(rng: random.Random) -> str:
    """A sentence of ordinary discussion that no other comment repeats word for word.

    The corpus's few dozen template sentences would make every comment a near-duplicate of
    hundreds by other readers, and the near-duplicate rule (service/flood) would hold them all;
    a made-up word after every second word gives each word triple of the sentence a word
    drawn from 27,000, as unrepeated as a real reader's own wording.
    """
    words = discussion_piece(rng).split()
    salted = []
    for index, word in enumerate(words, start=1):
        salted.append(word)
        if index % 2 == 0 and index < len(words):
            salted.append("".join(rng.choice(_SYLLABLES) for _ in range(3)))
    return " ".join(salted)


# 30 syllables ("ka", "ke", ...), three to a made-up word: 27,000 words.
_SYLLABLES = tuple(consonant + vowel for consonant in "kmrtzb" for vowel in "aeiou")
