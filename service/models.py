"""SQLAlchemy 2 table definitions. Only ``service.store`` and migrations use these."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from service.column_types import CommentId, EventKind, HexDigest, UTCDateTime

# Stable constraint names keep Alembic autogenerate and `alembic check` deterministic.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments an INTEGER PRIMARY KEY, not a BIGINT one.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[str]: JSON}


# The predicate of ix_comments_hidden_roots, which a query must repeat word for word (as SQL
# text, not with bound parameters) for SQLite to use that partial index.
HIDDEN_ROOT = text("parent_id IS NULL AND status != 'approved'")
# The actions the partial indexes on moderation_actions keep (see ActionRow).
BATCHED_ACTION = text("batch_id IS NOT NULL")
NAMED_ACTOR = text("actor IS NOT NULL")


class CommentRow(Base):
    __tablename__ = "comments"

    id: Mapped[str] = mapped_column(CommentId(), primary_key=True)
    site_id: Mapped[str] = mapped_column(String(100))
    article_id: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[str | None] = mapped_column(CommentId(), ForeignKey("comments.id"))
    # The top of the reply thread (itself for a top-level comment): one query loads a thread.
    root_id: Mapped[str] = mapped_column(CommentId())
    author_id: Mapped[str] = mapped_column(String(200))
    # service.identity.author_key(author_id): what bans and the repeat-post rule compare.
    author_key: Mapped[str] = mapped_column(HexDigest())
    author_name: Mapped[str] = mapped_column(String(200))
    author_email_hash: Mapped[str | None] = mapped_column(String(128))
    author_account_age_days: Mapped[float | None] = mapped_column(Float)
    author_karma: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    body_sha256: Mapped[str] = mapped_column(HexDigest())
    language: Mapped[str | None] = mapped_column(String(35))
    status: Mapped[str] = mapped_column(String(16))
    reasons: Mapped[list[str]] = mapped_column(default=list)
    risk: Mapped[float | None] = mapped_column(Float)
    model_version: Mapped[str | None] = mapped_column(String(80))
    report_count: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    request_hash: Mapped[str | None] = mapped_column(HexDigest())
    # The as-submitted envelope; nulled by the retention purge.
    envelope_ip: Mapped[str | None] = mapped_column(String(64))
    envelope_user_agent: Mapped[str | None] = mapped_column(String(512))
    envelope_referrer: Mapped[str | None] = mapped_column(String(2048))
    envelope_permalink: Mapped[str | None] = mapped_column(String(2048))
    envelope_purged_at: Mapped[datetime | None]
    # Issue 11. Each edit by the site keeps the previous body in comment_revisions and adds one;
    # a verdict is recorded only for the revision that was scored.
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    # A reason to hold the comment whatever the model says, set at intake (``flood``).
    intake_hold: Mapped[str | None] = mapped_column(String(32))
    deleted_at: Mapped[datetime | None]
    # When the text (body, revisions, envelope, evidence) was erased: retention or GDPR.
    erased_at: Mapped[datetime | None]
    # Issue 12. The statement of reasons ({code, explanation, automated}) while the comment is
    # rejected or spam; SQL NULL otherwise. The action that rejected it keeps the same copy.
    statement: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), default=None)

    __table_args__ = (
        UniqueConstraint("site_id", "idempotency_key"),
        # Queues by age and by risk. The risk sort key is an expression (unscored comments rank
        # above every score), so its index is on the same expression the query orders by.
        Index("ix_comments_status_created", "status", "created_at", "id"),
        Index("ix_comments_status_risk", "status", func.coalesce(text("risk"), 2.0), "id"),
        Index("ix_comments_article_status", "article_id", "status", "created_at", "id"),
        Index("ix_comments_root", "root_id", "status"),
        # Top-level comments not shown, for the listing's placeholders above published replies
        # (service/store/threads.py): few per article, so finding them never scans the rest.
        Index(
            "ix_comments_hidden_roots",
            "article_id",
            "created_at",
            "id",
            sqlite_where=HIDDEN_ROOT,
            postgresql_where=HIDDEN_ROOT,
        ),
        # An author's comments on one site, newest last: the first-comments count and the
        # recent-history trigger read a bounded slice of it per author (issue 12), the
        # repeat-post rule the author's last window, and the author filters an author id's
        # comments (service/store/by_author.py). Issue 10: the indexes that served the last two,
        # on (author_key, body_sha256) and (author_id, created_at), were a fifth of its bytes.
        Index("ix_comments_site_author_created", "site_id", "author_key", "created_at", "id"),
    )


class ActionRow(Base):
    __tablename__ = "moderation_actions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    comment_id: Mapped[str] = mapped_column(CommentId(), ForeignKey("comments.id"))
    kind: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str | None] = mapped_column(String(200))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    reasons: Mapped[list[str]] = mapped_column(default=list)
    model_version: Mapped[str | None] = mapped_column(String(80))
    # JSON null (not SQL NULL) in a classified action whose scores are its comment's
    # comment_scores row (since 0020; service/store/action_scores.py), else the scores ({}: none).
    scores: Mapped[dict[str, Any] | None] = mapped_column(JSON(), nullable=False, default=dict)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    # Spans behind a withheld or rejected verdict (classified actions only), see
    # Classification.evidence; SQL NULL (not JSON null) for every other action.
    evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), default=None)
    # The decisions made together (one moderator action, single or bulk) share a batch id; undo
    # works on a batch. NULL for system actions.
    batch_id: Mapped[str | None] = mapped_column(String(36))
    # The statement of reasons a rejecting action gave the site; SQL NULL for every other action.
    statement: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), default=None)

    __table_args__ = (
        # Partial (issue 10): system actions, most of the log, have neither a batch nor an
        # actor, and no query looks them up by one (undo finds a batch by its id; the audit
        # log's actor=system walks the primary key, where system actions are the dense part).
        Index(
            "ix_actions_batch",
            "batch_id",
            sqlite_where=BATCHED_ACTION,
            postgresql_where=BATCHED_ACTION,
        ),
        Index("ix_actions_comment", "comment_id", "id"),
        Index(
            "ix_actions_actor",
            "actor",
            "id",
            sqlite_where=NAMED_ACTOR,
            postgresql_where=NAMED_ACTOR,
        ),
        Index("ix_actions_kind", "kind", "id"),
    )


class AppealRow(Base):
    """An appeal against a rejection (issue 12): filed by the site, decided by a moderator."""

    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    comment_id: Mapped[str] = mapped_column(CommentId(), ForeignKey("comments.id"))
    site_id: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16))
    # The author's words: personal data, blanked by an erasure of the comment's text.
    body: Mapped[str] = mapped_column(Text)
    filed_by: Mapped[str] = mapped_column(String(200))  # the site client that filed it
    filed_at: Mapped[datetime]
    # The rejecting action the appeal contests (its actor is who may not decide the appeal).
    original_action_id: Mapped[int] = mapped_column(ForeignKey("moderation_actions.id"))
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None]
    reply: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        # One open appeal per comment, whoever races to file it.
        Index(
            "uq_appeals_open_comment",
            "comment_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_appeals_status_id", "status", "id"),
        Index("ix_appeals_comment", "comment_id", "id"),
    )


class ScoreRow(Base):
    """One model version's scores of one comment, every label in one JSON object.

    One row (not one per label) and no index on the values: the queue's label filter reads a
    label out of the object for the comments it already selected, nothing looks a score up by
    its value, and a row per label with its own index made this table 38% of the database.
    """

    __tablename__ = "comment_scores"

    comment_id: Mapped[str] = mapped_column(
        CommentId(), ForeignKey("comments.id"), primary_key=True
    )
    model_version: Mapped[str] = mapped_column(String(80), primary_key=True)
    scores: Mapped[dict[str, Any]] = mapped_column()

    # SQLite: the rows live in the primary-key b-tree instead of a rowid table plus an index
    # repeating the key (48 bytes less a row). PostgreSQL ignores it.
    __table_args__ = {"sqlite_with_rowid": False}


class ReportRow(Base):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    comment_id: Mapped[str] = mapped_column(CommentId(), ForeignKey("comments.id"))
    reporter_id: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    # Issue 12: open until a moderator's decision upholds it or a dismissal closes it. Only open
    # reports count towards the threshold; judged ones stay (the action log says who judged).
    state: Mapped[str] = mapped_column(String(16), default="open", server_default="open")
    resolved_at: Mapped[datetime | None]
    # The decision batch that judged it, so that undoing the batch opens it again.
    resolved_batch_id: Mapped[str | None] = mapped_column(String(36))

    __table_args__ = (
        UniqueConstraint("comment_id", "reporter_id"),
        Index("ix_reports_resolved_batch", "resolved_batch_id"),
    )


class ReporterRow(Base):
    """How a site's reader's reports were judged: their weight is computed from these two
    counters (service.domain.reports), kept here so a report reads one row per reporter."""

    __tablename__ = "reporters"

    site_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    reporter_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    upheld: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    dismissed: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))


class ApiKeyRow(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class ModelVersionRow(Base):
    __tablename__ = "model_versions"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    artifact_sha256: Mapped[str] = mapped_column(String(64))
    artifact_path: Mapped[str] = mapped_column(String(1024))
    labels: Mapped[list[str]] = mapped_column(default=list)
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    data_manifest: Mapped[dict[str, Any]] = mapped_column(default=dict)
    library_versions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Per-label score bands computed for this version (empty: the settings' thresholds apply).
    thresholds: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default=text("'{}'"))
    created_at: Mapped[datetime]


class ModelArtifactRow(Base):
    """The bytes of a registered model artifact, keyed by their sha256 (content-addressed).

    Kept in the database so that every worker host can load any registered version with
    nothing shared but the database and Redis; written in the registration transaction.
    """

    __tablename__ = "model_artifacts"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


class ModelAliasRow(Base):
    __tablename__ = "model_aliases"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    version_id: Mapped[str] = mapped_column(ForeignKey("model_versions.id"))
    updated_at: Mapped[datetime]


class ModelAliasEventRow(Base):
    """Every move of an alias, append-only: who promoted, rolled back or set what, and when."""

    __tablename__ = "model_alias_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    alias: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    version_id: Mapped[str | None] = mapped_column(ForeignKey("model_versions.id"))
    previous_version_id: Mapped[str | None] = mapped_column(ForeignKey("model_versions.id"))
    actor: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    # Why ops promoted a version the promotion gate refused (forced), or None.
    reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_model_alias_events_alias", "alias", "id"),)


class TrainingUploadRow(Base):
    """A labelled CSV uploaded for a training run, kept so any worker host can read it."""

    __tablename__ = "training_uploads"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    rows: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)


class UserRow(Base):
    """A person who signs in to the web workspace (API clients use api_keys)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    disabled_at: Mapped[datetime | None]


