"""What every command shares: settings, the database, one console, progress bars.

The consoles print with Rich markup off: item texts, file names, error messages
and everything else from outside may hold "[/]" or "[bold]", which markup would
either swallow or fail on. Styling goes through ``style=`` or ``Text`` instead."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from yuqing.config import Settings, get_settings
from yuqing.store.db import Database

console = Console(markup=False)
err_console = Console(stderr=True, markup=False)


def settings() -> Settings:
    return get_settings()


def open_database(config: Settings | None = None) -> Database:
    config = config or settings()
    return Database(
        config.resolved_database_url(),
        pool_size=config.db_pool_size,
        max_overflow=config.db_max_overflow,
        statement_timeout_ms=config.db_statement_timeout_ms,
    )


def progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}", style="bold", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
    )
