"""Import annual targets (ensure / strive). A changed target is a revision with a reason."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pacer.audit.service import record
from pacer.auth.permissions import SET_TARGETS, SYSTEM, Actor, visible_unit_ids
from pacer.errors import Problem, ValidationFailed
from pacer.facts.rows import visible_unit
from pacer.kit import periods
from pacer.kit.numbers import TARGET_LIMIT, check_range, format_scaled, parse_scaled
from pacer.kit.tabular import Problems, ProblemSink, Row, read_csv
from pacer.models import TARGET_BASES, TARGET_TIERS, Fact, Indicator, Target, Unit
from pacer.org.repository import subtree_select
from pacer.targets import calc
from pacer.targets.repository import subtree_months

TARGET_COLUMNS = ("unit_code", "indicator_code", "year", "tier")
TARGET_OPTIONAL = ("value", "growth_pct", "phasing", "reason", "basis")
PHASING_WORDS = ("linear", "last_year")  # besides twelve percentages: the profile to work out
GROWTH_LIMIT_BP = 1_000_000  # growth_pct from -100 to 10,000 (a target at most 101 times last year)


@dataclass(frozen=True)
class TargetRow:
    row: int
    unit: Unit
    indicator: Indicator
    year: int
    tier: str
    value: int | None
    growth_bp: int | None
    phasing_bp: list[int] | str | None  # a word of PHASING_WORDS until resolved
    reason: str


@dataclass(frozen=True)
class Report:
    """What an import did (created, revised, unchanged) and what it could not follow as asked
    (a seasonal profile without last year's figures), with the row."""

    counts: dict[str, int]
    warnings: list[Problem]


def import_targets_file(session: Session, path: Path, actor: Actor = SYSTEM) -> dict[str, int]:
    """A CSV file or an Excel workbook (.xlsx, as ``pacer targets export`` writes it)."""
    if path.suffix.lower() == ".xlsx":
        from pacer.targets.excel import import_workbook

        return import_workbook(session, path, actor).counts
    problems = Problems()
    rows = read_csv(path, TARGET_COLUMNS, TARGET_OPTIONAL, problems)
    return import_targets(session, rows, actor, str(path), problems)


def import_targets(
    session: Session,
    rows: Iterable[Row],
    actor: Actor = SYSTEM,
    source: str = "targets",
    problems: Problems | None = None,
) -> dict[str, int]:
    return import_targets_report(session, rows, actor, source, problems).counts


def import_targets_report(
    session: Session,
    rows: Iterable[Row],
    actor: Actor = SYSTEM,
    source: str = "targets",
    problems: Problems | None = None,
) -> Report:
    """Validate every row, then store them all or nothing (ValidationFailed naming every problem)."""
    problems = Problems() if problems is None else problems
    parsed = _parse(session, rows, actor, problems)
    resolved: dict[int, int] = {}
    warnings: list[Problem] = []
    if not problems:
        resolved = _resolve_growth(session, parsed, problems)
        parsed = _resolve_phasing(session, parsed, warnings)
    if not problems:
        problems += _check_tiers(parsed, resolved) + _check_revisions(session, parsed, resolved)
    if problems:
        raise problems.failure(source)
    if not parsed:
        raise ValidationFailed([Problem("no rows: nothing to import")], source)
    return Report(_store(session, parsed, resolved, actor), warnings)


def _parse(session: Session, rows: Iterable[Row], actor: Actor, problems: Problems) -> list[TargetRow]:
    units = {u.code: u for u in session.scalars(select(Unit))}
    indicators = {i.code: i for i in session.scalars(select(Indicator))}
    allowed = visible_unit_ids(session, actor, SET_TARGETS)
    parsed: list[TargetRow] = []
    seen: dict[tuple[str, str, int, str], int] = {}
    for row in rows:
        before = len(problems)
        unit = visible_unit(row, units, allowed, problems)
        indicator = indicators.get(row.get("indicator_code"))
        if indicator is None:
            problems.append(Problem(f"unknown indicator '{row.get('indicator_code')}'", row.number, "indicator_code"))
        year = _year(row, problems)
        tier = row.get("tier")
        if tier not in TARGET_TIERS:
            problems.append(Problem(f"tier must be 'ensure' or 'strive', not '{tier}'", row.number, "tier"))
        value, growth = _amount(row, indicator, problems)
        phasing = _phasing(row, indicator, problems)
        if len(problems) > before or unit is None or indicator is None:
            continue  # an unknown unit or indicator has put its problem
        key = (unit.code, indicator.code, year, tier)
        if key in seen:
            problems.append(Problem(f"the same target as row {seen[key]}", row.number, "tier"))
            continue
        seen[key] = row.number
        parsed.append(TargetRow(row.number, unit, indicator, year, tier, value, growth, phasing, row.get("reason")))
    return parsed


def _year(row: Row, problems: ProblemSink) -> int:
    text = row.get("year")
    if not (text.isascii() and text.isdigit()) or not 2000 <= int(text) <= 2100:
        problems.append(Problem(f"'{text}' is not a year", row.number, "year"))
        return 0
    return int(text)


def _amount(row: Row, indicator: Indicator | None, problems: ProblemSink) -> tuple[int | None, int | None]:
    value_text, growth_text, basis = row.get("value"), row.get("growth_pct"), row.get("basis")
    # with a basis (an exported workbook has both: the growth and the value it gave), the basis
    # says which one is the target
    if basis not in ("", *TARGET_BASES):
        problems.append(Problem(f"basis must be 'absolute' or 'growth', not '{basis[:40]}'", row.number, "basis"))
        return None, None
    if basis:
        value_text, growth_text = (value_text, "") if basis == "absolute" else ("", growth_text)
    if bool(value_text) == bool(growth_text):
        problems.append(Problem("give exactly one of value and growth_pct", row.number, "value"))
        return None, None
    if indicator is None:
        return None, None
    try:
        if value_text:
            value = parse_scaled(value_text, indicator.scale, TARGET_LIMIT)
            if value < 0 and indicator.never_negative:
                problems.append(Problem(f"'{indicator.code}' cannot be negative", row.number, "value"))
                return None, None
            return value, None
        if indicator.kind == "derived":
            problems.append(Problem("a derived indicator's target must be a value", row.number, "growth_pct"))
            return None, None
        growth = parse_scaled(growth_text, 2, GROWTH_LIMIT_BP)
        if growth < -10000:
            problems.append(Problem(f"'{growth_text}' is below -100 %", row.number, "growth_pct"))
            return None, None
        return None, growth
    except ValueError as exc:
        problems.append(Problem(str(exc), row.number, "value" if value_text else "growth_pct"))
        return None, None


def _phasing(row: Row, indicator: Indicator | None, problems: ProblemSink) -> list[int] | str | None:
    text = row.get("phasing")
    if not text:
        return None
    if text in PHASING_WORDS:
        if text == "last_year" and indicator is not None and indicator.kind != "flow":
            problems.append(Problem("last year's seasonality is for flows only", row.number, "phasing"))
        return text
    try:
        shares = [parse_scaled(part, 2, 10000) for part in text.split(";")]
    except ValueError as exc:
        problems.append(Problem(f"phasing: {exc}", row.number, "phasing"))
        return None
    if len(shares) != 12 or sum(shares) != 10000 or min(shares) < 0:
        problems.append(
            Problem(
                "phasing must be 12 non-negative percentages separated by ';' adding up to 100", row.number, "phasing"
            )
        )
        return None
    return shares


def last_year_actual(session: Session, unit: Unit, indicator: Indicator, year: int) -> int | None:
    """The subtree's actual for ``year``: a flow's twelve months, a stock's December balance."""
    members = subtree_select([unit.id], date(year, 12, 31))
    stmt = select(func.sum(Fact.value), func.count()).where(
        Fact.unit_id.in_(members), Fact.indicator_id == indicator.id
    )
    if indicator.kind == "flow":
        stmt = stmt.where(Fact.period.in_(periods.periods_between(year * 100 + 1, year * 100 + 12)))
    else:
        stmt = stmt.where(Fact.period == year * 100 + 12)
    total, count = session.execute(stmt).one()
    return int(total) if count else None


def _resolve_growth(session: Session, parsed: list[TargetRow], problems: Problems) -> dict[int, int]:
    resolved = {}
    for t in parsed:
        if t.value is not None:
            resolved[t.row] = t.value
            continue
        assert t.growth_bp is not None, "a target row has an amount or a growth"
        base = last_year_actual(session, t.unit, t.indicator, t.year - 1)
        if base is None:
            problems.append(
                Problem(
                    f"growth needs {t.unit.code}'s actual for {t.year - 1}, which has no figures", t.row, "growth_pct"
                )
            )
            continue
        target = (Decimal(base) * (Decimal(10000 + t.growth_bp) / 10000)).quantize(Decimal(1), ROUND_HALF_EVEN)
        try:
            check_range(int(target), t.indicator.scale, TARGET_LIMIT)
        except ValueError as exc:
            problems.append(Problem(f"the target this growth gives, {exc}", t.row, "growth_pct"))
            continue
        resolved[t.row] = int(target)
    return resolved


def _resolve_phasing(session: Session, parsed: list[TargetRow], warnings: list[Problem]) -> list[TargetRow]:
    """The rows with ``linear`` and ``last_year`` turned into their twelve monthly shares."""
    out = []
    for t in parsed:
        if t.phasing_bp == "linear":
            t = replace(t, phasing_bp=calc.linear_phasing())
        elif t.phasing_bp == "last_year":
            months = subtree_months(session, [t.unit.id], [t.indicator.id], t.year - 1)[(t.unit.id, t.indicator.id)]
            split = calc.last_year_phasing(months)
            if split.warning:
                warnings.append(Problem(f"{t.unit.code} {t.indicator.code}: {split.warning}", t.row, "phasing"))
            t = replace(t, phasing_bp=split.shares)
        out.append(t)
    return out


def _check_tiers(parsed: list[TargetRow], resolved: dict[int, int]) -> list[Problem]:
    tiers = {(t.unit.id, t.indicator.id, t.year, t.tier): t for t in parsed}
    problems = []
    for (unit_id, ind_id, year, tier), strive in tiers.items():
        ensure = tiers.get((unit_id, ind_id, year, "ensure"))
        if tier != "strive" or ensure is None:
            continue
        lower = strive.indicator.direction == "lower"
        a, b = resolved[ensure.row], resolved[strive.row]
        if (b > a) if lower else (b < a):
            problems.append(
                Problem(
                    f"the strive tier must be at least as demanding as the ensure tier (row {ensure.row})",
                    strive.row,
                    "value",
                )
            )
    return problems


def _current(session: Session, parsed: list[TargetRow]) -> dict[tuple[int, int, int, str], Target]:
    years = {t.year for t in parsed}
    stmt = select(Target).where(Target.is_current.is_(True), Target.year.in_(years))
    return {(t.unit_id, t.indicator_id, t.year, t.tier): t for t in session.scalars(stmt)}


def _check_revisions(session: Session, parsed: list[TargetRow], resolved: dict[int, int]) -> list[Problem]:
    current = _current(session, parsed)
    problems = []
    for t in parsed:
        old = current.get((t.unit.id, t.indicator.id, t.year, t.tier))
        if old is not None and (old.value, old.phasing_bp) != (resolved[t.row], t.phasing_bp) and not t.reason:
            problems.append(Problem("changing an existing target needs a reason", t.row, "reason"))
    return problems


def _store(session: Session, parsed: list[TargetRow], resolved: dict[int, int], actor: Actor) -> dict[str, int]:
    current = _current(session, parsed)
    counts = {"created": 0, "revised": 0, "unchanged": 0}
    for t in parsed:
        key = (t.unit.id, t.indicator.id, t.year, t.tier)
        old, value = current.get(key), resolved[t.row]
        if old is not None and (old.value, old.phasing_bp) == (value, t.phasing_bp):
            counts["unchanged"] += 1
            continue
        if old is not None:
            old.is_current = False
        session.add(
            Target(
                unit_id=t.unit.id,
                indicator_id=t.indicator.id,
                year=t.year,
                tier=t.tier,
                basis="growth" if t.growth_bp is not None else "absolute",
                value=value,
                growth_bp=t.growth_bp,
                phasing_bp=t.phasing_bp,
                revision=(old.revision + 1) if old else 1,
                reason=t.reason,
                created_by=actor.username,
            )
        )
        session.flush()  # the retired row first, so a partial unique index could hold
        scale = t.indicator.scale
        record(
            session,
            actor.username,
            "target.revise" if old else "target.set",
            "target",
            f"{t.unit.code}/{t.indicator.code}/{t.year}/{t.tier}",
            None if old is None else {"value": format_scaled(old.value, scale), "revision": old.revision},
            {"value": format_scaled(value, scale), "growth_bp": t.growth_bp, "reason": t.reason},
        )
        counts["revised" if old else "created"] += 1
    return counts