class WebSessionRow(Base):
    """A signed-in browser session; the cookie holds a token whose SHA-256 is the key."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]

    __table_args__ = (Index("ix_web_sessions_expires", "expires_at"),)


class AuthorPolicyRow(Base):
    """A moderator's standing instruction for one author of one site."""

    __tablename__ = "author_policies"

    site_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    author_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    author_key: Mapped[str] = mapped_column(HexDigest())  # see CommentRow.author_key
    policy: Mapped[str] = mapped_column(String(16))  # trust | premoderate | ban
    # For ``trust``: the risk below which this author's comments skip review.
    trust_threshold: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    set_by: Mapped[str] = mapped_column(String(200))
    set_at: Mapped[datetime]
    # When the policy stops applying (None: never); compared with now when read, so nothing
    # has to run at that moment. A ``suspend`` always has one.
    expires_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_author_policies_site_key", "site_id", "author_key"),)


class ArticleSettingsRow(Base):
    """What a site or its moderators set for one article (an article without a row: defaults)."""

    __tablename__ = "article_settings"

    site_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    article_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    premoderate: Mapped[bool]
    premoderate_links: Mapped[bool]
    closed: Mapped[bool]
    set_by: Mapped[str] = mapped_column(String(200))
    set_at: Mapped[datetime]


