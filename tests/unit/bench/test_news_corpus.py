"""The throughput benchmark's news-length request bodies."""

from __future__ import annotations

import json
import statistics

from bench.news_corpus import news_payload_bodies
from service.flood.duplicates import fingerprint
from service.settings import Settings


def test_news_payload_bodies_have_news_site_lengths_within_the_service_limit() -> None:
    bodies = news_payload_bodies(4000, seed=4)
    lengths = [len(json.loads(b)["body"]) for b in bodies]

    assert 200 <= statistics.median(lengths) <= 300
    assert 350 <= statistics.mean(lengths) <= 500
    assert any(n > 3000 for n in lengths)
    assert max(lengths) <= Settings().max_comment_chars
    assert bodies == news_payload_bodies(4000, seed=4)


def test_ordinary_bodies_are_not_near_duplicates_of_each_other() -> None:
    # The benchmark runs the near-duplicate rule as installed: 4 comments by 3 authors sharing a
    # cluster key are held. Template spam may cluster (coordinated spam does); the rest may not.
    payloads = [json.loads(b) for b in news_payload_bodies(20_000, seed=5)]
    keys = [set(fingerprint(payload["body"])) for payload in payloads]  # once: the slow part
    authors_by_key: dict[int, set[str]] = {}
    for payload, payload_keys in zip(payloads, keys, strict=True):
        for key in payload_keys:
            authors_by_key.setdefault(key, set()).add(payload["author"]["id"])
    clustered = {key for key, authors in authors_by_key.items() if len(authors) >= 3}
    in_clusters = sum(1 for payload_keys in keys if clustered & payload_keys)

    assert in_clusters / len(payloads) < 0.25  # about the corpus's share of spam and abuse
