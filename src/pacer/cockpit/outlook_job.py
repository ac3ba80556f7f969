"""The year-end outlook of every indicator for a unit and every unit below it, as an Excel
workbook made in the background (the cockpit shows the key indicators' of one unit at once):
asked for on the cockpit's outlook panel, queued as a job whose bar moves unit by unit."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy import select
from starlette.responses import RedirectResponse, Response

from pacer.analysis import get_analysis
from pacer.auth.deps import CurrentViewer, protect
from pacer.cockpit.scope import Scope, open_scope
from pacer.jobs.context import JobContext
from pacer.jobs.kinds import Kind, Output, register
from pacer.jobs.service import Asked, enqueue, wake_after_commit
from pacer.kit.xlsx import XLSX, header_formats, writer
from pacer.models import Unit
from pacer.web.deps import CurrentAnalysis, Db
from pacer.web.templating import lang_of

KIND = "outlook"
BATCH = 25  # units forecast together between two progress steps
STEPS = {
    "units": ("已预测 {0} / {1} 个单位", "Forecast {0} of {1} units"),
    "render": ("正在生成 Excel 文件", "Writing the Excel file"),
}
HEADINGS = (
    ("单位代码", "Unit code"), ("单位", "Unit"), ("指标代码", "Indicator code"), ("指标", "Indicator"),
    ("计量单位", "Unit of measure"), ("本年累计", "Year to date"), ("年末预测", "Year-end forecast"),
    ("80% 区间下限", "80 % range, low"), ("80% 区间上限", "80 % range, high"), ("方法", "Method"),
    ("确保目标", "Ensure target"), ("完成确保目标的概率", "Chance of the ensure target"),
    ("力争目标", "Strive target"), ("完成力争目标的概率", "Chance of the strive target"),
)  # fmt: skip


def units_below(scope: Scope) -> list[int]:
    """The scope's unit and every unit below it the actor sees, parents first."""
    out, frontier = [scope.node], [scope.node]
    while frontier:
        frontier = [k for n in frontier for k in scope.engine.children(n, scope.year, scope.month) if scope.sees(k)]
        out += frontier
    return out


def outlook_work(ctx: JobContext) -> Output:
    p = ctx.parameters
    scope = open_scope(ctx.session, ctx.actor, get_analysis(ctx.session.get_bind().engine), p["unit_code"],
                       p["period"], ctx.lang)  # fmt: skip
    nodes, codes = units_below(scope), [c for c in scope.engine.catalog.codes if c in scope.indicators]
    out = io.BytesIO()
    book = writer(out)
    sheet = book.add_worksheet("outlook")
    head, _ = header_formats(book)
    percent = book.add_format({"num_format": "0%"})
    for col, words in enumerate(HEADINGS):
        sheet.write(0, col, words[0 if ctx.lang == "zh" else 1], head)
    line = 1
    for start in range(0, len(nodes), BATCH):
        ctx.progress(0.95 * start / len(nodes), f"units|{start}|{len(nodes)}")
        for r in scope.engine.outlook(nodes[start : start + BATCH], scope.year, scope.month, codes).rows():
            _write_row(sheet, line, scope, r, percent)
            line += 1
    ctx.progress(0.95, "render")
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(line - 1, 1), len(HEADINGS) - 1)
    book.close()
    name = f"outlook-{scope.unit(scope.node).code}-{scope.year}-{scope.month:02d}-{ctx.lang}.xlsx"
    return Output(name, out.getvalue(), XLSX)


def _write_row(sheet, line: int, scope: Scope, r, percent) -> None:  # type: ignore[no-untyped-def]
    unit, row = scope.unit(r.node), scope.indicators[r.code]
    name = row.name_zh if scope.lang == "zh" else row.name_en
    digits = scope.scale_of(r.code)
    values = [None if v is None else round(v, digits) for v in (r.ytd, r.point, r.low, r.high)]
    cells = [unit.code, unit.name, r.code, name, scope.measure(r.code).code, *values, r.method]
    targets = [None if v is None else round(v, digits) for v in (r.target_ensure, r.target_strive)]
    sheet.write_row(line, 0, cells)
    sheet.write(line, 10, targets[0])
    sheet.write(line, 11, r.p_ensure, percent)
    sheet.write(line, 12, targets[1])
    sheet.write(line, 13, r.p_strive, percent)


TITLE = ("年末预测（各单位全部指标）", "Year-end outlook (every indicator, every unit)")


def _cockpit_of(parameters: Mapping[str, Any]) -> str:
    """The cockpit page the outlook was asked from: its unit at its month."""
    return f"/cockpit/{quote(parameters['unit_code'])}?period={parameters['period']}"


OUTLOOK = register(Kind(KIND, TITLE, outlook_work, steps=STEPS, origin=_cockpit_of, origin_key="jobs.back_to_cockpit"))
router = APIRouter(prefix="/cockpit", include_in_schema=False)


@router.post("/{unit_code}/outlook", dependencies=[Depends(protect)])
def ask_for_outlook(
    request: Request, viewer: CurrentViewer, db: Db, analysis: CurrentAnalysis, unit_code: str,
    period: Annotated[str, Form(pattern=r"^\d{4}-\d{2}$")],
) -> Response:  # fmt: skip
    """Queue the outlook of the unit (as the actor sees it) and every unit below, for ``period``."""
    lang = lang_of(request)
    scope = open_scope(db, viewer.actor, analysis, unit_code, period, lang)
    code, month = scope.unit(scope.node).code, f"{scope.year}-{scope.month:02d}"
    unit_id = db.scalars(select(Unit.id).where(Unit.code == code)).one()  # the unit open_scope let the actor see
    title = (f"年末预测：{code} {month}", f"Year-end outlook: {code} {month}")
    asked = Asked(KIND, {"lang": lang, "unit_code": code, "period": month}, unit_id, month, title)
    job = enqueue(db, viewer.actor, asked)
    wake_after_commit(db, request.app.state.jobs)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)
