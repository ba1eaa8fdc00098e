"""64-bit hashes of substrings of a code-point stream, and a vocabulary lookup by hash.

A substring ``s`` of length ``L`` hashes to ``sum((s[k] + 1) * base**(L - 1 - k)) mod 2**64``: a
polynomial in an odd ``base``, so it depends only on the substring, not on where it sits, and a
vocabulary term hashes the same whether it is read from a comment or from the artifact. For all
substrings at once it uses prefix sums: with ``q = base**-1 mod 2**64`` (odd numbers are
invertible modulo ``2**64``) and ``G[j] = sum(x[k] * q**k for k < j)``, the hash of
``x[s:e]`` is ``base**(e - 1) * (G[e] - G[s])``. numpy's unsigned arithmetic wraps, which is
the ``mod 2**64``.

Collisions: two different n-grams share a hash with probability about ``2**-64`` when the hash
behaves like a random function, so an n-gram outside a vocabulary of ``V`` terms takes a term's
column with probability about ``V / 2**64`` (``1.1e-14`` for 200,000 terms: about one n-gram in
90 trillion). Fitting checks its own n-grams with a second, independent hash and refits with the
next base if any two of them collide (see :mod:`classifier.ngrams.vocabulary`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from classifier.codepoints import Codes

__all__ = ["BASES", "HashIndex", "Hashes", "substring_hashes"]

Hashes = npt.NDArray[np.uint64]

_MODULUS = 1 << 64
# Odd 64-bit constants (digits of pi, e and sqrt 2, made odd): fixed so the same text always
# hashes the same; fitting moves to the next one in the unlikely case of a collision.
BASES: tuple[int, ...] = (
    0x243F6A8885A308D3,
    0xB7E151628AED2A6B,
    0x6A09E667F3BCC909,
    0x9E3779B97F4A7C15,
)
# Spreads hashes over the top bits that pick a bucket (an odd multiplier is a bijection).
_MIX = np.uint64(0xD6E8FEB86659FD93)


# Lengths up to this are hashed by rolling a window over the stream (char n-grams, a few cheap
# passes); longer or more varied ones (word n-grams) by prefix sums, whose cost does not grow
# with the length.
_ROLLING_LONGEST = 8


def _powers(base: int, count: int) -> Hashes:
    """``base**k mod 2**64`` for ``k`` in ``0..count-1``."""
    powers = np.full(count, base % _MODULUS, dtype=np.uint64)
    powers[0] = 1
    return np.cumprod(powers, dtype=np.uint64)


def _by_prefix_sums(
    codes: Hashes, starts: npt.NDArray[np.intp], lengths: npt.NDArray[np.intp], base: int
) -> Hashes:
    size = len(codes)
    prefix = np.zeros(size + 1, dtype=np.uint64)
    np.cumsum(codes * _powers(pow(base, -1, _MODULUS), size), out=prefix[1:])
    ends = starts + lengths
    hashes: Hashes = _powers(base, size)[ends - 1] * (prefix[ends] - prefix[starts])
    return hashes


def _by_rolling(
    codes: Hashes, starts: npt.NDArray[np.intp], lengths: npt.NDArray[np.intp], base: int
) -> Hashes:
    shortest, longest = int(lengths.min()), int(lengths.max())
    size = len(codes)
    table = np.zeros((longest - shortest + 1, size), dtype=np.uint64)
    multiplier = np.uint64(base % _MODULUS)
    window = codes  # window[p]: hash of codes[p : p + width]
    for width in range(1, longest + 1):
        if width > 1:
            window = window[:-1] * multiplier + codes[width - 1 :]
        if width >= shortest:
            table[width - shortest, : len(window)] = window
    hashes: Hashes = table.ravel()[(lengths - shortest) * size + starts]
    return hashes


def substring_hashes(
    stream: Codes, starts: npt.NDArray[np.intp], lengths: npt.NDArray[np.intp], base: int
) -> Hashes:
    """Return the hash of ``stream[starts[i] : starts[i] + lengths[i]]`` for every ``i``.

    Every length must be at least 1.
    """
    if len(starts) == 0:
        return np.zeros(0, dtype=np.uint64)
    # + 1 so a NUL code point still counts: "\x00a" and "a" must not share a hash.
    codes = stream.astype(np.uint64) + np.uint64(1)
    if int(lengths.max()) <= _ROLLING_LONGEST:
        return _by_rolling(codes, starts, lengths, base)
    return _by_prefix_sums(codes, starts, lengths, base)


class HashIndex:
    """Maps term hashes to column indices: a sorted table with a bucket directory.

    A hash's top bits pick its bucket, whose keys sit together in the sorted table, so a lookup
    reads one directory entry and, on average, fewer than two table slots. The first slot of
    every query is read in one pass; only queries whose bucket holds larger keys go on, one
    round per further slot, so there are no per-n-gram Python steps.
    """

    def __init__(self, hashes: Hashes) -> None:
        mixed = hashes * _MIX
        order = np.argsort(mixed, kind="stable")
        # A last slot past every bucket, so reading one slot beyond a bucket stays in bounds;
        # its column is -1, so even a hash equal to its key finds nothing.
        self._keys = np.append(mixed[order], np.uint64(_MODULUS - 1))
        self._columns = np.append(order.astype(np.int32), np.int32(-1))
        # About two buckets per term: most buckets hold zero or one.
        bits = max(1, len(hashes).bit_length() + 1)
        self._shift = np.uint64(64 - bits)
        buckets = (self._keys[:-1] >> self._shift).astype(np.intp)
        self._directory = np.searchsorted(buckets, np.arange(1 << bits)).astype(np.intp)

    def lookup(self, hashes: Hashes) -> npt.NDArray[np.int32]:
        """Return the column of each hash, or -1 where it is not a term's."""
        mixed = hashes * _MIX
        slot = self._directory[(mixed >> self._shift).astype(np.intp)]
        found = self._keys[slot]
        # Equal keys have equal top bits, so a match is always inside the query's own bucket.
        columns: npt.NDArray[np.int32] = self._columns[slot] | -(found != mixed).astype(np.int32)
        pending = np.flatnonzero(found < mixed)
        slot, wanted = slot[pending] + 1, mixed[pending]
        while len(pending):
            found = self._keys[slot]
            hit = found == wanted
            columns[pending[hit]] = self._columns[slot[hit]]
            # Keys ascend: once past the wanted one (or into the next bucket), stop.
            going = found < wanted
            pending, slot, wanted = pending[going], slot[going] + 1, wanted[going]
        return columns
