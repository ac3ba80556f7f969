"""``pacer backup``, ``pacer restore`` and ``pacer doctor``: running an installation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from pacer.cli.common import console, ensure_schema, prepare_database, reports_errors, safe_url
from pacer.db import get_engine


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
    app.command("restore")(restore)
    app.command("doctor")(doctor)


@reports_errors
def backup(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The backup file to write (a new file).", dir_okay=False)
    ],
) -> None:
    """Write a consistent backup of the database while Pacer keeps running: one file that
    restores into an empty SQLite or PostgreSQL database."""
    from pacer.ops.backup import backup as write

    ensure_schema()
    summary = write(get_engine(), output)
    console().print(
        f"Backup of {safe_url()} written to {output}: {summary.tables} tables, {summary.rows} rows "
        f"(migration {summary.head}).",
        highlight=False,
        soft_wrap=True,
    )


@reports_errors
def restore(file: Annotated[Path, typer.Argument(help="A backup written by 'pacer backup'.")]) -> None:
    """Restore a backup into the empty database PACER_DATABASE_URL names (all or nothing)."""
    from pacer.cli.common import sqlite_path
    from pacer.ops.backup import restore as read

    target = sqlite_path()
    created = target is not None and not target.exists()
    prepare_database()
    try:
        summary = read(get_engine(), file)
    except BaseException:
        if created and target is not None:  # a new SQLite file: gone again, as it was
            get_engine().dispose()
            for extra in ("", "-wal", "-shm"):
                Path(f"{target}{extra}").unlink(missing_ok=True)
        raise
    console().print(
        f"Restored {file} into {safe_url()}: {summary.tables} tables, {summary.rows} rows (migration {summary.head}).",
        highlight=False,
        soft_wrap=True,
    )


MARKS = {"ok": "[green]OK[/]     ", "warning": "[yellow]WARNING[/]", "problem": "[bold red]PROBLEM[/]"}


@reports_errors
def doctor(as_json: Annotated[bool, typer.Option("--json", help="JSON instead of lines.")] = False) -> None:
    """Check this installation: settings safe for production, database reachable, migrations
    current, job queue, fonts for Chinese PDFs; say how to fix what is wrong (exit 1 on a problem)."""
    from pacer.ops.doctor import run_checks

    checks = run_checks()
    if as_json:
        typer.echo(json.dumps([c.as_dict() for c in checks], ensure_ascii=False, indent=2))
    else:
        for c in checks:
            console().print(f"{MARKS[c.status]} {escape(c.name)}: {escape(c.detail)}", highlight=False, soft_wrap=True)
            if c.status != "ok" and c.fix:
                console().print(f"        fix: {escape(c.fix)}", highlight=False, soft_wrap=True)
    problems = sum(c.status == "problem" for c in checks)
    if problems and not as_json:
        console().print(f"{problems} problem(s).", highlight=False)
    if problems:
        raise typer.Exit(code=1)
