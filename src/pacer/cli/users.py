"""``pacer users``: users, their role grants and passwords."""

from __future__ import annotations

from typing import Annotated

import typer

from pacer.cli.common import console, ensure_schema, group, reports_errors
from pacer.db import unit_of_work
from pacer.errors import DomainError

commands = group("Users and their role grants.")


def register(app: typer.Typer) -> None:
    app.add_typer(commands, name="users")


@commands.command("list")
@reports_errors
def users_list() -> None:
    """List users and their grants."""
    from pacer.auth.service import list_users

    ensure_schema()
    with unit_of_work() as session:
        for user, grants in list_users(session):
            console().print(f"{user.username:20} {user.display_name:16} " + ", ".join(f"{r}@{u}" for r, u in grants))


@commands.command("add")
@reports_errors
def users_add(
    username: str,
    display_name: Annotated[str, typer.Option(help="Name shown to others.")],
    grant: Annotated[list[str] | None, typer.Option(help="ROLE@UNIT_CODE, repeatable.")] = None,
    sign_in: Annotated[
        str, typer.Option(help="local (a password set with set-password), oidc or ldap (linked at the first sign-in).")
    ] = "local",
) -> None:
    """Create a user with role grants (each scoped to a unit's subtree)."""
    from pacer.auth.service import add_user

    ensure_schema()
    with unit_of_work(writes=True, queue=True) as session:
        add_user(session, username, display_name, grant or [], actor="system", sign_in=sign_in)
    console().print(f"User {username} created.")


@commands.command("set-password")
@reports_errors
def users_set_password(
    username: str,
    password: Annotated[
        str,
        typer.Option(
            prompt=True, confirmation_prompt=True, hide_input=True, help="The new password (asked for when not given)."
        ),
    ],
) -> None:
    """Set a user's web sign-in password; the user's open sessions end."""
    from pacer.auth.repository import user_by_username
    from pacer.auth.sessions import set_password

    ensure_schema()
    with unit_of_work(writes=True) as session:
        user = user_by_username(session, username)
        if user is None:
            raise DomainError(f"no user '{username}'")
        set_password(session, user, password, actor="system")
    console().print(f"Password of {username} set.")
