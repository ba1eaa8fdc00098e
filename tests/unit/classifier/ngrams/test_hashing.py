"""Substring hashes depend on the substring alone; the index finds exactly the stored hashes."""

from __future__ import annotations

import numpy as np
import pytest

from classifier.codepoints import encode
from classifier.ngrams import hashing
from classifier.ngrams.hashing import BASES, HashIndex, substring_hashes


def _hash(text: str, base: int = BASES[0]) -> int:
    codes = encode(text)
    starts, lengths = np.array([0]), np.array([len(codes)])
    return int(substring_hashes(codes, starts, lengths, base)[0])


def test_hash_is_the_polynomial_of_the_substring_wherever_it_sits() -> None:
    expected = 0
    for char in "bitcoin":
        expected = (expected * BASES[0] + ord(char) + 1) % (1 << 64)
    assert _hash("bitcoin") == expected
    stream = encode("a bitcoin, bitcoin!")
    found = substring_hashes(stream, np.array([2, 11]), np.array([7, 7]), BASES[0])
    assert found.tolist() == [expected, expected]


def test_rolling_and_prefix_sums_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(0)
    stream = rng.integers(0, 0x110000, 500).astype(np.uint32)
    starts = rng.integers(0, 490, 300)
    lengths = rng.integers(1, 9, 300)
    rolled = substring_hashes(stream, starts, lengths, BASES[1])
    monkeypatch.setattr(hashing, "_ROLLING_LONGEST", 0)
    assert np.array_equal(substring_hashes(stream, starts, lengths, BASES[1]), rolled)


def test_nul_and_length_count() -> None:
    assert len({_hash("a"), _hash("\x00a"), _hash("a\x00"), _hash("\x00")}) == 4


def test_index_finds_stored_hashes_and_nothing_else() -> None:
    rng = np.random.default_rng(1)
    stored = rng.integers(0, 2**63, 5000, dtype=np.int64).astype(np.uint64) * np.uint64(2)
    # Keys that share their top bits land in one bucket: the lookup walks it.
    crowded = np.uint64(0xABCD) << np.uint64(48)
    stored[:40] = (crowded + np.arange(40, dtype=np.uint64)) * pow(int(hashing._MIX), -1, 1 << 64)
    index = HashIndex(stored)
    assert np.array_equal(index.lookup(stored), np.arange(5000, dtype=np.int32))
    absent = stored + np.uint64(1)
    assert (index.lookup(absent) == -1).all()
    assert (index.lookup(np.array([2**64 - 1, 0], dtype=np.uint64)) == -1).all()
    assert len(HashIndex(stored[:0]).lookup(stored)) == 5000
