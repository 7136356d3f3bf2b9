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
        """Refuse specs that cannot be polled, naming what is missing."""
        if self.kind in NEEDS_URL and not self.url:
            raise BadInput(f"source {self.name!r}: a {self.kind} source needs a url")
        if self.kind in NEEDS_PATH and not self.config.get("path"):
            raise BadInput(f"source {self.name!r}: a file source needs config.path")
        has_mailbox = self.config.get("path") or self.config.get("imap")
        if self.kind == SourceKind.MAIL and not has_mailbox:
            raise BadInput(
                f"source {self.name!r}: a mail source needs config.path (folder, .eml, .mbox) "
                "or config.imap"
            )
        if self.kind == SourceKind.WEB and not (
            self.config.get("link_selector") or self.config.get("link_pattern")
        ):
            raise BadInput(
                f"source {self.name!r}: a web source needs config.link_selector (CSS) "
                "or config.link_pattern (regular expression)"
            )


def parse_spec(data: dict[str, Any]) -> SourceSpec:
    try:
        spec = SourceSpec.model_validate(data)
    except ValidationError as exc:
        name = data.get("name", "(unnamed)")
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise BadInput(f"source {name!r}: {problems}") from exc
    spec.check()
    return spec


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
