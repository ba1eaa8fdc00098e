"""service.column_types.CommentId (issue 10): a comment id is the same lowercase text in
Python, 16 bytes in the database (a native uuid on PostgreSQL, a BLOB on SQLite), and sorts
as the text does, so ``ORDER BY id`` and keyset pages do not change."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Column, Connection, Engine, MetaData, Table, insert, select, text
from sqlalchemy.exc import StatementError

from service.column_types import CommentId
from service.store.comments import new_comment_id

_IDS = Table("comment_id_probe", MetaData(), Column("id", CommentId(), primary_key=True))


def _ids_to_sort() -> list[str]:
    # Every digit at every place against its neighbours (0-9 below a-f, as in the text), the
    # extremes, random uuid4s, and ids made now (the same millisecond: only random bits differ).
    rng = random.Random(10)
    made = {str(uuid.UUID(int=0)), str(uuid.UUID(int=(1 << 128) - 1))}
    for place in range(32):
        for digit in "09af":
            digits = ["7"] * 32
            digits[place] = digit
            made.add(str(uuid.UUID("".join(digits))))
    made |= {str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(300)}
    made |= {new_comment_id() for _ in range(300)}
    return sorted(made, key=lambda _: rng.random())  # shuffled


@pytest.fixture
def probe(engine: Engine) -> Iterator[Connection]:
    """A connection with a table of one CommentId column, rolled back afterwards."""
    with engine.connect() as conn:
        transaction = conn.begin()
        _IDS.create(conn)
        yield conn
        transaction.rollback()


def test_ids_sort_in_the_database_as_their_text_sorts(probe: Connection) -> None:
    ids = _ids_to_sort()
    probe.execute(insert(_IDS), [{"id": i} for i in ids])

    ordered = probe.scalars(select(_IDS.c.id).order_by(_IDS.c.id)).all()
    middle = sorted(ids)[len(ids) // 2]
    after = probe.scalars(select(_IDS.c.id).where(_IDS.c.id > middle).order_by(_IDS.c.id)).all()

    assert ordered == sorted(ids)
    assert after == [i for i in sorted(ids) if i > middle]  # a keyset page


def test_an_id_is_stored_as_16_bytes_and_read_back_as_its_text(probe: Connection) -> None:
    made = new_comment_id()
    probe.execute(insert(_IDS), [{"id": made}])

    if probe.dialect.name == "sqlite":
        stored = probe.execute(text("SELECT typeof(id), length(id) FROM comment_id_probe")).one()
        assert tuple(stored) == ("blob", 16)
    else:
        stored = probe.execute(
            text("SELECT pg_typeof(id)::text, pg_column_size(id) FROM comment_id_probe")
        ).one()
        assert tuple(stored) == ("uuid", 16)
    assert probe.scalar(select(_IDS.c.id)) == made


@pytest.mark.parametrize(
    "value",
    ["nope", "z" * 36, "019AD5C0-0000-7000-8000-0000000000AB", "019ad5c00000700080000000000000ab"],
)
def test_a_string_that_is_not_a_comment_id_is_refused_not_stored(
    probe: Connection, value: str
) -> None:
    with pytest.raises(StatementError, match="not a comment id"):
        probe.execute(insert(_IDS), [{"id": value}])
