"""Characters evaders put in place of Latin letters, for every fold that sees through them.

The classifier's n-gram fold (``classifier/folding.py``) and the watched-word matcher
(``service/wordmatch``) read these tables, so a word the model sees through is a word the list
sees through too.
"""

from __future__ import annotations

__all__ = ["CONFUSABLE_LETTERS", "LEET_LETTERS"]

# Look-alike letters from Cyrillic and Greek that evaders swap into Latin words ("free" spelt with
# a Cyrillic "ie"). NFKC does not fold these: they are distinct letters, not compatibility forms.
# The strings below hold those look-alikes on purpose, hence the RUF001 exemptions.
CONFUSABLE_LETTERS = str.maketrans(
    "авсдеһіјкмнорстухѕԁԛԝ"
    "АВСЕНІЈКМНОРСТХЅ"  # noqa: RUF001 - Cyrillic upper case
    "αβεικνορτυχ"
    "ΑΒΕΗΙΚΜΝΟΡΤΥΧΖ",  # noqa: RUF001 - Greek upper case
    "abcdehijkmhopctyxsdqwABCEHIJKMHOPCTXSabeikvoptuxABEHIKMNOPTYXZ",
)
# Digits and symbols used as letters. Folds apply it only inside tokens that also hold a letter,
# so numbers ("200%", "0800 555") keep their digits while "fr33" and "b1tc0in" become words.
LEET_LETTERS = str.maketrans("013457@$", "oieastas")
