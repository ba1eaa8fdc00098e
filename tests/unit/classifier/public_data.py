"""The public datasets for equivalence tests, read from outside the repository when present.

Tests that use them are marked :data:`needs_public_data` and skip cleanly without them; nothing
from the datasets is copied into the repository.
"""

from __future__ import annotations

import csv
import functools
import os
from pathlib import Path

import pytest

SHARED_DATA = Path(os.environ.get("COMMENTDESK_DATA_DIR", "/work/shared/data"))

needs_public_data = pytest.mark.skipif(
    not SHARED_DATA.is_dir(), reason="needs the shared datasets (COMMENTDESK_DATA_DIR)"
)


@functools.cache
def public_texts() -> dict[str, list[str]]:
    """Every ``text`` of every ``*/normalized.csv`` under :data:`SHARED_DATA`, per dataset."""
    texts: dict[str, list[str]] = {}
    csv.field_size_limit(1 << 24)
    for path in sorted(SHARED_DATA.glob("*/normalized.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            texts[path.parent.name] = [row["text"] for row in csv.DictReader(handle)]
    return texts
