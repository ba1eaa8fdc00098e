"""The throughput benchmark's news-length request bodies."""

from __future__ import annotations

import json
import statistics

from bench.news_corpus import news_payload_bodies
from service.settings import Settings


def test_news_payload_bodies_have_news_site_lengths_within_the_service_limit() -> None:
    bodies = news_payload_bodies(4000, seed=4)
    lengths = [len(json.loads(b)["body"]) for b in bodies]

    assert 200 <= statistics.median(lengths) <= 300
    assert 350 <= statistics.mean(lengths) <= 500
    assert any(n > 3000 for n in lengths)
    assert max(lengths) <= Settings().max_comment_chars
    assert bodies == news_payload_bodies(4000, seed=4)
