"""Comment ids are UUIDs in the version 7 layout: a millisecond timestamp first, so they sort
roughly by arrival, then random bits (issue 10 made them cheaper to make; the layout stays)."""

from __future__ import annotations

import time
import uuid

from service.store.comments import new_comment_id


def test_a_comment_id_is_a_version_7_uuid_led_by_the_time_in_milliseconds() -> None:
    before = time.time_ns() // 1_000_000
    made = new_comment_id()
    after = time.time_ns() // 1_000_000

    parsed = uuid.UUID(made)
    assert str(parsed) == made  # the canonical lower-case 8-4-4-4-12 form
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122
    assert before <= parsed.int >> 80 <= after


def test_comment_ids_differ_and_sort_by_the_millisecond_they_were_made_in() -> None:
    made = [new_comment_id() for _ in range(2000)]

    assert len(set(made)) == len(made)
    stamps = [uuid.UUID(m).int >> 80 for m in made]
    assert stamps == sorted(stamps)
    random_parts = {uuid.UUID(m).int & ((1 << 62) - 1) for m in made}
    assert len(random_parts) == len(made)
