"""scrypt password hashes: round trip, salt, stored format, refusal of anything malformed."""

from __future__ import annotations

import pytest

from service.passwords import DEFAULT_PARAMS, ScryptParams, hash_password, verify_password

CHEAP = ScryptParams(n=2**8, r=8, p=1)


def test_hash_password_round_trips_with_the_default_cost() -> None:
    stored = hash_password("a long passphrase", DEFAULT_PARAMS)

    assert verify_password("a long passphrase", stored)
    assert not verify_password("a long passphrasE", stored)
    assert stored.split("$")[:4] == ["scrypt", str(2**15), "8", "1"]


def test_hash_password_never_stores_the_password_and_salts_each_hash() -> None:
    first = hash_password("same password", CHEAP)
    second = hash_password("same password", CHEAP)

    assert "same password" not in first
    assert first != second
    salt_a, salt_b = first.split("$")[4], second.split("$")[4]
    assert salt_a != salt_b
    assert len(salt_a) >= 20
    assert verify_password("same password", first)
    assert verify_password("same password", second)


def test_verify_password_reads_the_cost_from_the_stored_string() -> None:
    stored = hash_password("pw-with-cost", ScryptParams(n=2**9, r=4, p=2))

    assert stored.startswith("scrypt$512$4$2$")
    assert verify_password("pw-with-cost", stored)


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "plain",
        "bcrypt$1$2$3$c2FsdA$aGFzaA",
        "scrypt$x$8$1$c2FsdA$aGFzaA",
        "scrypt$256$8$1$!!$",
        "scrypt$255$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
    ],
)
def test_verify_password_refuses_malformed_hashes(stored: str) -> None:
    assert not verify_password("anything", stored)
