"""An indicator of a unit month by month (``pacer analyze history``): the document and its table."""

from __future__ import annotations

from rich.table import Table

from pacer.cli.present.documents import HistoryReport, HistoryRowOut
from pacer.cli.present.scope import Scope, change_out, quantity, stored_scale
from pacer.cli.present.text import WORDS, Screen, amount, figures_label, new_table


def history_report(scope: Scope, code: str, months: int | None = None, restate: bool = False) -> HistoryReport:
    """Every month of ``code`` up to the scope's month (the last ``months`` of them when given)."""
    ref = scope.indicator(code)
    unit, scale = ref["unit"], stored_scale(scope, code)
    end = scope.year * 100 + scope.month
    chosen = [
        r
        for r in scope.analysis.engine.history(scope.node, code, restate=restate).rows()
        if r.year * 100 + r.month <= end
    ]
    if months is not None:
        chosen = chosen[-months:] if months > 0 else []
    rows: list[HistoryRowOut] = [
        {
            "period": f"{r.year:04d}-{r.month:02d}",
            "value": quantity(r.value, unit),
            "ytd": quantity(r.ytd, unit),
            "ytd_last_year": quantity(r.ytd_last_year, unit),
            "yoy": change_out(r.yoy, ref, scale, scope),
            "mom": change_out(r.mom, ref, scale, scope),
        }
        for r in chosen
    ]
    return {
        "command": "history",
        "language": scope.language,
        "unit": scope.unit(scope.node),
        "indicator": ref,
        "restated": restate,
        "rows": rows,
    }


def history_table(doc: HistoryReport, screen: Screen) -> Table:
    w = WORDS[doc["language"]]
    ind = doc["indicator"]
    amounts = figures_label(ind["unit"], screen, w)
    table = new_table(
        w["history"].format(unit=doc["unit"]["name"], indicator=ind["name"], amounts=amounts),
        [w["period"], w["month"], w["ytd"], w["ytd_ly"], w["yoy"], w["mom"]],
        1,
    )
    for r in doc["rows"]:
        table.add_row(
            r["period"],
            amount(r["value"], screen),
            amount(r["ytd"], screen),
            amount(r["ytd_last_year"], screen),
            r["yoy"]["text"],
            r["mom"]["text"],
        )
    return table
