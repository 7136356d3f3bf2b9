"""`yuqing network …` commands: import units and tallies, compliance, assessment."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from yuqing.cli.common import console, open_database, settings
from yuqing.network.assessment import assess
from yuqing.network.compliance import STATUS_LABELS, rollup, unit_compliance
from yuqing.network.imports import ImportResult, import_tallies, import_units
from yuqing.network.scope import Reach
from yuqing.store.migrate import require_current
from yuqing.store.types import utcnow

app = typer.Typer(no_args_is_help=True)


def _day(value: str | None, what: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{what} should be YYYY-MM-DD: {value}") from exc


def _print_result(result: ImportResult) -> None:
    verb = "would store" if result.dry_run else "stored"
    held = "" if result.dry_run else " (quarantined)"
    console.print(
        f"read {result.read}, {verb} {result.stored}, unchanged {result.unchanged}, "
        f"bad {len(result.rejected)}{held}"
    )
    for position, reason in result.rejected:
        console.print(f"  {position}: {reason}")


@app.command("import-units")
def import_units_command(
    file: Path,
    dry_run: Annotated[bool, typer.Option(help="Check every row, keep nothing.")] = False,
) -> None:
    """Units from CSV/XLSX: name, kind, parent (code or name path), code, deadline."""
    db = open_database()
    require_current(db)
    with db.transaction() as session:
        result = import_units(session, file, user_id=None, dry_run=dry_run)
    _print_result(result)


@app.command("import-tallies")
def import_tallies_command(
    file: Path,
    dry_run: Annotated[bool, typer.Option(help="Check every row, keep nothing.")] = False,
) -> None:
    """Daily tallies from CSV/XLSX: unit (code or name), day, metric (code or name), value."""
    config = settings()
    db = open_database(config)
    require_current(db)
    with db.transaction() as session:
        result = import_tallies(
            session, file, reach=Reach.everywhere(), now=utcnow(), tz=config.tz, dry_run=dry_run
        )
    _print_result(result)


@app.command("compliance")
def compliance_command(
    day: Annotated[str | None, typer.Option(help="YYYY-MM-DD; default today.")] = None,
) -> None:
    """Who has reported for a day: on time, late, missing, pending, rolled up."""
    config = settings()
    db = open_database(config)
    require_current(db)
    now = utcnow()
    chosen = _day(day, "--day") or now.astimezone(config.tz).date()
    with db.reading() as session:
        days = unit_compliance(session, chosen, config.tz, now)
    rolled = rollup(days)
    table = Table("unit", "status", "deadline", "first filed", "reports", "subtree missing")
    for d in days:
        table.add_row(
            d.unit_name,
            STATUS_LABELS[d.status] + ("·零报告" if d.is_zero else ""),
            d.deadline.astimezone(config.tz).strftime("%H:%M"),
            d.first_submitted_at.astimezone(config.tz).strftime("%m-%d %H:%M")
            if d.first_submitted_at
            else "",
            str(d.reports),
            str(rolled[d.unit_id].missing),
        )
    console.print(table)


@app.command("assess")
def assess_command(
    start: Annotated[str | None, typer.Option(help="YYYY-MM-DD; default 7 days ago.")] = None,
    end: Annotated[str | None, typer.Option(help="YYYY-MM-DD; default today.")] = None,
) -> None:
    """Scores and ranks of the units for a period."""
    config = settings()
    db = open_database(config)
    require_current(db)
    last = _day(end, "--end") or utcnow().astimezone(config.tz).date()
    first = _day(start, "--start") or last - timedelta(days=6)
    with db.reading() as session:
        scores = assess(session, first, last, config.tz)
    table = Table("rank", "unit", "score", "reports", "zero", "days", "on time", "adopted")
    for s in scores:
        table.add_row(
            str(s.rank),
            s.unit_name,
            f"{s.score:.1f}",
            str(s.reports_filed),
            str(s.zero_reports),
            f"{s.days_covered}/{s.days_expected}",
            f"{s.on_time_rate:.0%}",
            str(s.adopted),
        )
    console.print(table)
