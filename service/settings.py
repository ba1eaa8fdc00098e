"""Process settings, read once from the environment and passed down explicitly.

This module is the only reader of ``os.environ`` in the service. A bad value fails at start with
a message that names the variable and the value it had.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Literal, TypeVar

from service.errors import SettingsError
from service.redis_url import check_redis_url, redacted

T = TypeVar("T")

PREFIX = "COMMENTDESK_"


@dataclasses.dataclass(frozen=True)
class LabelThreshold:
    """Score bands for one label: below ``withhold`` approve, from ``reject`` on reject."""

    withhold: float
    reject: float | None  # None: this label never rejects automatically


DEFAULT_THRESHOLDS: Mapping[str, LabelThreshold] = {
    "spam": LabelThreshold(withhold=0.5, reject=0.99),
    "toxic": LabelThreshold(withhold=0.5, reject=None),
}


# Hosts a comment may link to without that link counting as spam evidence or holding the comment:
# regulators, exchanges, major outlets and reference sites a finance reader cites. Ops replace it
# (COMMENTDESK_LINK_ALLOWLIST) or extend it per site (COMMENTDESK_SITE_LINK_ALLOWLIST).
DEFAULT_LINK_ALLOWLIST: frozenset[str] = frozenset(
    {
        # regulators, central banks, statistics offices
        "sec.gov", "cftc.gov", "federalreserve.gov", "treasury.gov", "finra.org", "bls.gov",
        "bea.gov", "fca.org.uk", "bankofengland.co.uk", "europa.eu", "bis.org", "imf.org",
        # exchanges and market data
        "nasdaq.com", "nyse.com", "cmegroup.com", "coinbase.com", "kraken.com", "gemini.com",
        "bitstamp.net", "coingecko.com", "coinmarketcap.com", "tradingview.com",
        "etherscan.io", "mempool.space", "blockchain.com",
        # outlets
        "reuters.com", "bloomberg.com", "ft.com", "wsj.com", "cnbc.com", "apnews.com",
        "bbc.co.uk", "bbc.com", "nytimes.com", "theguardian.com", "economist.com",
        "coindesk.com", "theblock.co",
        # reference
        "wikipedia.org", "github.com", "bitcoin.org", "ethereum.org", "arxiv.org",
    }
)  # fmt: skip
# What retraining aims its bands at on the site's own decisions (COMMENTDESK_TARGET_*).
DEFAULT_REJECT_PRECISION = 0.99
DEFAULT_HOLD_RECALL = 0.8
# ... but never holding more than this share of the comments moderators approved: on a hard
# label (OLID-like, ROC-AUC ~0.7) recall 0.8 alone held 75% of the approved comments.
DEFAULT_MAX_APPROVED_HELD = 0.3


@dataclasses.dataclass(frozen=True)
class Settings:
    """Everything a process needs to know about its environment."""

    data_dir: Path = Path(".commentdesk")
    database_url: str = ""
    redis_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    worker_count: int = 2
    max_body_bytes: int = 64 * 1024
    # A labels file uploaded for training (POST /v1/models/uploads): read in chunks, stored whole.
    max_upload_bytes: int = 64 * 1024 * 1024
    max_comment_chars: int = 10_000
    default_page_size: int = 50
    max_page_size: int = 200
    sweep_after_seconds: float = 30.0
    sweep_interval_seconds: float = 10.0
    classify_batch_max: int = 500
    intake_batch_max: int = 256
    enqueue_linger_seconds: float = 0.05
    thresholds: Mapping[str, LabelThreshold] = dataclasses.field(
        default_factory=lambda: dict(DEFAULT_THRESHOLDS)
    )
    # Per-site bands that win over the model version's and the defaults (only the labels named).
    site_thresholds: Mapping[str, Mapping[str, LabelThreshold]] = dataclasses.field(
        default_factory=dict
    )
    # A scam hidden in a long, otherwise ordinary comment barely moves a whole-text score; its
    # way to be contacted or paid (contact_details) holds it for a human anyway.
    hold_rules: frozenset[str] = frozenset(
        {"links", "contact_details", "repeat_post", "new_author"}
    )
    # Links to these hosts (and their subdomains) neither hold a comment nor back a spam reject.
    link_allowlist: frozenset[str] = DEFAULT_LINK_ALLOWLIST
    # Per site, hosts allowed on top of ``link_allowlist``.
    site_link_allowlists: Mapping[str, frozenset[str]] = dataclasses.field(default_factory=dict)
    # Words or phrases whose presence backs an automatic rejection for a toxicity label (without
    # one, toxicity over its reject band is held for a human, never rejected).
    banned_words: frozenset[str] = frozenset()
    new_author_days: float = 2.0
    repeat_window_seconds: float = 3600.0
    report_threshold: int = 3
    key_cache_seconds: float = 30.0
    model_poll_seconds: float = 5.0
    envelope_retention_days: float = 30.0
    log_level: str = "INFO"
    log_format: str = "text"  # or "json": one object per line, with the trace id
    # Public labelled datasets retraining may add to the site's own decisions (a folder of
    # <name>/normalized.csv); None: retrain on the site's decisions alone, as a fresh install does.
    training_data: Path | None = None
    # Bands every retrained version gets from the site's decisions: automatic rejection from the
    # lowest score at which this share of comments was rejected by moderators, hold from the score
    # that holds this share of the comments moderators rejected.
    target_reject_precision: float = DEFAULT_REJECT_PRECISION
    target_hold_recall: float = DEFAULT_HOLD_RECALL
    target_max_approved_held: float = DEFAULT_MAX_APPROVED_HELD
    # Workers yield the CPU to the API on a shared host: moderation decisions can wait a few
    # milliseconds, a site waiting on its POST should not (0 keeps the inherited priority).
    worker_nice: int = 10
    # Web workspace (issue 4).
    session_ttl_seconds: float = 8 * 3600.0  # a signed-in browser session lasts one shift
    # Failed sign-ins per username within the window before sign-in is refused (per address:
    # five times as many).
    login_max_failures: int = 10
    login_window_seconds: float = 900.0
    claim_ttl_seconds: float = 180.0  # a card a moderator works on stays theirs this long
    undo_window_seconds: float = 30.0  # how long a moderator may take back a decision
    # Secure cookies: None follows the request scheme (https → Secure), True/False force it.
    cookie_secure: bool | None = None
    # Proxies whose X-Forwarded-For / -Proto the API believes (comma-separated addresses or
    # networks, or "*"); empty: none, the client address is the peer's.
    forwarded_allow_ips: str = ""
    # Open GET /v1/events streams one API process serves; one more is a 503 with Retry-After.
    max_event_streams: int = 1000
    # prometheus-client's multiprocess directory (PROMETHEUS_MULTIPROC_DIR, the library's own
    # variable): /metrics adds up the values every process of the host wrote there.
    metrics_dir: Path | None = None
    # How long a client may take to send a request's headers, and then its body: a slow or
    # short request must not hold a connection (and a request slot) for ever.
    request_timeout_seconds: float = 10.0
    # Webhooks, the change feed and retention (issue 11); per-site behaviour in ``sites``.
    webhooks: WebhookSettings = dataclasses.field(default_factory=lambda: WebhookSettings())
    outbox_retention_days: float = 14.0
    sites: SiteTable = dataclasses.field(default_factory=lambda: SiteTable())

    def site(self, site_id: str) -> SiteSettings:
        """The settings that apply to one site: its overrides, else the defaults."""
        return self.sites.overrides.get(site_id, self.sites.default)

    def links_allowed_for(self, site_id: str) -> frozenset[str]:
        """The link allowlist a site's comments are judged with."""
        return self.link_allowlist | self.site_link_allowlists.get(site_id, frozenset())

    @property
    def effective_database_url(self) -> str:
        """The configured database URL, or SQLite in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'commentdesk.db').resolve()}"

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Build settings from ``COMMENTDESK_*``, ``DATABASE_URL`` and ``REDIS_URL``."""
        env = _Env(environ)
        defaults = cls()
        return cls(
            data_dir=Path(env.get("DATA_DIR", str, str(defaults.data_dir))),
            database_url=environ.get("DATABASE_URL", "") or env.get("DATABASE_URL", str, ""),
            redis_url=_redis_url(environ),
            host=env.get("HOST", str, defaults.host),
            port=env.get("PORT", _port, defaults.port),
            worker_count=env.get("WORKERS", _positive_int, defaults.worker_count),
            max_body_bytes=env.get("MAX_BODY_BYTES", _positive_int, defaults.max_body_bytes),
            max_upload_bytes=env.get("MAX_UPLOAD_BYTES", _positive_int, defaults.max_upload_bytes),
            max_comment_chars=env.get(
                "MAX_COMMENT_CHARS", _positive_int, defaults.max_comment_chars
            ),
            default_page_size=env.get(
                "DEFAULT_PAGE_SIZE", _positive_int, defaults.default_page_size
            ),
            max_page_size=env.get("MAX_PAGE_SIZE", _positive_int, defaults.max_page_size),
            sweep_after_seconds=env.get(
                "SWEEP_AFTER_SECONDS", _positive_float, defaults.sweep_after_seconds
            ),
            sweep_interval_seconds=env.get(
                "SWEEP_INTERVAL_SECONDS", _positive_float, defaults.sweep_interval_seconds
            ),
            classify_batch_max=env.get(
                "CLASSIFY_BATCH_MAX", _positive_int, defaults.classify_batch_max
            ),
            intake_batch_max=env.get("INTAKE_BATCH_MAX", _positive_int, defaults.intake_batch_max),
            enqueue_linger_seconds=env.get(
                "ENQUEUE_LINGER_MS", _milliseconds, defaults.enqueue_linger_seconds
            ),
            thresholds=env.get("THRESHOLDS", parse_thresholds, dict(DEFAULT_THRESHOLDS)),
            site_thresholds=env.get("SITE_THRESHOLDS", parse_site_thresholds, {}),
            hold_rules=env.get("HOLD_RULES", _rule_set, defaults.hold_rules),
            link_allowlist=env.get("LINK_ALLOWLIST", parse_domains, defaults.link_allowlist),
            site_link_allowlists=env.get("SITE_LINK_ALLOWLIST", parse_site_domains, {}),
            banned_words=env.get("BANNED_WORDS", parse_words, defaults.banned_words),
            new_author_days=env.get(
                "NEW_AUTHOR_DAYS", _non_negative_float, defaults.new_author_days
            ),
            repeat_window_seconds=env.get(
                "REPEAT_WINDOW_SECONDS", _positive_float, defaults.repeat_window_seconds
            ),
            report_threshold=env.get("REPORT_THRESHOLD", _positive_int, defaults.report_threshold),
            key_cache_seconds=env.get(
                "KEY_CACHE_SECONDS", _non_negative_float, defaults.key_cache_seconds
            ),
            model_poll_seconds=env.get(
                "MODEL_POLL_SECONDS", _positive_float, defaults.model_poll_seconds
            ),
            envelope_retention_days=env.get(
                "ENVELOPE_RETENTION_DAYS", _positive_float, defaults.envelope_retention_days
            ),
            log_level=env.get("LOG_LEVEL", _log_level, defaults.log_level),
            log_format=env.get("LOG_FORMAT", _log_format, defaults.log_format),
            training_data=env.get("TRAINING_DATA", Path, defaults.training_data),
            target_reject_precision=env.get(
                "TARGET_REJECT_PRECISION", _share, defaults.target_reject_precision
            ),
            target_hold_recall=env.get("TARGET_HOLD_RECALL", _share, defaults.target_hold_recall),
            target_max_approved_held=env.get(
                "TARGET_MAX_APPROVED_HELD", _share, defaults.target_max_approved_held
            ),
            worker_nice=env.get("WORKER_NICE", _niceness, defaults.worker_nice),
            login_max_failures=env.get(
                "LOGIN_MAX_FAILURES", _positive_int, defaults.login_max_failures
            ),
            login_window_seconds=env.get(
                "LOGIN_WINDOW_SECONDS", _positive_float, defaults.login_window_seconds
            ),
            session_ttl_seconds=env.get(
                "SESSION_TTL_SECONDS", _positive_float, defaults.session_ttl_seconds
            ),
            claim_ttl_seconds=env.get(
                "CLAIM_TTL_SECONDS", _positive_float, defaults.claim_ttl_seconds
            ),
            undo_window_seconds=env.get(
                "UNDO_WINDOW_SECONDS", _non_negative_float, defaults.undo_window_seconds
            ),
            cookie_secure=env.get("COOKIE_SECURE", _auto_bool, defaults.cookie_secure),
            webhooks=WebhookSettings.from_env(env),
            outbox_retention_days=env.get(
                "OUTBOX_RETENTION_DAYS", _positive_float, defaults.outbox_retention_days
            ),
            sites=SiteTable.from_env(env, environ),
            forwarded_allow_ips=env.get("FORWARDED_ALLOW_IPS", _proxy_list, ""),
            max_event_streams=env.get(
                "MAX_EVENT_STREAMS", _positive_int, defaults.max_event_streams
            ),
            metrics_dir=Path(environ["PROMETHEUS_MULTIPROC_DIR"])
            if environ.get("PROMETHEUS_MULTIPROC_DIR")
            else None,
            request_timeout_seconds=env.get(
                "REQUEST_TIMEOUT_SECONDS", _positive_float, defaults.request_timeout_seconds
            ),
        )


