"""Year-end outlook of a unit's indicators (``pacer analyze outlook``): the document and its table."""

from __future__ import annotations

from rich.table import Table

from pacer.cli.present.documents import OutlookReport, OutlookRowOut
from pacer.cli.present.scope import DEFAULT_SET, Scope, estimate, stored_scale
from pacer.cli.present.text import DASH, WORDS, Screen, amount, amounts_label, new_table, unit_label


def outlook_report(scope: Scope, set_code: str = DEFAULT_SET, restate: bool = False) -> OutlookReport:
    by_code = {r["code"]: r for r in scope.set_members(set_code)}
    outlook = scope.analysis.engine.outlook([scope.node], scope.year, scope.month, list(by_code), restate=restate)
    rows: list[OutlookRowOut] = []
    for o in outlook.rows():
        ref = by_code[o.code]
        unit, scale = ref["unit"], stored_scale(scope, o.code)
        rows.append(
            {
                "indicator": ref,
                "method": o.method,
                "ytd": estimate(o.ytd, scale, unit),
                "run_rate": estimate(o.run_rate, scale, unit),
                "seasonal": estimate(o.seasonal, scale, unit),
                "statistical": estimate(o.statistical, scale, unit),
                "point": estimate(o.point, scale, unit),
                "low": estimate(o.low, scale, unit),
                "high": estimate(o.high, scale, unit),
                "p_ensure": o.p_ensure,
                "p_strive": o.p_strive,
                "target_ensure": estimate(o.target_ensure, scale, unit),
                "target_strive": estimate(o.target_strive, scale, unit),
            }
        )
    return {
        "command": "outlook",
        "language": scope.language,
        "unit": scope.unit(scope.node),
        "period": scope.period,
        "set": set_code,
        "restated": restate,
        "rows": rows,
    }


def outlook_table(doc: OutlookReport, screen: Screen) -> Table:
    w = WORDS[doc["language"]]
    table = new_table(
        w["outlook"].format(
            unit=doc["unit"]["name"], period=doc["period"], set=doc["set"], amounts=amounts_label(screen, w)
        ),
        [
            w["indicator"],
            w["measure_unit"],
            w["ytd"],
            w["point"],
            w["range"],
            w["method"],
            w["ensure"],
            w["p_ensure"],
            w["strive"],
            w["p_strive"],
        ],
        2,
    )
    for r in doc["rows"]:
        span = (
            DASH
            if r["low"] is None or r["high"] is None
            else f"{amount(r['low'], screen)} ~ {amount(r['high'], screen)}"
        )
        table.add_row(
            r["indicator"]["name"],
            unit_label(r["indicator"]["unit"], screen, w),
            amount(r["ytd"], screen),
            amount(r["point"], screen),
            span,
            w.get(r["method"], r["method"]),
            amount(r["target_ensure"], screen),
            _prob(r["p_ensure"]),
            amount(r["target_strive"], screen),
            _prob(r["p_strive"]),
        )
    return table


def _prob(p: float | None) -> str:
    return DASH if p is None else f"{100 * p:.0f}%"
