"""Settings: defaults, environment and TOML, and failing fast on bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from yuqing.config import load_settings
from yuqing.errors import ConfigError


def test_defaults_to_sqlite_under_the_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("YUQING_DATABASE_URL", raising=False)
    settings = load_settings()
    assert settings.resolved_database_url() == "sqlite:///yuqing-data/yuqing.db"
    assert settings.timezone == "Asia/Shanghai"


def test_toml_then_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "yuqing.toml"
    config.write_text('city_name = "青岚市"\nport = 9000\n', encoding="utf-8")
    monkeypatch.setenv("YUQING_CONFIG", str(config))
    monkeypatch.setenv("YUQING_PORT", "9100")
    settings = load_settings()
    assert settings.city_name == "青岚市"
    assert settings.port == 9100


def test_unknown_keys_and_bad_values_fail_fast(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "yuqing.toml"
    config.write_text('databse_url = "x"\n', encoding="utf-8")
    monkeypatch.setenv("YUQING_CONFIG", str(config))
    with pytest.raises(ConfigError, match="databse_url"):
        load_settings()
    monkeypatch.delenv("YUQING_CONFIG")
    monkeypatch.chdir(tmp_path / "..")
    with pytest.raises(ConfigError, match="time zone"):
        load_settings(timezone="Mars/Olympus")


def test_placeholder_secrets_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="placeholder"):
        load_settings(data_dir=tmp_path, secret_key="changeme").resolved_secret_key()


def test_secret_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = load_settings(data_dir=tmp_path).resolved_secret_key()
    assert len(first) >= 32
    assert load_settings(data_dir=tmp_path).resolved_secret_key() == first
    assert (tmp_path / "secret.key").stat().st_mode & 0o777 == 0o600
