"""The settings table of docs/operations.md is the one the declarations print."""

from __future__ import annotations

import re
from pathlib import Path

from service.setting_spec import markdown_table
from service.settings import Settings

OPERATIONS = Path(__file__).parents[3] / "docs" / "operations.md"


def _documented_table() -> str:
    text = OPERATIONS.read_text(encoding="utf-8")
    [table] = re.findall(r"^\| variable \| default \| meaning \|\n(?:\|.*\n)+", text, re.M)
    return str(table)


def test_operations_settings_table_matches_the_declarations() -> None:
    assert _documented_table() == markdown_table(Settings), (
        "docs/operations.md's settings table is out of date: replace it with the output of "
        "`python -m service.settings`"
    )