def _redis_url(environ: Mapping[str, str]) -> str | None:
    """``REDIS_URL``, else ``COMMENTDESK_REDIS_URL``: a server or a Sentinel URL, checked here so
    a typo fails at start, not at the first enqueue."""
    for key in ("REDIS_URL", PREFIX + "REDIS_URL"):
        raw = environ.get(key)
        if raw:
            try:
                check_redis_url(raw)
            except ValueError as exc:
                raise SettingsError(f"{key}={redacted(raw)!r} is invalid: {exc}") from exc
            return raw
    return None


class _Env:
    """Typed access to ``COMMENTDESK_*`` variables; errors name the variable and its value."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ

    def get(self, name: str, parse: Callable[[str], T], default: T) -> T:
        key = PREFIX + name
        raw = self._environ.get(key)
        if raw is None or raw == "":
            return default
        try:
            return parse(raw)
        except ValueError as exc:
            raise SettingsError(f"{key}={raw!r} is invalid: {exc}") from exc


def _positive_int(raw: str) -> int:
    value = int(raw)
    if value <= 0:
        raise ValueError("must be a positive integer")
    return value


def _port(raw: str) -> int:
    value = int(raw)
    if not 0 <= value <= 65535:
        raise ValueError("must be a TCP port between 0 and 65535")
    return value


def _positive_float(raw: str) -> float:
    value = float(raw)
    if not value > 0:
        raise ValueError("must be a positive number")
    return value


def _non_negative_float(raw: str) -> float:
    value = float(raw)
    if not value >= 0:
        raise ValueError("must be zero or a positive number")
    return value


def _milliseconds(raw: str) -> float:
    return _non_negative_float(raw) / 1000.0


def _niceness(raw: str) -> int:
    value = int(raw)
    if not 0 <= value <= 19:
        raise ValueError("must be an integer from 0 (no change) to 19 (lowest priority)")
    return value


def _auto_bool(raw: str) -> bool | None:
    value = raw.strip().lower()
    if value == "auto":
        return None
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError("must be auto, true or false")


def _proxy_list(raw: str) -> str:
    entries = [part.strip() for part in raw.split(",") if part.strip()]
    for entry in entries:
        if entry != "*":
            ipaddress.ip_network(entry, strict=False)  # ValueError names the bad entry
    return ",".join(entries)


def _log_format(raw: str) -> str:
    value = raw.strip().lower()
    if value not in {"text", "json"}:
        raise ValueError("must be text or json")
    return value


def _log_level(raw: str) -> str:
    level = raw.upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR")
    return level


KNOWN_RULES = frozenset({"links", "contact_details", "repeat_post", "new_author"})
KNOWN_LABELS = frozenset(
    {"spam", "toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"}
)


def _rule_set(raw: str) -> frozenset[str]:
    if raw.strip().lower() == "none":  # an empty variable means "defaults", so "none" turns all off
        return frozenset()
    rules = frozenset(part.strip() for part in raw.split(",") if part.strip())
    unknown = rules - KNOWN_RULES
    if unknown:
        raise ValueError(f"unknown rule(s) {sorted(unknown)}; known: {sorted(KNOWN_RULES)}")
    return rules


def parse_thresholds(raw: str) -> dict[str, LabelThreshold]:
    """Parse ``label=withhold:reject`` pairs, e.g. ``spam=0.5:0.99,toxic=0.6:off``."""
    thresholds = dict(DEFAULT_THRESHOLDS)
    for part in filter(None, (p.strip() for p in raw.split(","))):
        label, _, bands = (p.strip() for p in part.partition("="))
        if label not in KNOWN_LABELS:
            raise ValueError(f"unknown label {label!r}; known: {sorted(KNOWN_LABELS)}")
        withhold_raw, _, reject_raw = bands.partition(":")
        withhold = _probability(withhold_raw)
        reject = None if reject_raw in ("", "off") else _probability(reject_raw)
        if reject is not None and reject < withhold:
            raise ValueError(f"{label}: reject threshold {reject} is below withhold {withhold}")
        thresholds[label] = LabelThreshold(withhold=withhold, reject=reject)
    return thresholds


def parse_site_thresholds(raw: str) -> dict[str, dict[str, LabelThreshold]]:
    """Parse ``site:label=withhold:reject,...;site:...``, e.g. ``news-a:toxic=0.6:off``.

    Each site gets only the labels it names (the rest fall through to the model version's and
    the default bands).
    """
    sites: dict[str, dict[str, LabelThreshold]] = {}
    for part in filter(None, (p.strip() for p in raw.split(";"))):
        site, sep, spec = (p.strip() for p in part.partition(":"))
        if not sep or not site or not spec:
            raise ValueError(f"{part!r}: expected site:label=withhold:reject[,...]")
        if site in sites:
            raise ValueError(f"site {site!r} is listed twice")
        named = {p.partition("=")[0].strip() for p in spec.split(",") if p.strip()}
        try:
            bands = parse_thresholds(spec)
        except ValueError as exc:
            raise ValueError(f"site {site!r}: {exc}") from exc
        sites[site] = {label: bands[label] for label in sorted(named)}
    return sites


def _probability(raw: str) -> float:
    value = float(raw)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"threshold {raw!r} must be between 0 and 1")
    return value


def _share(raw: str) -> float:
    value = float(raw)
    if not 0.0 < value <= 1.0:
        raise ValueError("must be a share greater than 0 and at most 1, e.g. 0.99")
    return value


# A host name: labels of letters, digits and hyphens joined by dots, with at least one dot.
_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}")


def parse_domains(raw: str) -> frozenset[str]:
    """Parse comma-separated host names (``sec.gov,reuters.com``); ``none`` is the empty list."""
    if raw.strip().lower() == "none":
        return frozenset()
    domains = frozenset(part.strip().lower() for part in raw.split(",") if part.strip())
    bad = sorted(d for d in domains if not _DOMAIN.fullmatch(d))
    if bad:
        raise ValueError(f"{bad} are not host names (write sec.gov, not https://sec.gov/)")
    return domains


def parse_site_domains(raw: str) -> dict[str, frozenset[str]]:
    """Parse ``site:host,host;site:host``: hosts each site allows on top of the global list."""
    sites: dict[str, frozenset[str]] = {}
    for part in filter(None, (p.strip() for p in raw.split(";"))):
        site, sep, spec = (p.strip() for p in part.partition(":"))
        if not sep or not site or not spec:
            raise ValueError(f"{part!r}: expected site:host[,host...]")
        if site in sites:
            raise ValueError(f"site {site!r} is listed twice")
        try:
            sites[site] = parse_domains(spec)
        except ValueError as exc:
            raise ValueError(f"site {site!r}: {exc}") from exc
    return sites


def parse_words(raw: str) -> frozenset[str]:
    """Parse comma-separated words or phrases, compared case-insensitively."""
    words = frozenset(" ".join(part.split()).casefold() for part in raw.split(","))
    return words - {""}


# -- issue 11: webhooks, per-site behaviour (edits, deletion, retention, flood control) --------

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclasses.dataclass(frozen=True)
class WebhookSettings:
    """How webhooks are delivered; see docs/operations.md for each variable."""

    # Targets in these networks are allowed although private or loopback (SSRF guard).
    allowed_networks: tuple[IpNetwork, ...] = ()
    timeout_seconds: float = 10.0
    backoff_base_seconds: float = 2.0
    backoff_max_seconds: float = 3600.0
    max_attempts: int = 20  # per event and endpoint, then the delivery is given up ("failed")
    disable_after: int = 15  # consecutive failed attempts that disable an endpoint
    poll_seconds: float = 1.0  # how often a webhook worker dispatches due deliveries
    lease_seconds: float = 60.0  # how long a delivery run owns its endpoint
    secret_overlap_seconds: float = 24 * 3600.0  # both secrets sign after a rotation
    log_retention_days: float = 30.0

    @classmethod
    def from_env(cls, env: _Env) -> WebhookSettings:
        """``COMMENTDESK_WEBHOOK_*``."""
        d = cls()
        return cls(
            allowed_networks=env.get("WEBHOOK_ALLOWED_NETWORKS", parse_networks, ()),
            timeout_seconds=env.get("WEBHOOK_TIMEOUT_SECONDS", _positive_float, d.timeout_seconds),
            backoff_base_seconds=env.get(
                "WEBHOOK_BACKOFF_BASE_SECONDS", _positive_float, d.backoff_base_seconds
            ),
            backoff_max_seconds=env.get(
                "WEBHOOK_BACKOFF_MAX_SECONDS", _positive_float, d.backoff_max_seconds
            ),
            max_attempts=env.get("WEBHOOK_MAX_ATTEMPTS", _positive_int, d.max_attempts),
            disable_after=env.get("WEBHOOK_DISABLE_AFTER", _positive_int, d.disable_after),
            poll_seconds=env.get("WEBHOOK_POLL_SECONDS", _positive_float, d.poll_seconds),
            lease_seconds=env.get("WEBHOOK_LEASE_SECONDS", _positive_float, d.lease_seconds),
            secret_overlap_seconds=env.get(
                "WEBHOOK_SECRET_OVERLAP_SECONDS", _non_negative_float, d.secret_overlap_seconds
            ),
            log_retention_days=env.get(
                "WEBHOOK_LOG_RETENTION_DAYS", _positive_float, d.log_retention_days
            ),
        )


@dataclasses.dataclass(frozen=True)
class Rate:
    """A token bucket: ``count`` requests at once, refilled at ``count`` per ``seconds``."""

    count: int
    seconds: float


FloodMode = Literal["reject", "hold"]


@dataclasses.dataclass(frozen=True)
class DuplicateBurst:
    """Near-duplicate comments of one site held as a group: this many, by this many authors,
    within this many seconds."""

    comments: int
    authors: int
    seconds: float


@dataclasses.dataclass(frozen=True)
class SiteSettings:
    """What may differ between sites. Defaults come from ``COMMENTDESK_<NAME>``; a site's
    overrides from ``COMMENTDESK_SITE_SETTINGS`` (same names and value syntax)."""

    edit_window_seconds: float = 900.0  # 0: the site may not edit comments
    erase_deleted: bool = False  # erase a deleted comment's text at once, not after retention
    deleted_retention_days: float = 30.0
    rejected_retention_days: float | None = 90.0  # None: keep rejected comments' text
    flood_key: Rate | None = Rate(20000, 10.0)  # per site key: 2,000/s, bursts of 20,000
    flood_author: Rate | None = Rate(10, 60.0)
    flood_address: Rate | None = Rate(30, 60.0)  # per client address (envelope.ip)
    flood_mode: FloodMode = "reject"
    duplicate_burst: DuplicateBurst | None = DuplicateBurst(4, 3, 600.0)

    @classmethod
    def from_env(cls, env: _Env) -> SiteSettings:
        """The site settings named by ``env`` (defaults for anything unset)."""
        d = cls()
        return cls(
            edit_window_seconds=env.get(
                "EDIT_WINDOW_SECONDS", _non_negative_float, d.edit_window_seconds
            ),
            erase_deleted=env.get("ERASE_DELETED", _bool, d.erase_deleted),
            deleted_retention_days=env.get(
                "DELETED_RETENTION_DAYS", _positive_float, d.deleted_retention_days
            ),
            rejected_retention_days=env.get(
                "REJECTED_RETENTION_DAYS", _optional(_positive_float), d.rejected_retention_days
            ),
            flood_key=env.get("FLOOD_KEY", _optional(parse_rate), d.flood_key),
            flood_author=env.get("FLOOD_AUTHOR", _optional(parse_rate), d.flood_author),
            flood_address=env.get("FLOOD_ADDRESS", _optional(parse_rate), d.flood_address),
            flood_mode=env.get("FLOOD_MODE", _flood_mode, d.flood_mode),
            duplicate_burst=env.get(
                "DUPLICATE_BURST", _optional(parse_duplicate_burst), d.duplicate_burst
            ),
        )


SITE_SETTING_NAMES = frozenset(
    {
        "EDIT_WINDOW_SECONDS",
        "ERASE_DELETED",
        "DELETED_RETENTION_DAYS",
        "REJECTED_RETENTION_DAYS",
        "FLOOD_KEY",
        "FLOOD_AUTHOR",
        "FLOOD_ADDRESS",
        "FLOOD_MODE",
        "DUPLICATE_BURST",
    }
)


@dataclasses.dataclass(frozen=True)
class SiteTable:
    """The default site settings and each site's own."""

    default: SiteSettings = dataclasses.field(default_factory=SiteSettings)
    overrides: Mapping[str, SiteSettings] = dataclasses.field(default_factory=dict)

    @classmethod
    def from_env(cls, env: _Env, environ: Mapping[str, str]) -> SiteTable:
        """Defaults from ``COMMENTDESK_<NAME>``, overrides from ``COMMENTDESK_SITE_SETTINGS``."""
        empty: dict[str, SiteSettings] = {}
        overrides = env.get("SITE_SETTINGS", lambda raw: _site_overrides(raw, environ), empty)
        return cls(default=SiteSettings.from_env(env), overrides=overrides)


