"""Compiled watched-word lists kept per process, one per site at its latest version seen."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping

from service.domain.watched_words import WatchList
from service.wordmatch.matcher import WordMatcher

# Sites whose compiled list a process keeps; past it the least recently used one is dropped.
SITES_KEPT = 256


class MatcherCache:
    """Compiled lists by site, each rebuilt only when the site's list version moves."""

    def __init__(self, sites_kept: int = SITES_KEPT) -> None:
        self._kept: OrderedDict[str, tuple[int, WordMatcher]] = OrderedDict()
        self._sites_kept = sites_kept
        self._lock = threading.Lock()  # the API's pre-submit check runs in a thread pool
        self.compiled = 0  # how many lists this cache compiled (tests read it)

    def matchers(
        self,
        versions: Mapping[str, int],
        read: Callable[[Collection[str]], Mapping[str, WatchList]],
    ) -> dict[str, WordMatcher]:
        """The compiled list of each site in ``versions``; ``read(sites)`` is called once, for
        the sites whose version this cache has not compiled."""
        with self._lock:
            stale = [s for s, v in versions.items() if self._version(s) != v]
        fresh = read(stale) if stale else {}
        with self._lock:
            for site_id, found in fresh.items():
                self._kept[site_id] = (found.version, compile_list(found))
                self.compiled += 1
            while len(self._kept) > self._sites_kept:
                self._kept.popitem(last=False)
            found_now: dict[str, WordMatcher] = {}
            for site_id in versions:
                kept = self._kept.get(site_id)
                if kept is not None:
                    self._kept.move_to_end(site_id)
                    found_now[site_id] = kept[1]
            return found_now

    def _version(self, site_id: str) -> int | None:
        kept = self._kept.get(site_id)
        return kept[0] if kept is not None else None


def compile_list(found: WatchList) -> WordMatcher:
    """A site's list as a matcher."""
    return WordMatcher((w.phrase, w.kind) for w in found.words)
