"""One entry for every format: a stored report (latest version) to file bytes."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from yuqing.config import Settings
from yuqing.errors import BadInput
from yuqing.reports.document import Document, build_document
from yuqing.reports.render_cache import RENDERED, document_key
from yuqing.reports.render_docx import render_docx
from yuqing.reports.render_html import render_html
from yuqing.reports.render_markdown import render_markdown
from yuqing.reports.render_pdf import render_pdf
from yuqing.reports.versions import version_content
from yuqing.reports.workflow import get_report, latest_version
from yuqing.store.models import ReportSeries

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
}


@dataclass(frozen=True)
class Rendered:
    data: bytes
    filename: str
    media_type: str


def default_unit(settings: Settings) -> str:
    return settings.report_issuing_unit or f"{settings.city_name}舆情工作专班"


def document_for(
    session: Session, report_id: int, settings: Settings, version: int | None = None
) -> Document:
    """The report as printed with the configured issuing unit and 抄送."""
    return load_document(
        session,
        report_id,
        settings.tz,
        default_unit(settings),
        version,
        copy_to=tuple(settings.report_copy_to),
    )


def load_document(
    session: Session,
    report_id: int,
    tz: ZoneInfo,
    unit: str,
    version: int | None = None,
    *,
    copy_to: tuple[str, ...] = (),
) -> Document:
    """The report as its renderers see it: the latest version, or the one asked for."""
    report = get_report(session, report_id)
    series = session.get(ReportSeries, report.series_id)
    assert series is not None
    content = latest_version(session, report_id).content
    if version is not None:
        content = version_content(session, report_id, version)
    return build_document(report, series, content, tz, unit, copy_to)


def render(doc: Document, fmt: str) -> Rendered:
    if fmt not in FORMATS:
        raise BadInput(f"不支持的格式 {fmt!r}：可选 {'、'.join(FORMATS)}")
    if fmt == "docx":
        data = RENDERED.get(document_key(doc, fmt), lambda: render_docx(doc))
    elif fmt == "pdf":
        data = RENDERED.get(document_key(doc, fmt), lambda: render_pdf(doc))
    elif fmt == "html":
        data = render_html(doc).encode("utf-8")
    else:
        data = render_markdown(doc).encode("utf-8")
    return Rendered(data, filename(doc, fmt), FORMATS[fmt])


def filename(doc: Document, fmt: str) -> str:
    number = doc.number_label.strip("（）")
    return f"{doc.series_name}-{number}-{doc.report_id}.{fmt}"