def _site_overrides(raw: str, environ: Mapping[str, str]) -> dict[str, SiteSettings]:
    """``{"site": {"NAME": value, ...}, ...}``: each site's values parsed like the defaults."""
    try:
        table = json.loads(raw)
    except ValueError as exc:
        raise ValueError(f"not JSON: {exc}") from exc
    if not isinstance(table, dict):
        raise ValueError('expected a JSON object {"site": {"NAME": value}}')
    sites: dict[str, SiteSettings] = {}
    for site, values in table.items():
        if not isinstance(values, dict):
            raise ValueError(f"site {site!r}: expected an object of settings")
        unknown = set(values) - SITE_SETTING_NAMES
        if unknown:
            raise ValueError(
                f"site {site!r}: unknown setting(s) {sorted(unknown)}; "
                f"known: {sorted(SITE_SETTING_NAMES)}"
            )
        merged = {**environ, **{PREFIX + name: str(v) for name, v in values.items()}}
        try:
            sites[str(site)] = SiteSettings.from_env(_Env(merged))
        except SettingsError as exc:
            raise ValueError(f"site {site!r}: {exc.detail}") from exc
    return sites


def _optional(parse: Callable[[str], T]) -> Callable[[str], T | None]:
    def parse_or_off(raw: str) -> T | None:
        return None if raw.strip().lower() == "off" else parse(raw)

    return parse_or_off


