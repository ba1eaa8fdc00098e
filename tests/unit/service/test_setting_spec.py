from __future__ import annotations

import dataclasses
import json

import pytest

from service.errors import SettingsError
from service.setting_spec import Setting, markdown_table, setting, undeclared_fields
from service.settings import Settings
from service.site_settings import Rate, SiteSettings, SiteTable
from service.webhook_settings import WebhookSettings


@pytest.mark.parametrize("settings_class", [Settings, WebhookSettings, SiteSettings, SiteTable])
def test_every_settings_field_is_declared(settings_class: type) -> None:
    assert undeclared_fields(settings_class) == []


def test_setting_reads_the_first_variable_set_and_treats_empty_as_unset() -> None:
    spec = Setting(("A", "B"), int, "")
    assert spec.read({"A": "1", "B": "2"}, 0) == 1
    assert spec.read({"A": "", "B": "2"}, 0) == 2
    assert spec.read({}, 7) == 7


def test_setting_error_names_the_variable_that_was_read() -> None:
    with pytest.raises(SettingsError, match=r"^B='x' is invalid: invalid literal"):
        Setting(("A", "B"), int, "").read({"B": "x"}, 0)


def test_dict_defaults_are_not_shared_between_instances() -> None:
    @dataclasses.dataclass(frozen=True)
    class Holder:
        table: dict[str, int] = setting("TABLE", {"a": 1}, json.loads, "a table")

    first, second = Holder(), Holder()
    first.table["b"] = 2
    assert second.table == {"a": 1}


def test_settings_database_url_prefers_the_conventional_variable() -> None:
    environ = {"DATABASE_URL": "postgresql://a/x", "COMMENTDESK_DATABASE_URL": "postgresql://b/y"}
    assert Settings.from_env(environ).database_url == "postgresql://a/x"
    del environ["DATABASE_URL"]
    assert Settings.from_env(environ).database_url == "postgresql://b/y"


def test_settings_bad_redis_url_error_hides_the_password() -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"COMMENTDESK_REDIS_URL": "redis+sentinel://:hunter2@/svc"})
    assert "COMMENTDESK_REDIS_URL=" in str(raised.value)
    assert "hunter2" not in str(raised.value)


def test_settings_metrics_dir_reads_the_prometheus_variable() -> None:
    assert Settings.from_env({}).metrics_dir is None
    settings = Settings.from_env({"PROMETHEUS_MULTIPROC_DIR": "/tmp/m"})  # noqa: S108
    assert str(settings.metrics_dir) == "/tmp/m"  # noqa: S108


def test_site_settings_override_only_what_they_name() -> None:
    environ = {
        "COMMENTDESK_FLOOD_MODE": "hold",
        "COMMENTDESK_SITE_SETTINGS": json.dumps(
            {"news-a": {"FLOOD_AUTHOR": "off", "EDIT_WINDOW_SECONDS": 300}}
        ),
    }
    settings = Settings.from_env(environ)
    site = settings.site("news-a")
    assert (site.flood_author, site.edit_window_seconds, site.flood_mode) == (None, 300.0, "hold")
    assert settings.site("news-b").flood_author == Rate(10, 60.0)


def test_site_settings_bad_value_names_both_variables_and_the_site() -> None:
    raw = json.dumps({"news-a": {"FLOOD_MODE": "drop"}})
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"COMMENTDESK_SITE_SETTINGS": raw})
    assert str(raised.value) == (
        f"COMMENTDESK_SITE_SETTINGS={raw!r} is invalid: site 'news-a': "
        "COMMENTDESK_FLOOD_MODE='drop' is invalid: must be reject (429) or hold (accept, hold "
        "for review)"
    )


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("[1]", "expected a JSON object"),
        ('{"news-a": 3}', "site 'news-a': expected an object of settings"),
        ('{"news-a": {"PORT": 1}}', "site 'news-a': unknown setting(s) ['PORT']"),
        ("{", "not JSON"),
    ],
)
def test_site_settings_refuse_bad_shapes(raw: str, reason: str) -> None:
    with pytest.raises(SettingsError, match="COMMENTDESK_SITE_SETTINGS=") as raised:
        Settings.from_env({"COMMENTDESK_SITE_SETTINGS": raw})
    assert reason in str(raised.value)


def test_markdown_table_has_one_row_per_variable_with_the_default_shown() -> None:
    rows = markdown_table(Settings).splitlines()[2:]
    assert len(rows) == len({row.split(" | ")[0] for row in rows})
    assert "| `COMMENTDESK_PORT` | `8000` | API port. |" in rows
    assert any(row.startswith("| `COMMENTDESK_FLOOD_MODE` | `reject` |") for row in rows)
    assert all(
        row.endswith("Per site. |") for row in rows if row.startswith("| `COMMENTDESK_FLOOD")
    )
