"""`yuqing desk …` commands: scheduled duties by hand, case replies from e-mail files,
alert subscriptions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from yuqing.cli.common import console, open_database, settings
from yuqing.collect.mail import MailReport, read_eml, read_maildir_folder, read_mbox
from yuqing.collect.records import Rejected
from yuqing.desk.duties import run_duties
from yuqing.desk.mail_replies import file_mail_replies
from yuqing.desk.subscriptions import subscribe
from yuqing.store.migrate import require_current
from yuqing.store.types import utcnow

app = typer.Typer(no_args_is_help=True)


@app.command("duties")
def duties_command() -> None:
    """Escalate overdue cases, raise repeated-rumour alerts and deliver due alerts, once."""
    db = open_database()
    require_current(db)
    run = run_duties(db, settings(), utcnow())
    console.print(
        f"deliveries: {run.planned} new, {run.sent} sent, {run.postponed} postponed, "
        f"{run.failed_attempts} failed attempts ({run.given_up} given up)"
    )


def _messages(path: Path) -> Iterator[MailReport | Rejected]:
    if path.is_dir():
        yield from read_maildir_folder(path)
    elif path.suffix.lower() == ".mbox":
        yield from read_mbox(path)
    else:
        yield read_eml(path)


@app.command("mail-replies")
def mail_replies_command(
    path: Annotated[Path, typer.Argument(help="An .eml file, an .mbox archive or a folder.")],
) -> None:
    """File departments' e-mailed replies (subject with 督办#N) on their cases."""
    config = settings()
    db = open_database(config)
    try:
        require_current(db)
        summary = file_mail_replies(db, _messages(path), config.data_dir / "attachments")
    finally:
        db.dispose()
    console.print(
        f"filed {summary.filed}, already filed {summary.duplicates}, "
        f"quarantined {summary.quarantined}"
    )


@app.command("subscribe")
def subscribe_command(
    channel: Annotated[str, typer.Argument(help="email, webhook, wecom, dingtalk, feishu")],
    target: Annotated[str, typer.Argument(help="Address or webhook URL.")],
    kind: Annotated[list[str] | None, typer.Option(help="Alert kinds (default: all).")] = None,
    quiet: Annotated[str, typer.Option(help="Quiet hours, e.g. 22:00-07:00.")] = "",
    per_hour: Annotated[int, typer.Option(min=1, help="Most alerts an hour.")] = 20,
    secret: Annotated[str, typer.Option(help="DingTalk/Feishu signing secret.")] = "",
) -> None:
    """Add a subscription with no user (a robot or a mailing list an administrator runs)."""
    options: dict[str, object] = {"per_hour": per_hour}
    if quiet:
        start, _, end = quiet.partition("-")
        options |= {"quiet_start": start.strip(), "quiet_end": end.strip()}
    if secret:
        options["secret"] = secret
    db = open_database()
    require_current(db)
    with db.transaction() as session:
        made = subscribe(
            session,
            None,
            user_id=None,
            channel=channel,
            target=target,
            kinds=kind or [],
            settings=options,
        )
        console.print(f"subscription {made.id}: {channel} → {target}")
