"""The ``pacer`` command: one module of commands per feature, each a thin shell over that
feature's service, assembled here. A new feature adds its module and one line to ``FEATURES``.

:mod:`pacer.cli.common` holds what every command shares (the error boundary, consoles, ``--as``,
the database checks); :mod:`pacer.cli.present` the terminal presentation of the analysis.
"""

from __future__ import annotations

import typer

from pacer.cli import (
    analyze,
    assignments,
    db,
    demo,
    eliminations,
    facts,
    indicators,
    jobs,
    meetings,
    ops,
    org,
    periods,
    quality,
    report,
    serve,
    settings,
    spc,
    submissions,
    summary,
    target_rounds,
    targets,
    tasks,
    users,
    workflow,
)
from pacer.cli.common import ErrorBoundary

app = typer.Typer(
    help="Pacer: operations management for multi-level enterprise groups.",
    no_args_is_help=True,
    add_completion=False,
    cls=ErrorBoundary,
    pretty_exceptions_show_locals=False,
)

FEATURES = (
    demo,
    summary,
    serve,
    db,
    org,
    indicators,
    assignments,
    targets,
    target_rounds,
    facts,
    submissions,
    tasks,
    eliminations,
    periods,
    settings,
    users,
    analyze,
    workflow,
    meetings,
    report,
    spc,
    quality,
    jobs,
    ops,
)
for feature in FEATURES:
    feature.register(app)


def main() -> None:  # pragma: no cover - console entry point alias
    app()
