"""Sources as people configure them — in yuqing.toml, on the command line, in the UI —
and their lease, so that no two workers poll one source at once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field, ValidationError, field_validator
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from yuqing.errors import BadInput, NotFound
from yuqing.store.models import Source, SourceKind
from yuqing.store.types import utcnow

NEEDS_URL = {SourceKind.RSS, SourceKind.WEB, SourceKind.PARTNER}
NEEDS_PATH = {SourceKind.FILE}


class SourceSpec(BaseModel):
    """One source's settings; the same fields in yuqing.toml ``[[sources]]``, the CLI and the UI."""

    model_config = {"extra": "forbid"}

    name: str = Field(min_length=1, max_length=200)
    kind: SourceKind
    url: str | None = None
    interval_minutes: int = Field(60, ge=1, le=7 * 24 * 60)
    enabled: bool = True
    allow_private: bool = False
    is_public_outlet: bool = False
    outlet_name: str | None = None
    weight: float = Field(1.0, ge=0.0, le=10.0)
    config: dict[str, Any] = Field(default_factory=dict)

    @field_validator("url")
    @classmethod
    def _http_only(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("url must start with http:// or https://")
        return value

    def check(self) -> None:
        """Refuse specs that cannot be polled, naming what is missing (in the words of
        the source form, which shows these messages to the admin who typed it)."""
        if self.kind in NEEDS_URL and not self.url:
            raise BadInput(f"信息源“{self.name}”：这一类型须填写网址")
        if self.kind in NEEDS_PATH and not self.config.get("path"):
            raise BadInput(f"信息源“{self.name}”：导出文件须填写文件路径（config.path）")
        has_mailbox = self.config.get("path") or self.config.get("imap")
        if self.kind == SourceKind.MAIL and not has_mailbox:
            raise BadInput(
                f"信息源“{self.name}”：信息员邮箱须填写邮件文件夹、.eml 或 .mbox 的路径"
                "（config.path），或 IMAP 设置（config.imap）"
            )
        if self.kind == SourceKind.WEB and not (
            self.config.get("link_selector") or self.config.get("link_pattern")
        ):
            raise BadInput(
                f"信息源“{self.name}”：新闻网站须填写列表链接选择器（config.link_selector，CSS）"
                "或链接规则（config.link_pattern，正则表达式）"
            )


FIELD_NAMES = {
    "name": "名称",
    "kind": "类型",
    "url": "网址",
    "interval_minutes": "采集间隔",
    "enabled": "启用",
    "allow_private": "内网地址白名单",
    "is_public_outlet": "公开媒体",
    "outlet_name": "媒体名称",
    "weight": "权重",
    "config": "高级配置",
}
PROBLEMS = {
    "string_too_short": "不能为空",
    "string_too_long": "太长",
    "enum": "不是可选的类型",
    "greater_than_equal": "太小",
    "less_than_equal": "太大",
    "extra_forbidden": "不是可用的设置项",
    "missing": "必须填写",
    "dict_type": "须是 JSON 对象（{…}）",
}


def parse_spec(data: dict[str, Any]) -> SourceSpec:
    try:
        spec = SourceSpec.model_validate(data)
    except ValidationError as exc:
        name = data.get("name") or "（未命名）"
        problems = "；".join(_problem(e["loc"], e["type"]) for e in exc.errors())
        raise BadInput(f"信息源“{name}”：{problems}") from exc
    spec.check()
    return spec


def _problem(loc: tuple[int | str, ...], kind: str) -> str:
    field = FIELD_NAMES.get(str(loc[0]), ".".join(map(str, loc))) if loc else "设置"
    if field == "网址" and kind == "value_error":
        return "网址须以 http:// 或 https:// 开头"
    return f"{field}{PROBLEMS.get(kind, '取值无效')}"


def upsert_source(session: Session, spec: SourceSpec) -> Source:
    """Create the source or update it by name; polling state is kept."""
    source = session.scalar(select(Source).where(Source.name == spec.name))
    if source is None:
        source = Source(name=spec.name)
        session.add(source)
    source.kind = spec.kind.value
    source.url = spec.url
    source.interval_seconds = spec.interval_minutes * 60
    source.enabled = spec.enabled
    source.allow_private = spec.allow_private
    source.is_public_outlet = spec.is_public_outlet
    source.outlet_name = spec.outlet_name or (spec.name if spec.is_public_outlet else None)
    source.weight = spec.weight
    source.config = spec.config
    session.flush()
    return source


def get_source(session: Session, name_or_id: str | int) -> Source:
    if isinstance(name_or_id, int) or str(name_or_id).isdigit():
        source = session.get(Source, int(name_or_id))
    else:
        source = session.scalar(select(Source).where(Source.name == name_or_id))
    if source is None:
        raise NotFound(f"no source {name_or_id!r}")
    return source


def is_due(source: Source, now: datetime) -> bool:
    polled = source.last_polled_at
    return polled is None or polled + timedelta(seconds=source.interval_seconds) <= now


def due_sources(session: Session, now: datetime | None = None) -> list[int]:
    """Enabled pollable sources whose interval has passed and that nobody holds."""
    now = now or utcnow()
    sources = session.scalars(
        select(Source).where(
            Source.enabled,
            Source.kind.not_in([SourceKind.MANUAL.value]),
            or_(Source.lease_until.is_(None), Source.lease_until < now),
        )
    )
    return [source.id for source in sources if is_due(source, now)]


def take_lease(
    session: Session,
    source_id: int,
    seconds: int,
    now: datetime | None = None,
    holder: str | None = None,
) -> bool:
    """Claim a source for one poll; False when another worker holds it."""
    now = now or utcnow()
    claimed = session.execute(
        update(Source)
        .where(
            Source.id == source_id,
            or_(Source.lease_until.is_(None), Source.lease_until < now),
        )
        .values(lease_until=now + timedelta(seconds=seconds), lease_holder=holder)
        .execution_options(synchronize_session=False)
    )
    return bool(claimed.rowcount)  # type: ignore[attr-defined]


def renew_lease(session: Session, source_id: int, holder: str, seconds: float) -> bool:
    """The poll's heartbeat: extend the lease while ``holder`` still has it."""
    renewed = session.execute(
        update(Source)
        .where(Source.id == source_id, Source.lease_holder == holder)
        .values(lease_until=utcnow() + timedelta(seconds=seconds))
        .execution_options(synchronize_session=False)
    )
    return bool(renewed.rowcount)  # type: ignore[attr-defined]


def release_lease(session: Session, source_id: int) -> None:
    session.execute(
        update(Source)
        .where(Source.id == source_id)
        .values(lease_until=None, lease_holder=None)
        .execution_options(synchronize_session=False)
    )
