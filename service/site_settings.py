"""What may differ between sites: edits, deletion, retention and flood control (issue 11).

Defaults come from ``COMMENTDESK_<NAME>``; a site's own values from ``COMMENTDESK_SITE_SETTINGS``,
with the same names and value syntax.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any, Literal

from service.domain.authors import RecentHistory
from service.errors import SettingsError
from service.setting_parsers import (
    boolean,
    non_negative_float,
    positive_float,
    positive_int,
    share,
)
from service.setting_spec import (
    PREFIX,
    Setting,
    documented,
    optional_setting,
    section,
    setting,
    settings_of,
    values_from_env,
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


def parse_rate(raw: str) -> Rate:
    """``COUNT/SECONDS``, e.g. ``10/60``: ten at once, refilled at ten per minute."""
    count, sep, seconds = raw.partition("/")
    if not sep:
        raise ValueError("expected COUNT/SECONDS, e.g. 10/60, or off")
    return Rate(positive_int(count.strip()), positive_float(seconds.strip()))


def parse_duplicate_burst(raw: str) -> DuplicateBurst:
    """``COMMENTS:AUTHORS:SECONDS``, e.g. ``3:2:600``."""
    parts = raw.split(":")
    if len(parts) != 3:
        raise ValueError("expected COMMENTS:AUTHORS:SECONDS, e.g. 3:2:600, or off")
    comments, authors = positive_int(parts[0]), positive_int(parts[1])
    if comments < 2 or authors > comments:
        raise ValueError("needs at least 2 comments and no more authors than comments")
    return DuplicateBurst(comments, authors, positive_float(parts[2]))


@dataclasses.dataclass(frozen=True)
class RecentRejections:
    """The recent-history trigger: hold an author's comments while, among their latest ``last``
    decided comments posted within ``seconds``, at least ``min_decided`` were decided and a share
    of at least ``share`` rejected (or spam)."""

    share: float
    min_decided: int
    last: int
    seconds: float

    def is_tripped(self, recent: RecentHistory | None) -> bool:
        """Whether an author's recent history (None: not read) trips the trigger."""
        if recent is None or recent.decided < self.min_decided:
            return False
        return recent.rejected >= self.share * recent.decided


def parse_recent_rejections(raw: str) -> RecentRejections:
    """``SHARE:MIN_DECIDED:LAST:SECONDS``, e.g. ``0.5:3:10:604800``."""
    parts = raw.split(":")
    if len(parts) != 4:
        raise ValueError("expected SHARE:MIN_DECIDED:LAST:SECONDS, e.g. 0.5:3:10:604800, or off")
    rule = RecentRejections(
        share(parts[0]), positive_int(parts[1]), positive_int(parts[2]), positive_float(parts[3])
    )
    if rule.last < rule.min_decided:
        raise ValueError("LAST must be at least MIN_DECIDED")
    return rule


def _comment_count(raw: str) -> int:
    value = int(raw)
    if value < 0:
        raise ValueError("must be a whole number of comments, 0 or more")
    return value


def _flood_mode(raw: str) -> FloodMode:
    if raw == "reject":
        return "reject"
    if raw == "hold":
        return "hold"
    raise ValueError("must be reject (429) or hold (accept, hold for review)")


def _rate_doc(whose: str) -> str:
    return (
        f"token bucket per {whose}: `COUNT/SECONDS`, COUNT at once, refilled at COUNT per "
        "SECONDS; `off` disables it."
    )


def _shown_rate(rate: Rate) -> str:
    return f"`{rate.count}/{rate.seconds:g}`"


