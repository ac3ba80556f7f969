"""A unit's indicators for a month (``pacer analyze``): the document and its table."""

from __future__ import annotations

from rich.table import Table

from pacer.analysis import TimeBasis
from pacer.cli.present.documents import CockpitReport, CockpitRowOut
from pacer.cli.present.scope import DEFAULT_SET, Scope, change_out, quantity, status_out, stored_scale
from pacer.cli.present.text import DASH, WORDS, Screen, amount, amounts_label, new_table, pct, pp, unit_label


def cockpit_report(
    scope: Scope, set_code: str = DEFAULT_SET, time_basis: TimeBasis = "linear", restate: bool = False
) -> CockpitReport:
    refs = scope.set_members(set_code)
    cockpit = scope.analysis.engine.cockpit(
        scope.node, scope.year, scope.month, [r["code"] for r in refs], restate=restate, time_basis=time_basis
    )
    rows: list[CockpitRowOut] = []
    for ref, row in zip(refs, cockpit.rows, strict=True):
        unit, scale = ref["unit"], stored_scale(scope, ref["code"])
        status, status_text = status_out(row.status, scope)
        rows.append(
            {
                "indicator": ref,
                "value": quantity(row.value, unit),
                "ytd": quantity(row.ytd, unit),
                "ytd_last_year": quantity(row.ytd_last_year, unit),
                "yoy": change_out(row.yoy, ref, scale, scope),
                "target_ensure": quantity(row.target_ensure, unit),
                "target_strive": quantity(row.target_strive, unit),
                "completion_pct": row.completion_pct,
                "completion_strive_pct": row.completion_strive_pct,
                "time_progress_pct": row.time_progress_pct,
                "time_basis": row.time_basis,
                "gap_pp": row.gap_pp,
                "status": status,
                "status_text": status_text,
                "needs": [
                    {
                        "tier": n.tier,
                        "remaining": {"value": str(n.remaining.decimal), "unit": unit},
                        "monthly_average": quantity(n.monthly_average, unit),
                        "implied_growth": change_out(n.implied_growth, ref, scale, scope),
                    }
                    for n in row.needs
                ],
            }
        )
    return {
        "command": "cockpit",
        "language": scope.language,
        "unit": scope.unit(scope.node),
        "period": scope.period,
        "set": set_code,
        "restated": restate,
        "time_basis": time_basis,
        "rows": rows,
    }


def cockpit_table(doc: CockpitReport, screen: Screen) -> Table:
    w = WORDS[doc["language"]]
    table = new_table(
        w["cockpit"].format(
            unit=doc["unit"]["name"], period=doc["period"], set=doc["set"], amounts=amounts_label(screen, w)
        ),
        [
            w["indicator"],
            w["measure_unit"],
            w["month"],
            w["ytd"],
            w["ytd_ly"],
            w["yoy"],
            w["ensure"],
            w["strive"],
            w["completion"],
            w["progress"],
            w["gap"],
            w["status"],
            w["need"],
        ],
        2,
    )
    for r in doc["rows"]:
        need = r["needs"][0] if r["needs"] else None
        need_text = (
            DASH
            if need is None
            else amount(need["remaining"], screen)
            + ("" if need["monthly_average"] is None else f" ({amount(need['monthly_average'], screen)})")
        )
        table.add_row(
            r["indicator"]["name"],
            unit_label(r["indicator"]["unit"], screen, w),
            amount(r["value"], screen),
            amount(r["ytd"], screen),
            amount(r["ytd_last_year"], screen),
            r["yoy"]["text"],
            amount(r["target_ensure"], screen),
            amount(r["target_strive"], screen),
            pct(r["completion_pct"]),
            pct(r["time_progress_pct"]),
            pp(r["gap_pp"]),
            r["status_text"] or DASH,
            need_text,
        )
    return table
