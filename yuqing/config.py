"""Settings, declared once with their help text.

Read from ``yuqing.toml`` in the working directory (or the file named by
``YUQING_CONFIG``) and from ``YUQING_*`` environment variables, which win.
"""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from yuqing.errors import ConfigError

DEFAULT_DATA_DIR = Path("yuqing-data")
PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "secret", "please-change"}


def config_file() -> Path:
    """The TOML file settings are read from."""
    return Path(os.environ.get("YUQING_CONFIG", "yuqing.toml"))


class Settings(BaseSettings):
    """Every setting of a deployment. Environment: ``YUQING_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="YUQING_", extra="forbid")

    data_dir: Path = Field(
        DEFAULT_DATA_DIR,
        description="Folder for the SQLite database, the secret key, uploads and exports.",
    )
    database_url: str = Field(
        "",
        description="SQLAlchemy URL; empty means the SQLite file yuqing.db under data_dir. "
        "PostgreSQL: postgresql+psycopg://user:password@host/dbname",
    )
    secret_key: str = Field(
        "",
        description="Key for session cookies and author pseudonyms. Empty: generated once "
        "and kept in data_dir/secret.key. Changing it re-keys every pseudonym.",
    )
    timezone: str = Field("Asia/Shanghai", description="The desk's time zone (IANA name).")
    city_name: str = Field("", description="Name of the jurisdiction shown in the UI and reports.")
    session_hours: int = Field(12, ge=1, le=720, description="Hours a login stays valid.")
    cookie_secure: bool = Field(
        True,
        description="Mark the session cookie Secure (browsers still accept it on 127.0.0.1).",
    )
    redis_url: str = Field(
        "",
        description="Redis URL for the task queue when several `yuqing worker` machines share "
        "the work (redis://host:6379/0). Empty: the queue lives in a SQLite file under data_dir.",
    )
    workers: int = Field(
        2, ge=1, le=64, description="Task threads per `serve` or `worker` process."
    )
    fetch_interval: float = Field(
        5.0, ge=1.0, description="Seconds between two requests to the same host."
    )
    user_agent: str = Field(
        "yuqing/0.1 (+public-opinion desk; respects robots.txt)",
        description="User-Agent sent with every fetch.",
    )
    host: str = Field("127.0.0.1", description="Address `yuqing serve` listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port `yuqing serve` listens on.")

    public_url: str = Field(
        "", description="Address people reach the desk at (links in feeds, alerts and cases)."
    )
    smtp_host: str = Field("", description="SMTP server for alert e-mail; empty: e-mail is off.")
    smtp_port: int = Field(25, ge=1, le=65535, description="SMTP port.")
    smtp_from: str = Field("yuqing@localhost", description="Sender address of alert e-mail.")
    smtp_user: str = Field("", description="SMTP login; empty: no login.")
    smtp_password: str = Field("", description="SMTP password.")
    smtp_starttls: bool = Field(False, description="Upgrade the SMTP connection with STARTTLS.")
    privacy_channel: str = Field(
        "",
        description="The platform privacy team's address for privacy protection requests: "
        "an e-mail address or a webhook URL.",
    )
    case_escalation_hours: float = Field(
        24.0, gt=0, description="Hours after an overdue case's reminder before the desk head hears."
    )
    report_window_hour: int = Field(
        9, ge=0, le=23, description="Local hour a daily report's window opens and closes (9–9)."
    )
    report_issuing_unit: str = Field(
        "",
        description="Issuing unit printed on reports (发文机关); empty: city_name + 舆情工作专班.",
    )
    report_copy_to: list[str] = Field(
        default_factory=list,
        description="抄送 printed in every report's 版记 (a series' settings copy_to overrides).",
    )
    report_recipients: list[str] = Field(
        default_factory=list,
        description="E-mail addresses an issued report is sent to (uses the smtp_* settings).",
    )
    jurisdiction: list[str] = Field(
        default_factory=list,
        description='Division codes of the desk\'s own area (涉我), e.g. ["150200"] for 包头市.',
    )
    map_boundaries_dir: Path | None = Field(
        None,
        description="Folder of the desk's own map boundaries, for what the packaged ones lack "
        "(街道/乡镇): GeoJSON FeatureCollections named by division code, each holding the "
        "division's sub-regions (150203.json: 昆都仑区's towns, properties adcode and name); "
        "a file replaces the packaged one of its code. Checked at start.",
    )
    topics: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Topic taxonomy as {topic: [seed words]}; empty: the built-in epidemic one.",
    )
    max_request_mb: int = Field(
        64, ge=1, le=4096, description="Largest request body the web server accepts (MB)."
    )
    import_max_rows: int = Field(
        20000, ge=1, description="Most rows one uploaded unit or tally sheet may hold."
    )
    retention_items_days: int = Field(
        365, ge=0, description="Days public items are kept (0: forever); cited ones stay."
    )
    retention_field_reports_days: int = Field(
        1095, ge=0, description="Days field reports are kept (0: forever); adopted ones stay."
    )
    retention_attachments_days: int = Field(
        1095, ge=0, description="Days case-reply and field-report files are kept (0: forever)."
    )
    retention_quarantine_days: int = Field(
        90, ge=0, description="Days refused input stays in quarantine (0: forever)."
    )
    retention_audit_days: int = Field(
        1095, ge=0, description="Days audit-log entries are kept (0: forever; law: ≥ 180)."
    )
    sources: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Sources to create or update at `yuqing init` ([[sources]] tables).",
    )

    # --- running on one box or many (see docs/deploy.md) ---
    poll_lease_seconds: int = Field(
        120,
        ge=10,
        le=3600,
        description="A poll's lease on its source, renewed every third of it while the poll "
        "runs; a crashed poll frees its source this many seconds later.",
    )
    analysis_lease_seconds: int = Field(
        120,
        ge=10,
        le=3600,
        description="The analysis fold's lease (one run at a time across all machines), "
        "renewed every third of it; a crashed run frees it this many seconds later.",
    )
    analysis_shared: bool = Field(
        False,
        description="Hand the per-text stages of scheduled analysis (places, topics, polarity, "
        "emotion, rules, claims, models) to every `yuqing worker` on the queue; the fold keeps "
        "duplicates and events. Off: the fold does everything itself, as on one box.",
    )
    analysis_chunk_items: int = Field(
        500, ge=1, le=20000, description="Items per chunk handed to a tagging worker."
    )
    analysis_chunk_seconds: int = Field(
        60,
        ge=2,
        le=3600,
        description="A chunk's lease, renewed every third of it while a worker tags it; a "
        "chunk whose worker died is handed out again this many seconds later.",
    )
    analysis_queue_seconds: int = Field(
        300,
        ge=2,
        le=86400,
        description="A chunk no worker takes from the queue in this many seconds (none "
        "running, or the message lost) is tagged by the fold itself.",
    )
    log_format: Literal["text", "json"] = Field(
        "text", description="Log lines as readable text or as one JSON object per line."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="Least severe log level written."
    )
    trusted_origins: list[str] = Field(
        default_factory=list,
        description="Origins (https://desk.example.gov.cn) a form post may come from besides "
        "the request's own Host, e.g. the public address behind a reverse proxy.",
    )
    db_pool_size: int = Field(5, ge=1, le=200, description="PostgreSQL connections kept open.")
    db_max_overflow: int = Field(
        10, ge=0, le=200, description="PostgreSQL connections opened beyond the pool at peaks."
    )
    db_statement_timeout_ms: int = Field(
        0,
        ge=0,
        description="PostgreSQL statement_timeout in milliseconds for every connection; 0: none.",
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config_file())
        return (init_settings, env_settings, toml)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to the SQLite file under ``data_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'yuqing.db').as_posix()}"

    def resolved_secret_key(self) -> str:
        """The deployment secret; generated and stored on first use when not configured."""
        if self.secret_key:
            if self.secret_key.strip().lower() in PLACEHOLDER_SECRETS or len(self.secret_key) < 16:
                raise ConfigError(
                    "secret_key is a placeholder or shorter than 16 characters; "
                    "set YUQING_SECRET_KEY to a long random value"
                )
            return self.secret_key
        key_file = self.data_dir / "secret.key"
        if key_file.exists():
            return key_file.read_text(encoding="utf-8").strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        key_file.write_text(key, encoding="utf-8")
        key_file.chmod(0o600)
        return key


def load_settings(**overrides: Any) -> Settings:
    """Read settings, turning validation problems into one readable ConfigError."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'settings'}: "
            f"{error['msg'].removeprefix('Value error, ')}"
            for error in exc.errors()
        )
        raise ConfigError(f"bad configuration ({config_file()} / YUQING_*): {problems}") from exc


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
