from __future__ import annotations

import pytest

from classifier.text import normalise_text, normalise_texts


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
