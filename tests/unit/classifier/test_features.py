from __future__ import annotations

import numpy as np

from classifier.features import FEATURE_NAMES, TextStatsTransformer, text_stats
from classifier.vectorizer import CompactTfidfVectorizer


def _column(name: str) -> int:
    return FEATURE_NAMES.index(name)


def test_text_stats_counts_signals() -> None:
    stats = np.expm1(
        text_stats(
            [
                "send 1 coin to 0x" + "ab" * 20 + " or visit www.example.com",
                "call +1 (555) 123-4567 now",
                "THIS IS LOUD",
                "",
            ]
        )
    )
    assert round(stats[0, _column("log1p_wallet_like")]) == 1
    assert round(stats[0, _column("log1p_links")]) == 1
    assert round(stats[1, _column("log1p_phone_like")]) == 1
    assert np.log1p(stats[2, _column("upper_ratio")]) == 1.0
    assert np.all(stats[3] == 0)


def test_text_stats_batch_matches_one_at_a_time() -> None:
    texts = ["aaaa!!!! www.a.com", "", "plain words 123", "x@y.org MIXED case"]
    batch = text_stats(texts)
    single = np.vstack([text_stats([t]) for t in texts])
    assert np.allclose(batch, single)


def test_text_stats_transformer_is_stateless() -> None:
    transformer = TextStatsTransformer()
    assert transformer.fit(["a"]) is transformer
    assert transformer.transform(["a", "b"]).shape == (2, len(FEATURE_NAMES))
    assert list(transformer.get_feature_names_out()) == list(FEATURE_NAMES)


def test_compact_tfidf_vectorizer_state_round_trips() -> None:
    texts = ["naïve café prices", "emoji \U0001f680 to the moon", "café prices rise"]
    fitted = CompactTfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3)).fit(texts)
    state = fitted.__getstate__()
    assert "vocabulary_" not in state
    restored = CompactTfidfVectorizer.__new__(CompactTfidfVectorizer)
    restored.__setstate__(state)
    assert restored.vocabulary_ == fitted.vocabulary_
    assert (restored.transform(texts) != fitted.transform(texts)).nnz == 0
