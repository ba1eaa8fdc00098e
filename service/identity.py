"""Comparing the authors a site names: one key for ids that only look different.

Sites send their own author ids, and a banned ``u-ban`` can come back written in fullwidth
letters, with a zero-width space, as ``U-BAN``, or with a Cyrillic u. Bans and the repeat-post
rule compare this key; the id itself is stored and shown as the site sent it.
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata

from anyascii import anyascii


# Pure, and computed for every submission twice (refusals, then the stored row) and again
# by the workers' facts: remembering recent authors saves the folding (issue 10).
@functools.lru_cache(maxsize=8192)
def author_key(author_id: str) -> str:
    """A stable key for ``author_id``: equal for ids a reader would take for the same."""
    # NFKC folds compatibility forms (fullwidth, ligatures); format characters (zero-width
    # spaces and joiners, bidi marks) are invisible; anyascii maps other scripts' letters to
    # the Latin ones they read as (a Cyrillic u → u); casefold and whitespace removal finish it.
    visible = "".join(
        c for c in unicodedata.normalize("NFKC", author_id) if unicodedata.category(c) != "Cf"
    )
    folded = "".join(anyascii(visible).casefold().split())
    return hashlib.sha256(folded.encode()).hexdigest()
