"""SQLAlchemy 2 table definitions. Only ``service.store`` and migrations use these."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names keep Alembic autogenerate and `alembic check` deterministic.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments an INTEGER PRIMARY KEY, not a BIGINT one.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[str]: JSON}


class CommentRow(Base):
    __tablename__ = "comments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    site_id: Mapped[str] = mapped_column(String(100))
    article_id: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("comments.id"))
    # The top of the reply thread (itself for a top-level comment): one query loads a thread.
    root_id: Mapped[str] = mapped_column(String(36))
    author_id: Mapped[str] = mapped_column(String(200))
    author_name: Mapped[str] = mapped_column(String(200))
    author_email_hash: Mapped[str | None] = mapped_column(String(128))
    author_account_age_days: Mapped[float | None] = mapped_column(Float)
    author_karma: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    body_sha256: Mapped[str] = mapped_column(String(64))
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
    request_hash: Mapped[str | None] = mapped_column(String(64))
    # The as-submitted envelope; nulled by the retention purge.
    envelope_ip: Mapped[str | None] = mapped_column(String(64))
    envelope_user_agent: Mapped[str | None] = mapped_column(String(512))
    envelope_referrer: Mapped[str | None] = mapped_column(String(2048))
    envelope_permalink: Mapped[str | None] = mapped_column(String(2048))
    envelope_purged_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("site_id", "idempotency_key"),
        # Queues by age and by risk. The risk sort key is an expression (unscored comments rank
        # above every score), so its index is on the same expression the query orders by.
        Index("ix_comments_status_created", "status", "created_at", "id"),
        Index("ix_comments_status_risk", "status", func.coalesce(text("risk"), 2.0), "id"),
        Index("ix_comments_article_status", "article_id", "status", "created_at", "id"),
        Index("ix_comments_author_created", "author_id", "created_at"),
        Index("ix_comments_author_body", "author_id", "body_sha256"),
        Index("ix_comments_root", "root_id", "status"),
    )


class ActionRow(Base):
    __tablename__ = "moderation_actions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    comment_id: Mapped[str] = mapped_column(ForeignKey("comments.id"))
    kind: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str | None] = mapped_column(String(200))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    reasons: Mapped[list[str]] = mapped_column(default=list)
    model_version: Mapped[str | None] = mapped_column(String(80))
    scores: Mapped[dict[str, Any]] = mapped_column(default=dict)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    # Spans behind a withheld or rejected verdict (classified actions only), see
    # Classification.evidence; SQL NULL (not JSON null) for every other action.
    evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), default=None)
    # The decisions made together (one moderator action, single or bulk) share a batch id; undo
    # works on a batch. NULL for system actions.
    batch_id: Mapped[str | None] = mapped_column(String(36))

    __table_args__ = (
        Index("ix_actions_batch", "batch_id"),
        Index("ix_actions_comment", "comment_id", "id"),
        Index("ix_actions_actor", "actor", "id"),
        Index("ix_actions_kind", "kind", "id"),
    )


class ScoreRow(Base):
    __tablename__ = "scores"

    comment_id: Mapped[str] = mapped_column(ForeignKey("comments.id"), primary_key=True)
    model_version: Mapped[str] = mapped_column(String(80), primary_key=True)
    label: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[float] = mapped_column(Float)

    __table_args__ = (Index("ix_scores_label_value", "label", "value"),)


class ReportRow(Base):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    comment_id: Mapped[str] = mapped_column(ForeignKey("comments.id"))
    reporter_id: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("comment_id", "reporter_id"),)


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
    policy: Mapped[str] = mapped_column(String(16))  # trust | premoderate | ban
    # For ``trust``: the risk below which this author's comments skip review.
    trust_threshold: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    set_by: Mapped[str] = mapped_column(String(200))
    set_at: Mapped[datetime]


# Core views of the hot tables, for executemany statements that bypass the unit of work.
COMMENTS = cast(Table, CommentRow.__table__)
ACTIONS = cast(Table, ActionRow.__table__)
SCORES = cast(Table, ScoreRow.__table__)
