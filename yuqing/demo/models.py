"""Plain data records produced by the demo scenario (re-exported by ``scenario``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class DemoUnit:
    """An administrative or organisational unit of the fictional city."""

    key: str
    name: str
    # city, district, county, town, street, village, community, school, enterprise, department
    kind: str
    parent_key: str | None
    code: str | None


@dataclass(frozen=True)
class DemoOfficer:
    """A staff user who files field reports ("officer") or handles issues ("responder")."""

    username: str
    display_name: str
    unit_key: str
    role: str


@dataclass(frozen=True)
class DemoSource:
    """Where items come from: an outlet feed, a platform export or manual entry."""

    key: str
    name: str
    kind: str  # "rss" | "web" | "file" | "manual"
    url: str | None
    is_public_outlet: bool
    outlet_name: str | None
    weight: float


@dataclass(frozen=True)
class DemoItem:
    """One news article or public post, with ground-truth labels in ``truth``."""

    index: int
    source_key: str
    kind: str  # "article" | "post"
    url: str | None
    platform_id: str | None
    title: str | None
    body: str
    author: str | None
    published_at: datetime
    likes: int
    reposts: int
    comments: int
    views: int
    unit_key: str | None
    truth: dict[str, object]


@dataclass(frozen=True)
class DemoFieldReport:
    """A unit officer's daily 社会舆情信息 report (or a zero report)."""

    unit_key: str
    officer_username: str
    report_date: date
    is_zero: bool
    category: str | None
    urgency: str | None
    title: str | None
    body: str | None
    submitted_at: datetime


@dataclass(frozen=True)
class DemoTallyMetric:
    """A communication-work metric units count daily."""

    code: str
    name: str
    unit: str


@dataclass(frozen=True)
class DemoTally:
    """One unit's value for one metric on one local day."""

    unit_key: str
    metric_code: str
    day: date
    value: float
