"""The terminal presentation of the analysis, for ``pacer analyze`` and ``pacer summary``.

One module per question (cockpit, ranking, bridge, outlook, history) builds its document (the
JSON ``pacer analyze`` prints; shapes in :mod:`pacer.cli.present.documents`) and draws it as a
table; :mod:`pacer.cli.present.text` holds what the tables share and the CSV form. It may import
the analysis engine (``pacer.analysis``), the services and the kit; nothing imports it but the CLI.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rich.console import RenderableType
from rich.table import Table

from pacer.cli.present.bridge import bridge_report, bridge_table
from pacer.cli.present.cockpit import cockpit_report, cockpit_table
from pacer.cli.present.documents import REPORTS
from pacer.cli.present.history import history_report, history_table
from pacer.cli.present.outlook import outlook_report, outlook_table
from pacer.cli.present.ranking import rank_report, rank_table
from pacer.cli.present.scope import Scope, open_scope, resolve_period
from pacer.cli.present.text import Screen, fit, rows_csv

BUILDERS: dict[str, Callable[..., Any]] = {
    "cockpit": cockpit_report,
    "rank": rank_report,
    "bridge": bridge_report,
    "outlook": outlook_report,
    "history": history_report,
}
TABLES: dict[str, Callable[[Any, Screen], Table]] = {
    "cockpit": cockpit_table,
    "rank": rank_table,
    "bridge": bridge_table,
    "outlook": outlook_table,
    "history": history_table,
}


def table(doc: Mapping[str, Any], screen: Screen, width: int | None = None) -> RenderableType:
    """The document's table; split into several (each repeating the first column) when it is
    wider than ``width``, so no figure is ever cut off."""
    whole = TABLES[doc["command"]](doc, screen.fit(doc))
    return whole if width is None else fit(whole, width)


__all__ = [
    "BUILDERS",
    "REPORTS",
    "TABLES",
    "Scope",
    "Screen",
    "bridge_report",
    "cockpit_report",
    "history_report",
    "open_scope",
    "outlook_report",
    "rank_report",
    "resolve_period",
    "rows_csv",
    "table",
]
