from __future__ import annotations

import pytest

from classifier.text import fold_text, fold_texts, normalise_text, normalise_texts


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("@USER @USER you make a fair point URL", "you make a fair point"),
        ("RT @some_account: markets are up today", "markets are up today"),
        ("!!! RT @another: big news", "!!! big news"),
        ("prices &amp; fees &lt;3 &#128512;", "prices & fees <3 \U0001f600"),
        ("first line<br />second line", "first line second line"),
        ("  lots\n\nof \t space  ", "lots of space"),
        ("\uff46\uff55\uff4c\uff4c \uff57\uff49\uff44\uff54\uff48", "full width"),  # fullwidth
        ("hidden\ufeff marks\u200b here", "hidden marks here"),
        ('"she said ""no"" twice"', 'she said "no" twice'),
    ],
)
def test_normalise_text_strips_artefacts(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected


def test_normalise_text_keeps_emails_links_and_case() -> None:
    text = "Email ME at help@example.org or see https://example.org/URL"
    assert normalise_text(text) == text


def test_normalise_text_is_idempotent() -> None:
    raw = "RT @x: &quot;WOW&quot;   <b>deal</b> @USER"
    once = normalise_text(raw)
    assert normalise_text(once) == once


def test_normalise_texts_keeps_order() -> None:
    assert normalise_texts(["b  ", " a"]) == ["b", "a"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("FREE b1tc0in, fr33 giveaway", "free bitcoin, free giveaway"),
        ("c@sh and $ave", "cash and save"),
        ("f r e e m o n e y now", "freemoney now"),
        ("claim f.r.e.e coins", "claim free coins"),
        ("soooo gooood!!!!!", "soo good!!"),
        ("b\u0456t\u0441\u043e\u0456n fr\u0435\u0435", "bitcoin free"),  # Cyrillic look-alikes
        ("\u03bf\u03c1\u03b5n now", "open now"),  # Greek look-alikes
    ],
)
def test_fold_texts_undoes_evasion(raw: str, expected: str) -> None:
    assert fold_texts([raw]) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "send 0.5 btc for 200% profit",
        "call 0800 555 0199",
        "write to me@example.com",
        "i am a u.s. citizen",
        "price was 1000000 at the top",
    ],
)
def test_fold_text_keeps_numbers_addresses_and_abbreviations(text: str) -> None:
    assert fold_text(text) == text


def test_fold_texts_batch_matches_one_at_a_time() -> None:
    texts = ["fr33 c@sh", "", "s p a m", "plain text", "WOW!!!!"]
    assert fold_texts(texts) == [fold_text(t) for t in texts]
    assert fold_texts([]) == []


def test_fold_text_is_idempotent() -> None:
    once = fold_text("G3t fr33 b1tc0in n o w!!!! sooo easy")
    assert fold_text(once) == once
