"""What a comment id is: a UUID in its canonical text, lowercase 8-4-4-4-12 hex (issue 10).

The service makes every comment id (``service.store.comments.new_comment_id``) and stores its
16 bytes (``service.column_types.CommentId``), so a string in any other shape, from a client or
a file, names no comment: the HTTP boundary answers it as "not found" (or a 422 where a body or
query field holds it) before it reaches a query. An uppercase UUID is not the same comment: ids
are opaque strings a client copies, compared exactly as before they were stored as bytes.
"""

from __future__ import annotations

import re

# The canonical text of a UUID; the pattern is also what the API documents for id fields.
COMMENT_ID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
_COMMENT_ID = re.compile(COMMENT_ID_PATTERN)


def canonical(digits: str) -> str:
    """The canonical text of a UUID from its 32 lowercase hex digits."""
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def is_comment_id(value: object) -> bool:
    """Whether ``value`` is a comment id in the one form the service writes and stores."""
    return isinstance(value, str) and len(value) == 36 and _COMMENT_ID.match(value) is not None