class AuthorNoteRow(Base):
    """A moderator's private note on one author of one site (never sent to the site)."""

    __tablename__ = "author_notes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(String(100))
    author_id: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    written_by: Mapped[str] = mapped_column(String(200))
    written_at: Mapped[datetime]

    __table_args__ = (Index("ix_author_notes_author", "site_id", "author_id", "id"),)


class WatchListRow(Base):
    """A site's watched-word list as a whole: its version goes up with every change, so workers
    compile a list once per version."""

    __tablename__ = "watch_lists"

    site_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime]


class WatchedWordRow(Base):
    """One banned or suspect word or phrase of a site, as ops wrote it and as it folds."""

    __tablename__ = "watched_words"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("watch_lists.site_id"))
    kind: Mapped[str] = mapped_column(String(16))  # banned | suspect
    phrase: Mapped[str] = mapped_column(String(400))
    # The words it matches (service.wordmatch.folding.fold_entry): one entry per folded form,
    # so "b1tch" cannot be both banned and suspect beside "bitch".
    folded: Mapped[str] = mapped_column(String(1200))
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("site_id", "folded"),)


class CommentRevisionRow(Base):
    """A body a comment had before the site edited it (the current body is on the comment)."""

    __tablename__ = "comment_revisions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    comment_id: Mapped[str] = mapped_column(CommentId(), ForeignKey("comments.id"))
    revision: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]  # when this revision was submitted
    replaced_at: Mapped[datetime]  # when the edit replaced it

    __table_args__ = (UniqueConstraint("comment_id", "revision"),)


