"""Code-point arrays and re's character classes."""

from __future__ import annotations

import re
import tracemalloc

from classifier.codepoints import DIGIT, SPACE, WORD, char_classes, decode, encode


def test_encode_and_decode_round_trip_any_string() -> None:
    text = "a\x00é\u0301😀\ud800\udfff\U0010ffff\n"
    codes = encode(text)
    assert codes.tolist() == [ord(c) for c in text]
    assert decode(codes) == text


def test_char_classes_are_res_classes() -> None:
    sample = [*range(0, 0x3000), *range(0x3000, 0x110000, 101), 0x1D7CE, 0x10FFFF]
    for code in sample:
        char, flags = chr(code), int(char_classes()[code])
        assert bool(flags & WORD) == bool(re.match(r"\w", char)), hex(code)
        assert bool(flags & DIGIT) == bool(re.match(r"\d", char)), hex(code)
        assert bool(flags & SPACE) == bool(re.match(r"\s", char)) == char.isspace(), hex(code)


def test_char_classes_table_is_shared_and_read_only() -> None:
    assert char_classes() is char_classes()
    assert not char_classes().flags.writeable


def test_char_classes_build_in_a_few_megabytes() -> None:
    # Every scoring process builds the table; a million one-character strings took ~90 MB.
    tracemalloc.start()
    try:
        char_classes.__wrapped__()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 30 * 2**20
