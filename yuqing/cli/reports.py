"""`yuqing report …` commands: draft, list, render, the sign-off steps, send, series."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from yuqing.analyse.boundaries import use_desk_boundaries
from yuqing.cli.common import console, open_database, settings
from yuqing.errors import BadInput
from yuqing.reports import workflow as wf
from yuqing.reports.actions import distribute, draft_report, find_reports, take_step
from yuqing.reports.render import FORMATS, default_unit, document_for, render
from yuqing.reports.series import KINDS, add_series, ensure_default_series
from yuqing.reports.windows import Window
from yuqing.store.migrate import require_current
from yuqing.store.models import ReportStatus
from yuqing.store.types import utcnow

app = typer.Typer(no_args_is_help=True)
series_app = typer.Typer(no_args_is_help=True, help="Report series and their numbering.")
app.add_typer(series_app, name="series")

UserOption = Annotated[str, typer.Option("--user", "-u", help="Who does it (username).")]


@app.callback()
def _maps() -> None:
    """Reports draw their maps with the desk's boundaries too (a bad file stops here)."""
    use_desk_boundaries(settings().map_boundaries_dir)


def _date(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise BadInput(f"{option} 应为 YYYY-MM-DD 格式的日期：{value}") from exc


@app.command("draft")
def draft(
    series: Annotated[
        str, typer.Option(help="Series code: daily, weekly, bulletin, special …")
    ] = "daily",
    day: Annotated[
        str | None, typer.Option("--date", help="Report date YYYY-MM-DD (default today).")
    ] = None,
    start: Annotated[
        str | None, typer.Option(help="First day of a bulletin or period report.")
    ] = None,
    end: Annotated[str | None, typer.Option(help="Last day (inclusive), with --start.")] = None,
    event: Annotated[int | None, typer.Option(help="Event id, for a special report.")] = None,
    user: Annotated[str | None, typer.Option("--user", "-u", help="Drafting user.")] = None,
) -> None:
    """Draft a report from the data: the daily window ending on --date, the week of
    --date, the days --start to --end (情况通报: the assessment of those days), or one
    event."""
    config = settings()
    db = open_database(config)
    require_current(db)
    when = _date(day, "--date") or utcnow().astimezone(config.tz).date()
    with db.transaction() as session:
        actor = wf.actor_for(session, user) if user else wf.SYSTEM
        report = draft_report(
            session,
            config,
            series,
            actor,
            utcnow(),
            day=when,
            event_id=event,
            start=_date(start, "--start"),
            end=_date(end, "--end"),
        )
        label = Window(report.window_start, report.window_end, config.tz).label()
        console.print(f"report {report.id} drafted: {report.title} ({label})")


@app.command("list")
def list_reports(
    series: Annotated[str | None, typer.Option(help="Only this series.")] = None,
    status: Annotated[
        str | None, typer.Option(help="Only this status: draft, in_review, approved, issued.")
    ] = None,
) -> None:
    """Reports, newest first."""
    config = settings()
    db = open_database(config)
    require_current(db)
    table = Table("id", "series", "number", "title", "window", "status", "signed")
    with db.reading() as session:
        for report, row in find_reports(session, series=series, status=status).rows:
            table.add_row(
                str(report.id),
                row.name,
                f"第{report.number}期" if report.number else "",
                report.title,
                f"{report.window_start.astimezone(config.tz):%m-%d %H:%M} – "
                f"{report.window_end.astimezone(config.tz):%m-%d %H:%M}",
                wf.STATUS_LABELS[ReportStatus(report.status)],
                report.signer_name or "",
            )
    console.print(table)


@app.command("render")
def render_report(
    report_id: int,
    fmt: Annotated[str, typer.Option("--format", "-f", help=" | ".join(FORMATS))] = "docx",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write.")] = None,
) -> None:
    """Write a report as DOCX (公文), PDF, HTML or Markdown."""
    config = settings()
    db = open_database(config)
    require_current(db)
    with db.reading() as session:
        doc = document_for(session, report_id, config)
    out = render(doc, fmt)
    target = output or Path(out.filename)
    target.write_bytes(out.data)
    console.print(f"report {report_id} written to {target} ({len(out.data)} bytes)", soft_wrap=True)


def _step(report_id: int, user: str, step: str, reason: str = "") -> None:
    config = settings()
    db = open_database(config)
    require_current(db)
    with db.transaction() as session:
        actor = wf.actor_for(session, user)
        report = take_step(session, report_id, step, actor, config, utcnow(), reason)
        label = wf.STATUS_LABELS[ReportStatus(report.status)]
        number = f" 第{report.number}期" if report.number else ""
        console.print(f"report {report_id}: {label}{number}")


@app.command("edit")
def edit(
    report_id: int,
    user: UserOption,
    judgement: Annotated[str | None, typer.Option(help="研判 (lines are paragraphs).")] = None,
    suggestions: Annotated[str | None, typer.Option(help="对策建议.")] = None,
    next_steps: Annotated[str | None, typer.Option(help="下一步工作.")] = None,
) -> None:
    """Write a draft's editor sections (editor or analyst); those left out stay as they are."""
    given = {"judgement": judgement, "suggestions": suggestions, "next_steps": next_steps}
    editor = {key: text for key, text in given.items() if text is not None}
    db = open_database(settings())
    require_current(db)
    with db.transaction() as session:
        version = wf.edit_sections(session, report_id, wf.actor_for(session, user), editor)
        console.print(f"report {report_id}: 第{version.version}版已保存")


@app.command("submit")
def submit(report_id: int, user: UserOption) -> None:
    """Submit a draft for review (editor or analyst)."""
    _step(report_id, user, "submit")


@app.command("approve")
def approve(report_id: int, user: UserOption) -> None:
    """Approve a report in review (signer)."""
    _step(report_id, user, "approve")


@app.command("return")
def return_report(
    report_id: int,
    user: UserOption,
    reason: Annotated[str, typer.Option(help="Why it goes back to draft.")] = "",
) -> None:
    """Return a report in review or approved to draft (signer)."""
    _step(report_id, user, "return", reason)


@app.command("issue")
def issue(report_id: int, user: UserOption) -> None:
    """Issue an approved report: it takes the series' next number and is frozen (signer)."""
    _step(report_id, user, "issue")


@app.command("send")
def send(
    report_id: int,
    to: Annotated[list[str] | None, typer.Option("--to", help="Recipient; repeatable.")] = None,
    user: Annotated[
        str | None, typer.Option("--user", "-u", help="Who sends it (a signer).")
    ] = None,
) -> None:
    """E-mail an issued report (DOCX and PDF) to the distribution list."""
    config = settings()
    db = open_database(config)
    require_current(db)
    with db.reading() as session:
        actor = wf.actor_for(session, user) if user else wf.SYSTEM
    sent = distribute(db, config, report_id, actor, to)
    console.print(f"report {report_id} sent to {', '.join(sent.recipients)}")


@series_app.command("list")
def series_list() -> None:
    """Series with their last issued number."""
    config = settings()
    db = open_database(config)
    require_current(db)
    table = Table("code", "name", "kind", "issuing unit", "last number")
    with db.transaction() as session:
        for row in ensure_default_series(session, default_unit(config)):
            table.add_row(
                row.code, row.name, row.kind, row.issuing_unit or "", str(row.last_number)
            )
    console.print(table)


@series_app.command("add")
def series_add(
    code: str,
    name: str,
    kind: Annotated[str, typer.Option(help=" | ".join(KINDS))] = "period",
    unit: Annotated[str | None, typer.Option(help="Issuing unit printed on it.")] = None,
    period: Annotated[str, typer.Option(help="week or month, for period reports.")] = "week",
) -> None:
    """Add a series, e.g. `yuqing report series add monthly 舆情月报 --period month`."""
    db = open_database()
    require_current(db)
    with db.transaction() as session:
        row = add_series(session, code, name, kind, unit, period)
    console.print(f"series {row.code} ({row.name}) added")
