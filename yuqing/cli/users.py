"""`yuqing user` — create accounts, reset passwords, deactivate accounts."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import select

from yuqing.cli.common import console, open_database
from yuqing.errors import BadInput
from yuqing.network.people import Grant, add_user, set_password, set_user_active
from yuqing.store.migrate import require_current
from yuqing.store.models import Role, Unit

app = typer.Typer(no_args_is_help=True)


@app.command("create")
def create(
    username: str,
    role: Annotated[list[Role], typer.Option("--role", help="Role to grant; repeatable.")],
    display_name: Annotated[str | None, typer.Option(help="Name shown in the UI.")] = None,
    unit: Annotated[
        str | None, typer.Option(help="Unit name or code the roles are scoped to.")
    ] = None,
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)
    ] = "",
) -> None:
    """Create a user with roles, optionally scoped to a unit."""
    db = open_database()
    require_current(db)
    with db.transaction() as session:
        scope = None
        if unit:
            scope = session.scalar(select(Unit).where((Unit.name == unit) | (Unit.code == unit)))
            if scope is None:
                raise BadInput(f"no unit named or coded {unit!r}")
        grants = [Grant(r, scope.id if scope else None) for r in role]
        add_user(session, username, password, display_name=display_name, unit=scope, grants=grants)
    console.print(f"created user {username} ({', '.join(role)})")


@app.command("passwd")
def passwd(
    username: str,
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)
    ] = "",
) -> None:
    """Set a user's password."""
    db = open_database()
    require_current(db)
    with db.transaction() as session:
        ended = set_password(session, username, password)
    console.print(f"password changed for {username}; {ended} login(s) ended")


@app.command("deactivate")
def deactivate(username: str) -> None:
    """Deactivate an account: it can no longer log in, and its logins end now."""
    db = open_database()
    require_current(db)
    with db.transaction() as session:
        ended = set_user_active(session, username, False)
    console.print(f"deactivated {username}; {ended} login(s) ended")


@app.command("activate")
def activate(username: str) -> None:
    """Let a deactivated account log in again."""
    db = open_database()
    require_current(db)
    with db.transaction() as session:
        set_user_active(session, username, True)
    console.print(f"activated {username}")
