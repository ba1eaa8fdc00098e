from __future__ import annotations

from pathlib import Path

import pytest

from service.errors import SettingsError
from service.settings import LabelThreshold, Settings, parse_thresholds


def test_settings_defaults_use_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    settings = Settings.from_env({"COMMENTDESK_DATA_DIR": str(tmp_path)})
    assert settings.effective_database_url == f"sqlite:///{tmp_path.resolve()}/commentdesk.db"
    assert settings.redis_url is None


def test_settings_reads_conventional_urls() -> None:
    settings = Settings.from_env(
        {"DATABASE_URL": "postgresql://db/x", "REDIS_URL": "redis://r:6379/0"}
    )
    assert settings.effective_database_url == "postgresql://db/x"
    assert settings.redis_url == "redis://r:6379/0"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("COMMENTDESK_PORT", "eighty"),
        ("COMMENTDESK_PORT", "70000"),
        ("COMMENTDESK_WORKERS", "0"),
        ("COMMENTDESK_SWEEP_AFTER_SECONDS", "-1"),
        ("COMMENTDESK_LOG_LEVEL", "LOUD"),
        ("COMMENTDESK_HOLD_RULES", "links,astrology"),
        ("COMMENTDESK_THRESHOLDS", "spam=1.5:0.99"),
        ("COMMENTDESK_THRESHOLDS", "spam=0.9:0.5"),
        ("COMMENTDESK_THRESHOLDS", "spma=0.5:0.9"),
        ("COMMENTDESK_WORKER_NICE", "20"),
        ("COMMENTDESK_WORKER_NICE", "-5"),
        ("COMMENTDESK_COOKIE_SECURE", "maybe"),
        ("COMMENTDESK_CLAIM_TTL_SECONDS", "0"),
    ],
)
def test_settings_bad_value_names_variable_and_value(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({name: value})
    assert name in str(raised.value)
    assert repr(value) in str(raised.value)


def test_parse_thresholds_overrides_only_named_labels() -> None:
    thresholds = parse_thresholds("toxic=0.6:0.97, spam=0.4:off")
    assert thresholds["toxic"] == LabelThreshold(withhold=0.6, reject=0.97)
    assert thresholds["spam"] == LabelThreshold(withhold=0.4, reject=None)


def test_settings_hold_rules_parse_a_list() -> None:
    settings = Settings.from_env({"COMMENTDESK_HOLD_RULES": "links, new_author"})
    assert settings.hold_rules == frozenset({"links", "new_author"})


def test_settings_hold_rules_none_turns_all_rules_off() -> None:
    assert Settings.from_env({"COMMENTDESK_HOLD_RULES": "none"}).hold_rules == frozenset()


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [
        ("model", None),
        ("en, DE", frozenset({"en", "de"})),
        ("any", frozenset({"*"})),
    ],
)
def test_settings_supported_languages_parse(raw: str, parsed: frozenset[str] | None) -> None:
    settings = Settings.from_env({"COMMENTDESK_SUPPORTED_LANGUAGES": raw})
    assert settings.supported_languages == parsed


def test_settings_supported_languages_default_to_the_model() -> None:
    assert Settings.from_env({}).supported_languages is None


@pytest.mark.parametrize("raw", ["en,english", " , "])
def test_settings_supported_languages_refuse_what_is_not_a_code(raw: str) -> None:
    with pytest.raises(SettingsError, match=r"COMMENTDESK_SUPPORTED_LANGUAGES=.*codes such as"):
        Settings.from_env({"COMMENTDESK_SUPPORTED_LANGUAGES": raw})


def test_settings_workspace_and_priority_values_parse() -> None:
    settings = Settings.from_env(
        {
            "COMMENTDESK_WORKER_NICE": "0",
            "COMMENTDESK_COOKIE_SECURE": "true",
            "COMMENTDESK_UNDO_WINDOW_SECONDS": "0",
            "COMMENTDESK_SESSION_TTL_SECONDS": "60",
        }
    )
    assert settings.worker_nice == 0
    assert settings.cookie_secure is True
    assert settings.undo_window_seconds == 0.0
    assert settings.session_ttl_seconds == 60.0
    assert Settings.from_env({"COMMENTDESK_COOKIE_SECURE": "auto"}).cookie_secure is None
    assert Settings().worker_nice == 10
