"""Process settings, read once from the environment and passed down explicitly.

Each setting is declared once, as a field with its variable, default, parser (which holds its
bounds) and description (``service.setting_spec``): reading, error messages and the settings
table of docs/operations.md all come from those declarations. A bad value fails at start with a
message that names the variable and the value it had.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from pathlib import Path

from service import setting_parsers as parse
from service.domain.labels import LABELS
from service.redis_url import check_redis_url, redacted
from service.setting_spec import markdown_table, section, setting, values_from_env
from service.site_settings import SiteSettings, SiteTable
from service.webhook_settings import WebhookSettings


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


KNOWN_RULES = frozenset({"links", "contact_details", "repeat_post", "new_author"})
KNOWN_LABELS = frozenset(LABELS)


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


# COMMENTDESK_SUPPORTED_LANGUAGES=any: the language phase never holds.
ANY_LANGUAGE = "*"
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")


def parse_languages(raw: str) -> frozenset[str] | None:
    """``model`` (None: the deciding model version's), ``any``, or ISO 639 codes, e.g. ``en,de``."""
    value = raw.strip().lower()
    if value in {"", "model"}:
        return None
    if value in {"any", ANY_LANGUAGE}:
        return frozenset({ANY_LANGUAGE})
    codes = frozenset(part.strip() for part in value.split(",") if part.strip())
    bad = sorted(code for code in codes if not _LANGUAGE_CODE.fullmatch(code))
    if bad or not codes:
        found = f"{bad} are not ISO 639 codes" if bad else "no language is named"
        raise ValueError(f"{found}; expected model, any, or codes such as en,de")
    return codes


def parse_words(raw: str) -> frozenset[str]:
    """Parse comma-separated words or phrases, compared case-insensitively."""
    words = frozenset(" ".join(part.split()).casefold() for part in raw.split(","))
    return words - {""}


def _redis_url(raw: str) -> str:
    """A server or Sentinel URL, checked so that a typo fails at start, not at the first enqueue."""
    check_redis_url(raw)
    return raw


@dataclasses.dataclass(frozen=True)
class Settings:
    """Everything a process needs to know about its environment."""

    database_url: str = setting(
        "DATABASE_URL", "", parse.text,
        "SQLAlchemy URL. `postgresql://…` is used with psycopg 3 (`postgresql+psycopg://…`). "
        "`COMMENTDESK_DATABASE_URL` is read if `DATABASE_URL` is unset.",
        variables=("DATABASE_URL", "COMMENTDESK_DATABASE_URL"),
        shown="SQLite at `<data dir>/commentdesk.db`",
    )  # fmt: skip
    redis_url: str | None = setting(
        "REDIS_URL", None, _redis_url,
        "Redis or Valkey URL, e.g. `redis://redis:6379/0` (`rediss://` for TLS, `unix://` for a "
        "socket), or its Sentinels: `redis+sentinel://[[user]:password@]s1:26379,s2:26379,s3/"
        "mymaster[/db][?sentinel_password=…&sentinel_username=…]` (port 26379 by default; "
        "`rediss+sentinel://` for TLS to the master; the user and password are the master's, the "
        "`sentinel_*` options the Sentinels' own). A malformed URL stops the process at start, "
        "its password shown as `***`. Workers refuse to start without it. An API process "
        "without it accepts comments but enqueues nothing (the sweeper picks them up once workers "
        "run) and `/readyz` fails. `commentdesk up` starts an embedded Valkey when it is unset. "
        "`COMMENTDESK_REDIS_URL` is read if `REDIS_URL` is unset.",
        variables=("REDIS_URL", "COMMENTDESK_REDIS_URL"),
        redact=redacted,
    )  # fmt: skip
    data_dir: Path = setting(
        "DATA_DIR", Path(".commentdesk"), Path,
        "the SQLite database, the embedded Valkey (`valkey/`) and its URL file. `/data` in the "
        "image.",
        shown="`.commentdesk` (relative to the working directory)",
    )  # fmt: skip
    host: str = setting(
        "HOST", "127.0.0.1", parse.text, "address the API binds to. `0.0.0.0` in the image."
    )  # fmt: skip
    port: int = setting("PORT", 8000, parse.port, "API port.")
    worker_count: int = setting(
        "WORKERS", 2, parse.positive_int,
        "worker processes `commentdesk up` starts (only `up` reads it). One worker on SQLite "
        "leaves decisions seconds behind at 1,000 comments/s (jobs queue behind the write lock); "
        "two keep them near 100 ms (docs/benchmarks.md).",
    )  # fmt: skip
    # Workers yield the CPU to the API on a shared host: moderation decisions can wait a few
    # milliseconds, a site waiting on its POST should not (0 keeps the inherited priority).
    worker_nice: int = setting(
        "WORKER_NICE", 10, parse.niceness,
        "niceness a worker process (`commentdesk worker`, and those `up` starts) gives itself at "
        "start, 0-19; 0 keeps the inherited priority. Workers share the host with the API on "
        "small machines: at 1,000 comments/s on 2 cores, POST p99 was 70 ms with workers at the "
        "API's priority and 39 ms at niceness 10, with decisions no slower (docs/benchmarks.md).",
    )  # fmt: skip
    max_body_bytes: int = setting(
        "MAX_BODY_BYTES", 64 * 1024, parse.positive_int,
        "largest request body; more is a 413, refused before it is read.",
    )  # fmt: skip
    # A slow or short request must not hold a connection (and a request slot) for ever.
    request_timeout_seconds: float = setting(
        "REQUEST_TIMEOUT_SECONDS", 10.0, parse.positive_float,
        "how long a client may take to send a request's headers (then `408` and the connection "
        "is closed, also for a connection that sends nothing), and then its body (`408 "
        "request-timeout`). uvicorn itself would wait for ever. Requests uvicorn cannot parse "
        "(e.g. `Content-Length: abc`) get a `400` problem+json.",
    )  # fmt: skip
    max_comment_chars: int = setting(
        "MAX_COMMENT_CHARS", 10_000, parse.positive_int,
        "longest comment body (after NFKC normalisation); more is a 422.",
    )  # fmt: skip
    default_page_size: int = setting(
        "DEFAULT_PAGE_SIZE", 50, parse.positive_int,
        "page size when a listing's `limit` is not given.",
    )  # fmt: skip
    max_page_size: int = setting(
        "MAX_PAGE_SIZE", 200, parse.positive_int, "largest `limit` a listing accepts."
    )  # fmt: skip
    # Public labelled datasets retraining may add to the site's own decisions; None: retrain on
    # the site's decisions alone, as a fresh install does.
    training_data: Path | None = setting(
        "TRAINING_DATA", None, Path,
        "a folder of public labelled datasets (`*/normalized.csv`); when set, retraining also "
        "retrains the prior on them plus the domain examples. Unset: retraining learns the "
        "site's decisions on top of the champion's prior, as on a fresh install.",
    )  # fmt: skip
    target_hold_recall: float = setting(
        "TARGET_HOLD_RECALL", DEFAULT_HOLD_RECALL, parse.share,
        "a retrained version's `withhold` band holds this share of the comments moderators "
        "rejected for the label ...",
    )  # fmt: skip
    target_max_approved_held: float = setting(
        "TARGET_MAX_APPROVED_HELD", DEFAULT_MAX_APPROVED_HELD, parse.share,
        "... but holds at most this share of the comments moderators approved (this cap wins).",
    )  # fmt: skip
    target_reject_precision: float = setting(
        "TARGET_REJECT_PRECISION", DEFAULT_REJECT_PRECISION, parse.share,
        "a retrained version's `reject` band: the lowest score at which this share of "
        "evidence-backed comments were rejected by moderators.",
    )  # fmt: skip
    # A labels file uploaded for training: read in chunks, stored whole.
    max_upload_bytes: int = setting(
        "MAX_UPLOAD_BYTES", 64 * 1024 * 1024, parse.positive_int,
        "largest labels file `POST /v1/models/uploads` takes (64 MiB); more is a 413.",
    )  # fmt: skip
    link_allowlist: frozenset[str] = setting(
        "LINK_ALLOWLIST", DEFAULT_LINK_ALLOWLIST, parse_domains,
        "comma-separated hosts; a link to one of them or a subdomain is a citation: it does not "
        "trigger the `links` rule or back an automatic spam rejection. Replaces the default "
        "list; `none` empties it.",
        shown="regulators, exchanges, major outlets, reference sites (`service/settings.py`: "
        "`sec.gov`, `federalreserve.gov`, `coinbase.com`, `reuters.com`, `wikipedia.org`, …)",
    )  # fmt: skip
    site_link_allowlists: Mapping[str, frozenset[str]] = setting(
        "SITE_LINK_ALLOWLIST", {}, parse_site_domains,
        "hosts a site allows on top of the global list: `site:host,host;site:host`.",
    )  # fmt: skip
    banned_words: frozenset[str] = setting(
        "BANNED_WORDS", frozenset(), parse_words,
        "comma-separated words or phrases (whole words, any case); one in a comment backs an "
        "automatic rejection for a toxicity label over its reject band. Without a list, "
        "toxicity is never rejected automatically, only held.",
    )  # fmt: skip
    watched_words_budget_seconds: float = setting(
        "WATCHED_WORDS_BUDGET_MS", 0.05, parse.positive_milliseconds,
        "milliseconds the watched-word check may take per comment (a news-length comment takes "
        "about 0.1 ms of CPU, a 10,000-character one with a match about 6); a comment whose "
        "check does not finish in time is held with reason `watched_words_timeout`.",
        shown="`50`",
    )  # fmt: skip
    sweep_after_seconds: float = setting(
        "SWEEP_AFTER_SECONDS", 30.0, parse.positive_float,
        "a comment still `pending` this long after it was accepted is re-enqueued by the "
        "sweeper.",
    )  # fmt: skip
    sweep_interval_seconds: float = setting(
        "SWEEP_INTERVAL_SECONDS", 10.0, parse.positive_float,
        "how often one worker (across all hosts) sweeps. A sweep is skipped while classify jobs "
        "are waiting (workers are behind, not broken); the envelope purge runs at most once an "
        "hour.",
    )  # fmt: skip
    classify_batch_max: int = setting(
        "CLASSIFY_BATCH_MAX", 500, parse.positive_int, "most comment ids in one classify job."
    )  # fmt: skip
    intake_batch_max: int = setting(
        "INTAKE_BATCH_MAX", 256, parse.positive_int,
        "most submissions one API process writes in one transaction.",
    )  # fmt: skip
    enqueue_linger_seconds: float = setting(
        "ENQUEUE_LINGER_MS", 0.15, parse.milliseconds,
        "how long the API gathers committed comment ids before enqueueing them as one job. "
        "Longer means bigger, cheaper jobs and later decisions; at 1,000 comments/s the default "
        "gives about 150 comments a job. `0` enqueues at once.",
        shown="`150`",
    )  # fmt: skip
    thresholds: Mapping[str, LabelThreshold] = setting(
        "THRESHOLDS", DEFAULT_THRESHOLDS, parse_thresholds,
        "per label `withhold:reject`. A score ≥ withhold holds the comment for review; ≥ reject "
        "rejects it automatically (status `spam` for the `spam` label, `rejected` for others). "
        "`off` or nothing after the colon: never reject automatically. Labels you list replace "
        "their defaults; others keep them. Set reject thresholds from measured precision.",
        shown="`spam=0.5:0.99,toxic=0.5:off`",
    )  # fmt: skip
    # Per-site bands that win over the model version's and the defaults (only the labels named).
    site_thresholds: Mapping[str, Mapping[str, LabelThreshold]] = setting(
        "SITE_THRESHOLDS", {}, parse_site_thresholds,
        "per-site bands that win over the model version's stored bands and "
        "`COMMENTDESK_THRESHOLDS`, for the labels named: `site:label=withhold:reject,...;"
        "site:...`, e.g. `news-a:spam=0.4:0.95,toxic=0.6:off;news-b:toxic=0.7:off`. The site id "
        "is the site key's name.",
    )  # fmt: skip
    # A scam hidden in a long, otherwise ordinary comment barely moves a whole-text score; its
    # way to be contacted or paid (contact_details) holds it for a human anyway.
    hold_rules: frozenset[str] = setting(
        "HOLD_RULES", frozenset({"links", "contact_details", "repeat_post", "new_author"}),
        _rule_set,
        "rules that hold a comment for review when they fire (comma-separated; known: `links` "
        "(a link to a host not on the allowlist), `contact_details` (a phone number, e-mail "
        "address, messaging app or wallet address), `repeat_post`, `new_author`; `none` turns "
        "every rule off).",
        shown="`links,contact_details,repeat_post,new_author`",
    )  # fmt: skip
    new_author_days: float = setting(
        "NEW_AUTHOR_DAYS", 2.0, parse.non_negative_float,
        "`new_author` fires when the site sent `account_age_days` below this.",
    )  # fmt: skip
    repeat_window_seconds: float = setting(
        "REPEAT_WINDOW_SECONDS", 3600.0, parse.positive_float,
        "`repeat_post` fires when the same author posted the same body (ignoring case and "
        "spacing) on the same site within this window.",
    )  # fmt: skip
    supported_languages: frozenset[str] | None = setting(
        "SUPPORTED_LANGUAGES", None, parse_languages,
        "languages the model may judge (ISO 639 codes, comma-separated, e.g. `en,de`); a "
        "comment confidently identified as another language is held with "
        "`unsupported_language`. `model`: the languages the deciding model version declares "
        "(the shipped one: `en`); `any`: never hold for language.",
        shown="`model`",
    )  # fmt: skip
    report_threshold: int = setting(
        "REPORT_THRESHOLD", 3, parse.positive_int,
        "the weight of open reports that moves an approved comment to `reported`; a reader no "
        "moderator has judged weighs 1 (so by default three new readers), one whose reports "
        "were upheld more, one whose reports were dismissed less (docs/api.md, reports).",
    )  # fmt: skip
    claim_ttl_seconds: float = setting(
        "CLAIM_TTL_SECONDS", 180.0, parse.positive_float,
        "how long a moderator's claim on a card lasts unless renewed (the workspace renews it "
        "while the card is open). Claims are Redis keys `claim:<comment_id>`; they are advisory, "
        "so a lost claim never loses a decision.",
    )  # fmt: skip
    undo_window_seconds: float = setting(
        "UNDO_WINDOW_SECONDS", 30.0, parse.non_negative_float,
        "how long a moderator may undo their own decision or bulk action. `0` turns undo off.",
    )  # fmt: skip
    login_max_failures: int = setting(
        "LOGIN_MAX_FAILURES", 10, parse.positive_int,
        "failed sign-ins per username within the window before the form refuses (per address: "
        "5x)",
    )  # fmt: skip
    login_window_seconds: float = setting(
        "LOGIN_WINDOW_SECONDS", 900.0, parse.positive_float,
        "the window of that count, and how long a refusal lasts",
    )  # fmt: skip
    session_ttl_seconds: float = setting(
        "SESSION_TTL_SECONDS", 8 * 3600.0, parse.positive_float,
        "how long a browser sign-in lasts (8 h: one shift). Not renewed by activity; expired "
        "sessions are refused and deleted at the next sign-in.",
    )  # fmt: skip
    cookie_secure: bool | None = setting(
        "COOKIE_SECURE", None, parse.auto_bool,
        "`Secure` on the session cookies: `auto` follows the request scheme (https → Secure), "
        "`true`/`false` force it. Behind a TLS-terminating proxy set `true` (or run uvicorn "
        "with proxy headers trusted).",
        shown="`auto`",
    )  # fmt: skip
    forwarded_allow_ips: str = setting(
        "FORWARDED_ALLOW_IPS", "", parse.proxy_list,
        "proxies whose `X-Forwarded-For` / `X-Forwarded-Proto` the API believes: "
        "comma-separated addresses or networks (`10.0.0.5,10.1.0.0/16`), or `*`. Unset: none, "
        "not even 127.0.0.1, so a local process cannot pose as another address. Set it to your "
        "reverse proxy's address, or sign-in limits count the proxy as one client.",
    )  # fmt: skip
    key_cache_seconds: float = setting(
        "KEY_CACHE_SECONDS", 30.0, parse.non_negative_float,
        "how long an API process trusts a key it has looked up. A revocation is announced over "
        "Redis and drops the key from every process's cache at once; this is the revocation "
        "delay only while Redis is unreachable. `0` disables the cache.",
    )  # fmt: skip
    max_event_streams: int = setting(
        "MAX_EVENT_STREAMS", 1000, parse.positive_int,
        "open `GET /v1/events` streams one API process serves (all share one Redis "
        "subscription); one more gets `503 too-many-streams` with `Retry-After`.",
    )  # fmt: skip
    model_poll_seconds: float = setting(
        "MODEL_POLL_SECONDS", 5.0, parse.positive_float,
        "how often workers re-read the `champion` alias and swap models.",
    )  # fmt: skip
    envelope_retention_days: float = setting(
        "ENVELOPE_RETENTION_DAYS", 30.0, parse.positive_float,
        "how long the as-submitted envelope (IP, user agent, referrer, permalink) is kept.",
    )  # fmt: skip
    log_level: str = setting(
        "LOG_LEVEL", "INFO", parse.log_level, "`DEBUG`, `INFO`, `WARNING` or `ERROR`."
    )  # fmt: skip
    log_format: str = setting(
        "LOG_FORMAT", "text", parse.log_format,
        "`text`, or `json`: one JSON object per line (`time`, `level`, `logger`, `message`, "
        "`trace_id`, `process`, `exception`) for log shippers.",
    )  # fmt: skip
    metrics_dir: Path | None = setting(
        "PROMETHEUS_MULTIPROC_DIR", None, Path,
        "prometheus-client's own variable: a directory every API and worker process of a host "
        "writes its metric values to, so one `/metrics` adds them up. `commentdesk up` sets "
        "`<data dir>/metrics`. Unset: `/metrics` shows the answering process only. Empty it "
        "(`*.db`) when the processes restart together.",
        variables=("PROMETHEUS_MULTIPROC_DIR",),
    )  # fmt: skip
    # Webhooks, the change feed and retention (issue 11); per-site behaviour in ``sites``.
    webhooks: WebhookSettings = section(WebhookSettings, WebhookSettings.from_env)
    outbox_retention_days: float = setting(
        "OUTBOX_RETENTION_DAYS", 14.0, parse.positive_float,
        "how long events (and their delivery state) are kept: the change feed's horizon; older "
        "cursors get 410.",
    )  # fmt: skip
    sites: SiteTable = section(SiteTable, SiteTable.from_env)

    def site(self, site_id: str) -> SiteSettings:
        """The settings that apply to one site: its overrides, else the defaults."""
        return self.sites.overrides.get(site_id, self.sites.default)

    @property
    def longest_burst_window_seconds(self) -> float:
        """The longest near-duplicate window of any site (0 when every site has the rule off)."""
        sites = [self.sites.default, *self.sites.overrides.values()]
        return max((s.duplicate_burst.seconds for s in sites if s.duplicate_burst), default=0.0)

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
        """Build settings from ``COMMENTDESK_*``, ``DATABASE_URL``, ``REDIS_URL`` and
        ``PROMETHEUS_MULTIPROC_DIR``."""
        return cls(**values_from_env(cls, environ))


if __name__ == "__main__":  # python -m service.settings: the table of docs/operations.md
    print(markdown_table(Settings), end="")
