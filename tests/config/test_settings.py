from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import PROJECT_ROOT, SETTINGS, SettingsError, load_settings


def test_set001_defaults_use_a_sqlite_file_in_the_data_folder() -> None:
    settings = load_settings({})
    assert settings.port == 8050
    assert settings.host == "127.0.0.1"
    assert settings.sqlalchemy_url == f"sqlite:///{PROJECT_ROOT / 'data' / 'monitor.sqlite'}"


def test_set002_environment_overrides_defaults() -> None:
    settings = load_settings(
        {"DATABASE_URL": "postgresql+psycopg://u@h/db", "PORT": "9000", "DEBUG": "yes"}
    )
    assert settings.sqlalchemy_url == "postgresql+psycopg://u@h/db"
    assert settings.port == 9000
    assert settings.debug is True


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PORT": "八千"}, "PORT 的值 '八千' 不是整数"),
        ({"DEBUG": "maybe"}, "DEBUG 的值 'maybe' 不是布尔值"),
    ],
)
def test_set003_wrong_types_are_refused_naming_the_variable(env: dict, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings(env)


def test_set004_unknown_override_is_refused() -> None:
    with pytest.raises(SettingsError, match="未知的设置项：colour"):
        load_settings({}, colour="red")


def test_set005_every_setting_is_documented() -> None:
    doc = (Path(PROJECT_ROOT) / "docs" / "configuration.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"`{setting.env}`" in doc, setting.env


def test_set_data_dir_that_cannot_be_written_is_named_in_chinese(tmp_path) -> None:
    from config.settings import data_dir_problem

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    problem = data_dir_problem(load_settings({}, data_dir=blocker / "data"))
    assert problem is not None and "不可写（路径中有同名文件，不是目录）" in problem
    assert data_dir_problem(load_settings({}, data_dir=tmp_path / "fine")) is None
    assert list((tmp_path / "fine").iterdir()) == []  # the probe leaves nothing behind
