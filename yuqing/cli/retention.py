"""`yuqing purge` — apply the retention policy now (the worker does it daily);
`yuqing pseudonymise` — pseudonymise the accounts named in items stored by earlier versions."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import func, select

from yuqing.cli.common import console, open_database, progress_bar, settings
from yuqing.collect.backfill import pseudonymise_stored_accounts
from yuqing.jobs.retention import Policy, PurgeReport, purge
from yuqing.store.migrate import require_current
from yuqing.store.models import Item
from yuqing.store.types import utcnow


def purge_command(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would go; delete nothing.")
    ] = False,
) -> None:
    """Delete what is past its retention period, except what issued reports cite."""
    config = settings()
    db = open_database(config)
    require_current(db)
    report = purge(db, Policy.of(config), now=utcnow(), data_dir=config.data_dir, dry_run=dry_run)
    console.print(_table(report))
    console.print("dry run: nothing deleted" if dry_run else "purge recorded in the audit log")


def _table(report: PurgeReport) -> Table:
    table = Table(title="保留期限 retention")
    for column in ("kind", "days", "cut-off (UTC)", "would go" if report.dry_run else "purged"):
        table.add_column(column)
    table.add_column("kept: cited")
    for r in report.results:
        cutoff = r.cutoff.strftime("%Y-%m-%d %H:%M") if r.cutoff else "kept forever"
        table.add_row(
            f"{r.kind} {r.label}",
            str(r.days or "—"),
            cutoff,
            str(r.purged),
            str(r.kept_cited),
        )
    return table


def pseudonymise_command() -> None:
    """Replace the account names (//@甲:, @甲) in items stored before ingest pseudonymised
    them with the keyed pseudonyms ingest gives now; safe to run again."""
    config = settings()
    db = open_database(config)
    require_current(db)
    with db.reading() as session:
        total = int(session.scalar(select(func.count(Item.id))) or 0)
    with progress_bar() as bar:
        task = bar.add_task("pseudonymising", total=total)
        report = pseudonymise_stored_accounts(
            db, config.resolved_secret_key(), on_batch=lambda n: bar.advance(task, n)
        )
    console.print(f"{report.read} items read, {report.rewritten} rewritten")
