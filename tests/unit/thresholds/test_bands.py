"""Target syntax, site overrides and the precedence of bands."""

from __future__ import annotations

import re

import pytest

from service.errors import SettingsError
from service.settings import DEFAULT_THRESHOLDS, LabelThreshold, Settings, parse_site_thresholds
from service.thresholds import Target, effective_thresholds, parse_target


def test_parse_target() -> None:
    assert parse_target("spam:reject:precision=0.99") == Target("spam", "reject", "precision", 0.99)
    assert parse_target(" toxic:withhold:recall=0.95 ") == Target(
        "toxic", "withhold", "recall", 0.95
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("spam:reject", "expected label:band:metric=value"),
        ("spam=0.9", "expected label:band:metric=value"),
        ("spamm:reject:precision=0.99", "unknown label 'spamm'"),
        ("spam:block:precision=0.99", "band must be one of"),
        ("spam:reject:accuracy=0.99", "metric must be one of"),
        ("spam:reject:precision=high", "not a number"),
        ("spam:reject:precision=1.5", "must be in (0, 1]"),
    ],
)
def test_parse_target_rejects_bad_input_plainly(raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_target(raw)


def test_site_thresholds_keep_only_named_labels() -> None:
    sites = parse_site_thresholds("news-a:spam=0.4:0.95,toxic=0.6:off;news-b:toxic=0.7:off")
    assert sites == {
        "news-a": {
            "spam": LabelThreshold(withhold=0.4, reject=0.95),
            "toxic": LabelThreshold(withhold=0.6, reject=None),
        },
        "news-b": {"toxic": LabelThreshold(withhold=0.7, reject=None)},
    }


def test_site_thresholds_from_env() -> None:
    settings = Settings.from_env({"COMMENTDESK_SITE_THRESHOLDS": "news-b:toxic=0.7:off"})
    assert settings.site_thresholds == {"news-b": {"toxic": LabelThreshold(0.7, None)}}
    assert Settings.from_env({}).site_thresholds == {}


@pytest.mark.parametrize(
    "value",
    ["news-a", "news-a:", "news-a:spamm=0.4", "news-a:spam=2", "a:spam=0.5;a:toxic=0.5"],
)
def test_bad_site_thresholds_name_variable_and_value(value: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"COMMENTDESK_SITE_THRESHOLDS": value})
    assert "COMMENTDESK_SITE_THRESHOLDS" in str(raised.value)
    assert repr(value) in str(raised.value)


def test_precedence_site_over_version_over_default() -> None:
    stored = {"spam": {"withhold": 0.3, "targets": {"withhold": "recall=0.95"}}}
    site = {"toxic": LabelThreshold(0.8, None)}

    bands = effective_thresholds(DEFAULT_THRESHOLDS, stored, site)

    assert bands["spam"] == LabelThreshold(0.3, DEFAULT_THRESHOLDS["spam"].reject)  # field-wise
    assert bands["toxic"] == LabelThreshold(0.8, None)
    assert effective_thresholds(DEFAULT_THRESHOLDS, stored, {"spam": LabelThreshold(0.9, None)})[
        "spam"
    ] == LabelThreshold(0.9, None)


def test_stored_reject_null_turns_auto_reject_off_and_junk_is_ignored() -> None:
    bands = effective_thresholds(
        DEFAULT_THRESHOLDS, {"spam": {"reject": None}, "toxic": {"withhold": "x", "reject": 7}}
    )
    assert bands["spam"] == LabelThreshold(DEFAULT_THRESHOLDS["spam"].withhold, None)
    assert bands["toxic"] == DEFAULT_THRESHOLDS["toxic"]