class OutboxRow(Base):
    """A change a site is told about, written in the transaction that made the change.

    ``seq`` is assigned after commit by the sequencer (service/outbox.py), in the order rows
    become visible, so the change feed's cursor never skips a row that committed late.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    # The 16 bytes of "evt_<32 hex>", and the payload packed: service/domain/stored_events.py.
    # (Named ``payload`` before 0017: a process of an older release fails on this table instead
    # of sending a packed payload to a site as it is.)
    event_id: Mapped[bytes] = mapped_column(LargeBinary(16), unique=True)
    site_id: Mapped[str] = mapped_column(String(100))
    # Its number, in a column named ``kind_code`` since 0019 (a process of an older release
    # fails on the table rather than write text there or read a number as a kind).
    kind: Mapped[str] = mapped_column("kind_code", EventKind(), key="kind")
    comment_id: Mapped[str | None] = mapped_column(CommentId())
    packed: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)

    __table_args__ = (
        Index("ix_outbox_site_seq", "site_id", "seq"),
        Index(
            "ix_outbox_unsequenced",
            "id",
            postgresql_where=text("seq IS NULL"),
            sqlite_where=text("seq IS NULL"),
        ),
    )


class OutboxSequenceRow(Base):
    """The sequencer's counter (one row); its row lock serialises sequencers."""

    __tablename__ = "outbox_sequence"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
    # Events up to this seq were purged: a feed cursor below it may have missed some.
    purged_through: Mapped[int] = mapped_column(BigInteger, default=0)


class WebhookEndpointRow(Base):
    """Where a site wants its events POSTed, signed with ``secret`` (and the previous one for a
    while after a rotation)."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    site_id: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(2048))
    description: Mapped[str | None] = mapped_column(Text)
    events: Mapped[list[str]] = mapped_column(default=list)  # empty: every event type
    secret: Mapped[str] = mapped_column(String(64))
    previous_secret: Mapped[str | None] = mapped_column(String(64))
    previous_secret_until: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    disabled_at: Mapped[datetime | None]
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    retry_at: Mapped[datetime | None]  # no attempt before this after a failure (backoff)
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_failure_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_webhook_endpoints_site", "site_id"),)


class WebhookDeliveryRow(Base):
    """One event for one endpoint: pending until a 2xx (delivered) or given up (failed)."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    endpoint_id: Mapped[str] = mapped_column(ForeignKey("webhook_endpoints.id"))
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"))
    seq: Mapped[int] = mapped_column(BigInteger)
    # Deliveries of one comment go out in seq order; NULL (author events) orders nothing.
    comment_id: Mapped[str | None] = mapped_column(CommentId())
    status: Mapped[str] = mapped_column(String(16))  # pending | delivered | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("endpoint_id", "outbox_id"),
        Index("ix_webhook_deliveries_due", "endpoint_id", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_order", "endpoint_id", "comment_id", "status", "seq"),
        Index("ix_webhook_deliveries_outbox", "outbox_id"),
    )


class WebhookAttemptRow(Base):
    """The delivery log: every request sent to an endpoint and what came back."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    endpoint_id: Mapped[str] = mapped_column(ForeignKey("webhook_endpoints.id"))
    delivery_id: Mapped[int | None] = mapped_column(BigInteger)  # None for a test ping
    event_id: Mapped[str] = mapped_column(String(36))
    event_type: Mapped[str] = mapped_column(String(32))
    attempted_at: Mapped[datetime]
    duration_ms: Mapped[float] = mapped_column(Float)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    response_excerpt: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_webhook_attempts_endpoint", "endpoint_id", "id"),)


class ErasureRow(Base):
    """A record that an author's data was erased, under the anonymised key that replaced them."""

    __tablename__ = "erasures"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    site_id: Mapped[str] = mapped_column(String(100))
    author_key: Mapped[str] = mapped_column(String(64))
    requested_by: Mapped[str] = mapped_column(String(200))
    comments: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]


class FingerprintRow(Base):
    """Bottom-k shingle hashes of a comment, to find near-duplicates across authors."""

    __tablename__ = "comment_fingerprints"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    comment_id: Mapped[str] = mapped_column(CommentId(), ForeignKey("comments.id"))
    site_id: Mapped[str] = mapped_column(String(100))
    author_id: Mapped[str] = mapped_column(String(200))
    value: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_comment_fingerprints_lookup", "site_id", "value", "created_at"),
        Index("ix_comment_fingerprints_comment", "comment_id"),
    )


# Core views of the hot tables, for executemany statements that bypass the unit of work.
COMMENTS = cast(Table, CommentRow.__table__)
ACTIONS = cast(Table, ActionRow.__table__)
REPORTERS = cast(Table, ReporterRow.__table__)
SCORES = cast(Table, ScoreRow.__table__)
OUTBOX = cast(Table, OutboxRow.__table__)
FINGERPRINTS = cast(Table, FingerprintRow.__table__)
