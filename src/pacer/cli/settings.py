"""``pacer settings``: the group's settings stored in the database (those of /admin/settings)."""

from __future__ import annotations

from typing import Annotated

import typer

from pacer.cli.common import AsUser, actor, console, ensure_schema, group, reports_errors
from pacer.db import unit_of_work
from pacer.errors import DomainError

commands = group("The group's settings: name, language, time-progress basis, money scale, mail, sessions.")


def register(app: typer.Typer) -> None:
    app.add_typer(commands, name="settings")


@commands.command("show")
@reports_errors
def settings_show() -> None:
    """Each setting in force (stored, else the default)."""
    from dataclasses import asdict

    from pacer.group_settings import service

    ensure_schema()
    with unit_of_work() as session:
        for key, value in asdict(service.current(session)).items():
            console().print(f"{key:15} {'' if value is None else value}")


def _pairs(pairs: list[str]) -> dict[str, str]:
    from pacer.group_settings.spec import EDITABLE

    form: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise DomainError(f"'{pair}': expected KEY=VALUE")
        if key not in EDITABLE:
            raise DomainError(f"'{key}': no such setting (one of {', '.join(EDITABLE)})")
        form[key] = value
    return form


@commands.command("set")
@reports_errors
def settings_set(
    pairs: Annotated[list[str], typer.Argument(help="KEY=VALUE, e.g. money_scale=wan time_basis=seasonal.")],
    as_user: AsUser = None,
) -> None:
    """Change settings (all or none; each change audited)."""
    from pacer.group_settings import service

    form = _pairs(pairs)
    ensure_schema()
    by = actor(as_user)
    with unit_of_work(writes=True) as session:
        changed = service.save(session, by, form)
    console().print(f"Settings changed: {', '.join(changed)}." if changed else "Nothing changed.")
