"""The declarative base and the vocabularies shared across wings."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from yuqing.store.types import UTCDateTime, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class CreatedAt:
    """Mixin: when the row was written."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UnitKind(StrEnum):
    CITY = "city"
    DISTRICT = "district"
    COUNTY = "county"
    TOWN = "town"
    STREET = "street"
    VILLAGE = "village"
    COMMUNITY = "community"
    SCHOOL = "school"
    ENTERPRISE = "enterprise"
    DEPARTMENT = "department"


UNIT_KIND_LABELS = {
    UnitKind.CITY: "市",
    UnitKind.DISTRICT: "区",
    UnitKind.COUNTY: "县",
    UnitKind.TOWN: "镇",
    UnitKind.STREET: "街道",
    UnitKind.VILLAGE: "村",
    UnitKind.COMMUNITY: "社区",
    UnitKind.SCHOOL: "学校",
    UnitKind.ENTERPRISE: "企业",
    UnitKind.DEPARTMENT: "部门",
}


class Role(StrEnum):
    ADMIN = "admin"
    ANALYST = "analyst"
    EDITOR = "editor"
    SIGNER = "signer"
    OFFICER = "officer"
    RESPONDER = "responder"


ROLE_LABELS = {
    Role.ADMIN: "系统管理员",
    Role.ANALYST: "研判分析员",
    Role.EDITOR: "编辑",
    Role.SIGNER: "签发人",
    Role.OFFICER: "信息员",
    Role.RESPONDER: "部门回复人",
}


class ItemStatus(StrEnum):
    NEW = "new"
    IN_REVIEW = "in_review"
    VERIFIED = "verified"
    NOT_RELEVANT = "not_relevant"
    RESPONDED = "responded"
    CLOSED = "closed"


ITEM_STATUS_LABELS = {
    ItemStatus.NEW: "待研判",
    ItemStatus.IN_REVIEW: "研判中",
    ItemStatus.VERIFIED: "已核实",
    ItemStatus.NOT_RELEVANT: "无关",
    ItemStatus.RESPONDED: "已回应",
    ItemStatus.CLOSED: "已办结",
}


class Severity(StrEnum):
    ORDINARY = "ordinary"
    MAJOR = "major"
    SERIOUS = "serious"


SEVERITY_LABELS = {Severity.ORDINARY: "一般", Severity.MAJOR: "较大", Severity.SERIOUS: "重大"}


class SourceKind(StrEnum):
    RSS = "rss"
    WEB = "web"
    FILE = "file"
    MAIL = "mail"
    MANUAL = "manual"
    PARTNER = "partner"


class Verdict(StrEnum):
    FALSE = "false"
    MISLEADING = "misleading"
    TRUE = "true"
    UNVERIFIED = "unverified"


VERDICT_LABELS = {
    Verdict.FALSE: "谣言",
    Verdict.MISLEADING: "误导",
    Verdict.TRUE: "属实",
    Verdict.UNVERIFIED: "待核实",
}


class ReportStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    ISSUED = "issued"


class CaseStatus(StrEnum):
    OPEN = "open"
    REPLIED = "replied"
    ESCALATED = "escalated"
    CLOSED = "closed"


def now() -> datetime:
    return utcnow()
