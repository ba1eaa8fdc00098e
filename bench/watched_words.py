"""Cost of the watched-word check per comment: ``python -m bench.watched_words``.

Compiles a list of ``--words`` entries (made-up words, a tenth of them two-word phrases, a few
written into the comments with evasions) and searches news-length comments (``bench.news_corpus``:
mean ~420 characters) with it, as the verdict phase does. Prints the compile time once and the
per-comment search time (median, p99, mean) in CPU microseconds, and the same for ASCII-only
comments, for comments with non-ASCII letters, and for comments of 380-460 characters.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from bench.news_corpus import news_comments, template_pieces
from service.domain.watched_words import WatchKind
from service.wordmatch.matcher import WordMatcher

EVASIONS = ("{w}", "{W}", "{m}", "{s}", "{l}")


def made_up_words(count: int, rng: random.Random) -> list[str]:
    """``count`` distinct lower-case words and phrases nobody writes by accident."""
    words: set[str] = set()
    while len(words) < count:
        word = "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(3))
        words.add(f"{word} {rng.choice(['now', 'off', 'out'])}" if rng.random() < 0.1 else word)
    return sorted(words)


def evaded(word: str, rng: random.Random) -> str:
    """The word as an evader writes it: as is, upper case, masked, spaced or in leetspeak."""
    form = rng.choice(EVASIONS)
    return form.format(
        w=word,
        W=word.upper(),
        m=word[0] + "*" * (len(word) - 2) + word[-1] if " " not in word else word,
        s=" ".join(word) if " " not in word else word,
        l=word.replace("e", "3").replace("a", "4"),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--words", type=int, default=500)
    parser.add_argument("--comments", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    words = made_up_words(args.words, rng)
    started = time.thread_time()
    matcher = WordMatcher((w, WatchKind.BANNED) for w in words)
    compiled = time.thread_time() - started
    comments = news_comments(args.comments, args.seed, template_pieces(500, args.seed))
    # One comment in ten carries a listed word, evaded; one in five an accented letter.
    comments = [
        f"{c} {evaded(rng.choice(words), rng)}" if i % 10 == 0 else c
        for i, c in enumerate(comments)
    ]
    comments = [c.replace("e", "é", 1) if i % 5 == 1 else c for i, c in enumerate(comments)]
    timings: list[tuple[bool, float, int]] = []
    near_mean: list[float] = []  # comments of 380-460 characters: a typical news comment
    for comment in comments:
        # CPU time: on a shared machine wall time also counts the waits for a core.
        started = time.thread_time()
        found = matcher.search(comment, budget=1.0)
        took = time.thread_time() - started
        timings.append((comment.isascii(), took, len(found.matches)))
        if 380 <= len(comment) <= 460:
            near_mean.append(took)
    mean_chars = statistics.mean(len(c) for c in comments)
    print(f"list: {matcher.size} entries compiled in {compiled * 1000:.1f} ms")
    print(f"comments: {len(comments)}, mean {mean_chars:.0f} characters")
    print(f"matched: {sum(n > 0 for _, _, n in timings)} comments")
    for name, chosen in (
        ("all", [t for _, t, _ in timings]),
        ("ascii", [t for a, t, _ in timings if a]),
        ("non-ascii", [t for a, t, _ in timings if not a]),
        ("380-460 ch", near_mean),
    ):
        us = sorted(t * 1e6 for t in chosen)
        p99 = us[int(len(us) * 0.99)]
        print(
            f"{name:>10}: median {statistics.median(us):.0f} µs CPU, p99 {p99:.0f} µs, "
            f"mean {statistics.mean(us):.0f} µs ({len(us)} comments)"
        )


if __name__ == "__main__":
    main()
