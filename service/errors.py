"""The service's error vocabulary.

Every error a caller can see has a stable kebab-case ``code``, an HTTP ``status`` and a ``title``;
``service.http.problems`` renders them as RFC 9457 problem+json. Lower-layer errors (SQLAlchemy,
redis) are re-raised as these so callers only ever catch ours.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime


@dataclasses.dataclass(frozen=True)
class FieldError:
    """One invalid input field, located by a JSON pointer into the request body."""

    pointer: str
    detail: str


class CommentDeskError(Exception):
    """Base class of every error the service raises on purpose."""

    code = "internal-error"
    status = 500
    title = "Internal server error"
    # How loudly the HTTP layer logs it; None: WARNING for 5xx (ours to fix), DEBUG for 4xx.
    log_level: int | None = None

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title


class SettingsError(CommentDeskError):
    """A configuration value is missing or malformed."""

    code = "invalid-settings"
    title = "Invalid settings"


class ValidationError(CommentDeskError):
    """The request is well-formed but its content is invalid."""

    code = "validation-failed"
    status = 422
    title = "Validation failed"

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.pointer or '/'}: {e.detail}" for e in errors))
        self.errors = errors


class MalformedRequestError(CommentDeskError):
    """The request body is not what the endpoint can parse (bad JSON, wrong type)."""

    code = "malformed-request"
    status = 400
    title = "Malformed request"


class PayloadTooLargeError(CommentDeskError):
    """The request body exceeds the configured limit."""

    code = "payload-too-large"
    status = 413
    title = "Payload too large"


class UnsupportedMediaTypeError(CommentDeskError):
    """The request body is not in a media type the endpoint reads (it reads JSON)."""

    code = "unsupported-media-type"
    status = 415
    title = "Unsupported media type"


class RequestTimeoutError(CommentDeskError):
    """The client did not send the whole request body in time."""

    code = "request-timeout"
    status = 408
    title = "Request timeout"


class AuthenticationError(CommentDeskError):
    """No API key, or one the service does not know."""

    code = "unauthenticated"
    status = 401
    title = "Authentication required"


class PermissionDeniedError(CommentDeskError):
    """The API key is valid but its role may not do this."""

    code = "forbidden"
    status = 403
    title = "Forbidden"


class CsrfError(PermissionDeniedError):
    """A browser-session request without the session's CSRF token (or with a wrong one)."""

    code = "csrf-failed"
    title = "CSRF token missing or wrong"


class NotFoundError(CommentDeskError):
    """The addressed resource does not exist."""

    code = "not-found"
    status = 404
    title = "Not found"


class ConflictError(CommentDeskError):
    """The request conflicts with the current state (e.g. a stale moderation decision)."""

    code = "conflict"
    status = 409
    title = "Conflict"


class StaleDecisionError(ConflictError):
    """Someone else decided this comment after the moderator loaded it."""

    code = "stale-decision"
    title = "Comment was already decided"


class WatchListChangedError(ConflictError):
    """The site's watched-word list changed since the version the caller replaced."""

    code = "watch-list-changed"
    title = "Watched-word list changed"


class CommentDeletedError(ConflictError):
    """The comment was deleted by its author: nobody decides or edits it any more."""

    code = "comment-deleted"
    title = "Comment was deleted"


class EditWindowClosedError(ConflictError):
    """The site's edit window for this comment has passed."""

    code = "edit-window-closed"
    title = "Too late to edit"


class CommentsClosedError(ConflictError):
    """The article takes no comments (its settings close it): nothing was stored."""

    code = "comments-closed"
    title = "Comments are closed"


class AuthorSuspendedError(CommentDeskError):
    """The author is suspended on this site until ``suspended_until``: nothing was stored.

    The end time is an extension member, so the site can tell its reader when they may post.
    """

    code = "author-suspended"
    status = 403
    title = "Author suspended"

    def __init__(self, author_id: str, suspended_until: datetime) -> None:
        stamp = suspended_until.astimezone(UTC).isoformat().replace("+00:00", "Z")
        super().__init__(f"author {author_id!r} is suspended until {stamp}")
        self.extensions = {"suspended_until": stamp}


class CursorExpiredError(CommentDeskError):
    """A change feed cursor from before the retention horizon: events may have been purged."""

    code = "cursor-expired"
    status = 410
    title = "Cursor expired"


class RateLimitedError(CommentDeskError):
    """A flood limit of the site, the author or the client address is exhausted for now."""

    code = "rate-limited"
    status = 429
    title = "Too many comments"

    def __init__(self, detail: str, retry_after: int, limit: str) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
        self.extensions = {"limit": limit, "retry_after": retry_after}


class UserExistsError(ConflictError):
    """``create-user`` was given a username that is already taken."""

    code = "user-exists"
    title = "User already exists"


class ClaimedError(ConflictError):
    """Another moderator holds the claim on this comment (claims are advisory, see claims.py)."""

    code = "claimed"
    title = "Comment is claimed by another moderator"

    def __init__(self, claimed_by: str, expires_at: datetime) -> None:
        super().__init__(f"{claimed_by} is working on this comment")
        stamp = expires_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
        self.extensions = {"claimed_by": claimed_by, "expires_at": stamp}


class UndoExpiredError(ConflictError):
    """The undo window of a decision batch has passed."""

    code = "undo-expired"
    title = "Too late to undo"


class CountChangedError(ConflictError):
    """A bulk selection no longer matches the count the moderator confirmed."""

    code = "count-changed"
    title = "The selection changed since the preview"

    def __init__(self, count: int, expected: int) -> None:
        super().__init__(f"the selection now matches {count} comments, not {expected}")
        self.extensions = {"count": count}


class IdempotencyConflictError(ConflictError):
    """An Idempotency-Key was reused with a different request body."""

    code = "idempotency-key-reused"
    title = "Idempotency key reused with a different request"


class TooManySignInsError(CommentDeskError):
    """Sign-in refused for a while after too many failures (see service.login_throttle)."""

    code = "too-many-sign-ins"
    status = 429
    title = "Too many failed sign-ins"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class UnavailableError(CommentDeskError):
    """A dependency (database, Redis) is down; the request may be retried."""

    code = "service-unavailable"
    status = 503
    title = "Service unavailable"


class StorageError(UnavailableError):
    """The database could not complete the operation.

    ``detail`` is what the client sees and never quotes the driver (it names hosts, ports and
    SQL); the driver's error stays on ``__cause__`` for the log. ``is_outage`` tells a database
    that cannot be reached or written at all from one statement it refused.
    """

    code = "storage-unavailable"
    title = "Storage unavailable"

    def __init__(self, detail: str = "", *, is_outage: bool = True) -> None:
        super().__init__(detail or "the database is unavailable; retry later")
        self.is_outage = is_outage


class QueueError(UnavailableError):
    """Redis could not accept or serve a queue operation."""

    code = "queue-unavailable"
    title = "Queue unavailable"


class NotRejectedError(ConflictError):
    """An appeal is only against a standing rejection (status ``rejected`` or ``spam``)."""

    code = "not-rejected"
    title = "Comment is not rejected"


class AppealOpenError(ConflictError):
    """The comment already has an open appeal: one at a time."""

    code = "appeal-open"
    title = "An appeal is already open"


class AppealDecidedError(ConflictError):
    """The appeal was decided already; its outcome stands."""

    code = "appeal-decided"
    title = "Appeal already decided"


class SameModeratorError(PermissionDeniedError):
    """The moderator who made the original decision may not decide the appeal against it."""

    code = "same-moderator"
    title = "Another moderator must decide this appeal"
