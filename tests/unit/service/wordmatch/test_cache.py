"""The per-process cache of compiled lists: one compile per site and list version."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

from service.domain.watched_words import WatchedWord, WatchKind, WatchList
from service.wordmatch.cache import MatcherCache


def _list(site_id: str, version: int, *phrases: str) -> WatchList:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    words = tuple(
        WatchedWord(n, site_id, WatchKind.BANNED, p, "ops", at) for n, p in enumerate(phrases)
    )
    return WatchList(site_id, version, words)


def test_a_list_is_read_and_compiled_once_per_version() -> None:
    stored = {"a": _list("a", 1, "scumbag"), "b": _list("b", 4, "grifter")}
    asked: list[list[str]] = []

    def read(sites: Collection[str]) -> dict[str, WatchList]:
        asked.append(sorted(sites))
        return {s: stored[s] for s in sites}

    cache = MatcherCache()
    first = cache.matchers({"a": 1, "b": 4}, read)
    again = cache.matchers({"a": 1, "b": 4}, read)
    stored["a"] = _list("a", 2, "weasel")
    moved = cache.matchers({"a": 2}, read)

    assert asked == [["a", "b"], ["a"]]
    assert cache.compiled == 3
    assert first["a"] is again["a"]
    assert moved["a"].search("you weasel", 1.0).matches[0].phrase == "weasel"


def test_the_least_recently_used_site_is_dropped_past_the_cap() -> None:
    cache = MatcherCache(sites_kept=1)
    lists = {"a": _list("a", 1, "x1"), "b": _list("b", 1, "x2")}
    cache.matchers({"a": 1}, lambda sites: {s: lists[s] for s in sites})
    cache.matchers({"b": 1}, lambda sites: {s: lists[s] for s in sites})
    cache.matchers({"a": 1}, lambda sites: {s: lists[s] for s in sites})
    assert cache.compiled == 3  # "a" was dropped for "b", so compiled again
