"""What the eliminations page and API read and write: a month's entries within the viewer's
subtrees, rows entered per pair of units or uploaded (CSV or Excel), stored through the same
import as ``pacer eliminations import``, and a unit's consolidated figures before and after its
eliminations, from the analysis engine."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.analysis import Analysis
from pacer.auth.permissions import Actor, restrict
from pacer.eliminations.pairs import booked_rows
from pacer.eliminations.service import ELIMINATION_COLUMNS, ELIMINATION_OPTIONAL, import_eliminations
from pacer.errors import Problem, ValidationFailed
from pacer.kit.numbers import format_scaled
from pacer.kit.tabular import Problems, Row, read_csv
from pacer.kit.workbook import open_sheet
from pacer.models import EliminationEntry, Indicator, IndicatorVersion, Unit

REQUIRED = ("indicator_code", "period", "value")
OPTIONAL = ("unit_code", "seller_code", "buyer_code", *ELIMINATION_OPTIONAL)
GRID_FIELDS = ("seller_code", "buyer_code", "indicator_code", "value", "description")
assert set(ELIMINATION_COLUMNS) <= set(REQUIRED) | set(OPTIONAL)


@dataclass(frozen=True)
class Listed:
    entry: EliminationEntry
    unit: Unit
    indicator: Indicator

    @property
    def value(self) -> str:
        return format_scaled(self.entry.value, self.indicator.scale)


def entries(session: Session, actor: Actor, period: int, limit: int = 500) -> list[Listed]:
    stmt = (
        select(EliminationEntry, Unit, Indicator)
        .join(Unit, Unit.id == EliminationEntry.unit_id)
        .join(Indicator, Indicator.id == EliminationEntry.indicator_id)
        .where(EliminationEntry.period == period)
        .order_by(Unit.code, Indicator.code, EliminationEntry.counterparty)
        .limit(limit)
    )
    return [Listed(e, u, i) for e, u, i in session.execute(restrict(stmt, actor, EliminationEntry.unit_id))]


def eliminated_indicators(session: Session) -> list[tuple[str, str, str]]:
    """(code, name_zh, name_en) of every indicator consolidation takes eliminations for."""
    stmt = (
        select(Indicator.code, IndicatorVersion.name_zh, IndicatorVersion.name_en)
        .join(IndicatorVersion, IndicatorVersion.indicator_id == Indicator.id)
        .where(Indicator.eliminated.is_(True), Indicator.kind != "derived")
        .order_by(Indicator.code, IndicatorVersion.from_year)
    )
    names = {code: (code, zh, en) for code, zh, en in session.execute(stmt)}
    return list(names.values())


def save_rows(session: Session, actor: Actor, rows: list[Row], source: str) -> dict[str, int]:
    """Rows per pair of units (or per consolidating unit, as the CLI takes them), all or nothing."""
    problems = Problems()
    booked = booked_rows(session, actor, rows, problems)
    if problems and not booked:
        raise problems.failure(source)
    return import_eliminations(session, booked, actor, source=source, problems=problems)


def grid_rows(form: dict[str, str], period: str, count: int) -> list[Row]:
    """The filled rows of the entry grid (fields ``<name>_<n>``), numbered from 1."""
    rows = []
    for n in range(1, count + 1):
        values = {f: form.get(f"{f}_{n}", "").strip() for f in GRID_FIELDS}
        if any(values.values()):
            rows.append(Row(n, {**values, "period": period}))
    return rows


def save_file(session: Session, actor: Actor, path: Path, name: str) -> dict[str, int]:
    """An uploaded CSV or Excel workbook of elimination rows; problems name the sheet and cell."""
    if name.lower().endswith(".xlsx"):
        sheet = open_sheet(path, REQUIRED, OPTIONAL)
        problems = Problems()
        rows = list(sheet.rows(problems))
        try:
            if problems:
                raise problems.failure(name)
            return save_rows(session, actor, rows, name)
        except ValidationFailed as exc:
            raise sheet.failure(ValidationFailed(exc.problems, name, exc.more)) from None
    if not name.lower().endswith(".csv"):
        raise ValidationFailed([Problem("choose a .csv or .xlsx file", zh="请选择 .csv 或 .xlsx 文件")], name)
    problems = Problems()
    rows = list(read_csv(path, REQUIRED, OPTIONAL, problems))
    if problems:
        raise problems.failure(name)
    return save_rows(session, actor, rows, name)


@dataclass(frozen=True)
class Consolidated:
    code: str
    net: str  # after eliminations, as the cockpit shows it
    gross: str  # before
    eliminated: str


def consolidated(analysis: Analysis, unit_id: int, period: int, codes: list[str]) -> list[Consolidated]:
    """The unit's consolidated month value of each of ``codes`` with and without the eliminations
    booked on it and on every unit below it, from the engine."""
    engine, node = analysis.engine, analysis.node(unit_id)
    year, month = divmod(period, 100)
    try:
        t = engine.month_index(year, month)
    except ValueError:
        return []
    if node is None or not engine.tree(year, month).active[node]:
        return []
    codes = [c for c in codes if c in engine.catalog.index]
    measures = engine.measures([node], year, month, codes)
    below = engine.tree(year, month).descendants(node)
    removed = np.zeros(engine.catalog.n_reported, dtype=np.int64)
    for k in below.tolist():
        removed += engine.eliminations.at(int(k), t)
    out = []
    for code in codes:
        i = engine.catalog.index[code]
        column, scale = measures.column(i), int(engine.catalog.scale[i])
        if not measures.value.present[0, column]:
            continue
        net = int(measures.value.scaled[0, column])
        cut = int(removed[engine.catalog.reported_pos[i]])
        out.append(
            Consolidated(code, format_scaled(net, scale), format_scaled(net + cut, scale), format_scaled(cut, scale))
        )
    return out