@dataclasses.dataclass(frozen=True)
class SiteSettings:
    """What may differ between sites."""

    edit_window_seconds: float = setting(
        "EDIT_WINDOW_SECONDS", 900.0, non_negative_float,
        "how long after submission a site may edit a comment; `0`: no edits.",
    )  # fmt: skip
    erase_deleted: bool = setting(
        "ERASE_DELETED", False, boolean,
        "erase a deleted comment's text at once instead of after the retention.",
    )  # fmt: skip
    deleted_retention_days: float = setting(
        "DELETED_RETENTION_DAYS", 30.0, positive_float,
        "how long a deleted comment's text is kept.",
    )  # fmt: skip
    rejected_retention_days: float | None = optional_setting(
        "REJECTED_RETENTION_DAYS", 90.0, positive_float,
        "how long rejected and spam comments' text is kept (`off`: forever); the decision stays.",
    )  # fmt: skip
    flood_key: Rate | None = optional_setting(
        "FLOOD_KEY", Rate(20000, 10.0), parse_rate,
        _rate_doc("site key (the default: 2,000/s, bursts of 20,000)"),
        shown=_shown_rate(Rate(20000, 10.0)),
    )  # fmt: skip
    flood_author: Rate | None = optional_setting(
        "FLOOD_AUTHOR", Rate(10, 60.0), parse_rate, _rate_doc("author"),
        shown=_shown_rate(Rate(10, 60.0)),
    )  # fmt: skip
    flood_address: Rate | None = optional_setting(
        "FLOOD_ADDRESS", Rate(30, 60.0), parse_rate,
        _rate_doc("client address (`envelope.ip`)"), shown=_shown_rate(Rate(30, 60.0)),
    )  # fmt: skip
    flood_mode: FloodMode = setting(
        "FLOOD_MODE", "reject", _flood_mode,
        "over a limit: `reject` (429 + Retry-After) or `hold` (accept, hold for review with "
        "reason `flood`).",
    )  # fmt: skip
    duplicate_burst: DuplicateBurst | None = optional_setting(
        "DUPLICATE_BURST", DuplicateBurst(4, 3, 600.0), parse_duplicate_burst,
        "`COMMENTS:AUTHORS:SECONDS`: that many near-identical comments (8 words or more) by that "
        "many authors within the window are held as a group (published ones leave the site); "
        "`off` disables it.",
        shown="`4:3:600`",
    )  # fmt: skip
    first_comments_held: int = setting(
        "FIRST_COMMENTS_HELD", 0, _comment_count,
        "hold each author's first this many comments on the site for a moderator (reason "
        "`first_comments`); `0`: off.",
    )  # fmt: skip
    recent_rejections: RecentRejections | None = optional_setting(
        "RECENT_REJECTIONS", None, parse_recent_rejections,
        "`SHARE:MIN_DECIDED:LAST:SECONDS`: hold an author's comments (reason "
        "`recent_rejections`) while, among their latest LAST decided comments posted within "
        "SECONDS, at least MIN_DECIDED were decided and at least SHARE of them rejected or spam; "
        "the hold lifts as those comments age out of the window or approvals dilute them. "
        "E.g. `0.5:3:10:604800`; `off` disables it.",
        shown="`off`",
    )  # fmt: skip

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> SiteSettings:
        """The site settings named by ``environ`` (defaults for anything unset)."""
        return cls(**values_from_env(cls, environ))


SITE_SETTING_NAMES = frozenset(
    variable.removeprefix(PREFIX)
    for spec, _, _ in settings_of(SiteSettings)
    for variable in spec.variables
)


def _site_values(raw: str) -> dict[str, dict[str, str]]:
    """``{"site": {"NAME": value, ...}, ...}``, checked for shape and names (not values)."""
    try:
        table = json.loads(raw)
    except ValueError as exc:
        raise ValueError(f"not JSON: {exc}") from exc
    if not isinstance(table, dict):
        raise ValueError('expected a JSON object {"site": {"NAME": value}}')
    return {str(site): _named_values(site, values) for site, values in table.items()}


def _named_values(site: str, values: Any) -> dict[str, str]:
    if not isinstance(values, dict):
        raise ValueError(f"site {site!r}: expected an object of settings")
    unknown = set(values) - SITE_SETTING_NAMES
    if unknown:
        raise ValueError(
            f"site {site!r}: unknown setting(s) {sorted(unknown)}; "
            f"known: {sorted(SITE_SETTING_NAMES)}"
        )
    return {name: str(value) for name, value in values.items()}


SITE_SETTINGS: Setting[dict[str, dict[str, str]]] = Setting(
    (PREFIX + "SITE_SETTINGS",),
    _site_values,
    'per-site values of the settings marked "Per site", as JSON keyed by site id with the '
    'names after `COMMENTDESK_`: `{"news-a": {"FLOOD_MODE": "hold", "EDIT_WINDOW_SECONDS": 300}}`'
    "; a bad value stops the process naming the site and the setting.",
)


@dataclasses.dataclass(frozen=True)
class SiteTable:
    """The default site settings and each site's own."""

    default: SiteSettings = section(SiteSettings, SiteSettings.from_env, note="Per site.")
    overrides: Mapping[str, SiteSettings] = documented(SITE_SETTINGS, dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> SiteTable:
        """Defaults from ``COMMENTDESK_<NAME>``, overrides from ``COMMENTDESK_SITE_SETTINGS``.

        A site's values are read like the defaults, over the same environment.
        """
        overrides: dict[str, SiteSettings] = {}
        for site, values in SITE_SETTINGS.read(environ, {}).items():
            merged = {**environ, **{PREFIX + name: value for name, value in values.items()}}
            try:
                overrides[site] = SiteSettings.from_env(merged)
            except SettingsError as exc:
                variable = SITE_SETTINGS.variables[0]
                raise SITE_SETTINGS.invalid(
                    variable, environ[variable], f"site {site!r}: {exc.detail}"
                ) from exc
        return cls(default=SiteSettings.from_env(environ), overrides=overrides)
