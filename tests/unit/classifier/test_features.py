from __future__ import annotations

import numpy as np
import pytest

from classifier.features import (
    FEATURE_NAMES,
    LEGACY_FEATURE_NAMES,
    MAX_COUNT,
    TextStatsTransformer,
    text_stats,
)
from classifier.vectorizer import CompactTfidfVectorizer, FoldedTfidfVectorizer


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
    # "THIS IS LOUD" has 10 letters: half the 20 it needs before the share counts in full.
    assert np.log1p(stats[2, _column("upper_ratio")]) == pytest.approx(0.5)
    assert np.all(stats[3] == 0)


def test_text_stats_do_not_grow_with_length() -> None:
    clean = "The ETF inflows explain most of the move; volumes were 12,000 BTC on 3 March 2024."
    once, many = text_stats([clean, " ".join([clean] * 40)])
    assert np.allclose(once, many)


def test_text_stats_stay_bounded_on_repeated_signals() -> None:
    spammy = "Visit www.example.com, call +1 (555) 123-4567 now!"
    stats = text_stats([" ".join([spammy] * 40)])[0]
    assert stats.max() <= np.log1p(MAX_COUNT)


def test_text_stats_cap_pattern_counts() -> None:
    links = " ".join(f"site{i}.com" for i in range(10))
    assert np.expm1(text_stats([links])[0, _column("log1p_links")]) == pytest.approx(MAX_COUNT)


def test_text_stats_have_no_length_or_digit_signal() -> None:
    assert not {"log1p_length", "log1p_digits"} & set(FEATURE_NAMES)


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


def test_text_stats_transformer_without_the_attribute_keeps_legacy_signals() -> None:
    # How skops restores a transformer saved before ``bounded`` existed: no __init__, no state.
    legacy = TextStatsTransformer.__new__(TextStatsTransformer)
    legacy.__setstate__({})
    assert list(legacy.get_feature_names_out()) == list(LEGACY_FEATURE_NAMES)
    stats = legacy.transform(["call 0800 555 0199 " * 3])
    length = stats[0, LEGACY_FEATURE_NAMES.index("log1p_length")]
    assert np.expm1(length) == pytest.approx(len("call 0800 555 0199 " * 3))


def test_compact_tfidf_vectorizer_state_round_trips() -> None:
    texts = ["naïve café prices", "emoji \U0001f680 to the moon", "café prices rise"]
    fitted = CompactTfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3)).fit(texts)
    state = fitted.__getstate__()
    assert "vocabulary_" not in state
    restored = CompactTfidfVectorizer.__new__(CompactTfidfVectorizer)
    restored.__setstate__(state)
    assert restored.vocabulary_ == fitted.vocabulary_
    assert (restored.transform(texts) != fitted.transform(texts)).nnz == 0


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("send to TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE for a refund", "log1p_wallet_like"),
        ("deposit at bc1qxk9u3m8v7a2dhy5wjq6lzc4e0nrtg2pfs8k7ys today", "log1p_wallet_like"),
        ("contact him on WhatsApp", "log1p_messaging_apps"),
        ("join t.me/somegroup", "log1p_messaging_apps"),
        ("DM me for details", "log1p_contact_calls"),
        ("reach out to him, he is legit", "log1p_contact_calls"),
        ("earn 300% profit in a week", "log1p_promised_returns"),
        ("guaranteed weekly returns", "log1p_promised_returns"),
        ("double your bitcoin", "log1p_promised_returns"),
        ("my account manager is great", "log1p_scam_roles"),
        ("a recovery expert got it back", "log1p_scam_roles"),
        ("visit claim-now.xyz", "log1p_links"),
    ],
)
def test_text_stats_flags_scam_signals(text: str, name: str) -> None:
    assert round(np.expm1(text_stats([text])[0, _column(name)])) == 1


def test_text_stats_ignores_finance_jargon() -> None:
    text = "the buy signal looked weak, so I went short; the fund returned 4% this year"
    stats = np.expm1(text_stats([text]))[0]
    for name in ("messaging_apps", "contact_calls", "promised_returns", "scam_roles"):
        assert stats[_column(f"log1p_{name}")] == 0, name


def test_folded_vectorizer_shares_ngrams_across_evasions() -> None:
    vectorizer = FoldedTfidfVectorizer(analyzer="word").fit(["free bitcoin", "hello there"])
    plain, evasive = vectorizer.transform(["free bitcoin", "FR33 b1tc0in"]).toarray()
    assert np.allclose(plain, evasive)
    assert "free" in vectorizer.vocabulary_


@pytest.mark.parametrize(
    ("first", "second", "name"),
    [
        ("Feel free to call", "me later if you want", "log1p_contact_calls"),
        ("I never use whats", "app for this", "log1p_messaging_apps"),
        ("Nothing is guaranteed", "returns matter more than hype", "log1p_promised_returns"),
        ("the fund", "manager spoke", "log1p_scam_roles"),
    ],
)
def test_text_stats_do_not_read_across_comments(first: str, second: str, name: str) -> None:
    # A pattern with \s used to match from the end of one comment into the next one.
    alone = text_stats([first])
    assert text_stats([first, second])[0, _column(name)] == alone[0, _column(name)] == 0.0