def _bool(raw: str) -> bool:
    value = _auto_bool(raw)
    if value is None:
        raise ValueError("must be true or false")
    return value


def _flood_mode(raw: str) -> FloodMode:
    if raw == "reject":
        return "reject"
    if raw == "hold":
        return "hold"
    raise ValueError("must be reject (429) or hold (accept, hold for review)")


def parse_rate(raw: str) -> Rate:
    """``COUNT/SECONDS``, e.g. ``10/60``: ten at once, refilled at ten per minute."""
    count, sep, seconds = raw.partition("/")
    if not sep:
        raise ValueError("expected COUNT/SECONDS, e.g. 10/60, or off")
    return Rate(_positive_int(count.strip()), _positive_float(seconds.strip()))


def parse_duplicate_burst(raw: str) -> DuplicateBurst:
    """``COMMENTS:AUTHORS:SECONDS``, e.g. ``3:2:600``."""
    parts = raw.split(":")
    if len(parts) != 3:
        raise ValueError("expected COMMENTS:AUTHORS:SECONDS, e.g. 3:2:600, or off")
    comments, authors = _positive_int(parts[0]), _positive_int(parts[1])
    if comments < 2 or authors > comments:
        raise ValueError("needs at least 2 comments and no more authors than comments")
    return DuplicateBurst(comments, authors, _positive_float(parts[2]))


def parse_networks(raw: str) -> tuple[IpNetwork, ...]:
    """Comma-separated CIDR networks, e.g. ``127.0.0.1/32,10.0.0.0/8``."""
    try:
        return tuple(
            ipaddress.ip_network(part.strip(), strict=False)
            for part in raw.split(",")
            if part.strip()
        )
    except ValueError as exc:
        raise ValueError(f"expected CIDR networks, e.g. 10.0.0.0/8: {exc}") from exc
