"""Import monthly figures. The whole file is one transaction: any problem stores nothing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.analysis import Analysis
from pacer.audit.service import Change, record_changes, record_many
from pacer.audit.subject import Subject
from pacer.auth.permissions import ACCEPT, REPORT, SYSTEM, Actor, visible_unit_ids
from pacer.errors import Problem, ValidationFailed
from pacer.facts import repository
from pacer.facts.parsed import FactRow, IndicatorRef, UnitRef
from pacer.facts.rows import ReadRow, lock_problems, monthly_problem, parse_figure, past_period, visible_unit
from pacer.indicators.assignment_service import unassigned_problems
from pacer.kit import bulk, collector, periods
from pacer.kit.bulk import Json
from pacer.kit.numbers import format_scaled
from pacer.kit.progress import Report, counted, data_lines
from pacer.kit.tabular import Problems, ProblemSink, Row, read_csv
from pacer.models import Submission, Unit
from pacer.models.base import utcnow
from pacer.submissions import rule_config
from pacer.submissions.rule_context import contexts
from pacer.submissions.rules import ERROR, RuleContext, check

FACT_COLUMNS = ("unit_code", "indicator_code", "period", "value")
ACCEPTED = "accepted"  # the state of HQ's load (see _loaded_months)
FACT_OPTIONAL = ("basis",)


def import_facts_file(
    session: Session,
    path: Path,
    actor: Actor = SYSTEM,
    today: date | None = None,
    language: str = "en",
    warnings: list[Problem] | None = None,
    progress: Report | None = None,
    source: str = "",
) -> dict[str, int]:
    """Import a CSV file of figures named ``source`` (default: its path); ``progress``: rows read, then stored."""
    rows = read_csv(path, FACT_COLUMNS, FACT_OPTIONAL, problems := Problems())
    if progress is not None:
        rows = counted(rows, "read", data_lines(path), progress)
    return import_facts(session, rows, actor, today, source or str(path), problems, language, warnings, progress)


def import_facts(
    session: Session,
    rows: Iterable[Row],
    actor: Actor = SYSTEM,
    today: date | None = None,
    source: str = "facts",
    problems: Problems | None = None,
    language: str = "en",
    warnings: list[Problem] | None = None,
    progress: Report | None = None,
    analysis: Analysis | None = None,
) -> dict[str, int]:
    """Import ``rows``; after the rows' own checks, the validation rules run on each unit's
    month: their errors are problems (in ``language``), their warnings are added to ``warnings``
    (they do not stop the import; the submission workflow asks for their explanations).
    ``progress`` is told how many figures are stored. The rules read the figures around each
    month from ``analysis`` (the served engine) when it is current, else from the database."""
    with collector.paused():  # the cyclic garbage collector held off meanwhile
        parsed, monthly = check_facts(session, rows, actor, today, source, problems, language, warnings, analysis)
        return _store(session, parsed, monthly, actor, source, progress)


def check_facts(
    session: Session,
    rows: Iterable[Row],
    actor: Actor = SYSTEM,
    today: date | None = None,
    source: str = "facts",
    problems: Problems | None = None,
    language: str = "en",
    warnings: list[Problem] | None = None,
    analysis: Analysis | None = None,
    given: Mapping[tuple[int, int], RuleContext] | None = None,
) -> tuple[list[FactRow], dict[int, int]]:
    """Every check :func:`import_facts` makes of ``rows``, storing nothing: their problems
    raised as one failure, else the rows parsed and each row's own-month amount. ``given``: the
    rules' context of unit-months (by unit id and period) the caller has built already."""
    problems = Problems() if problems is None else problems
    parsed = _parse(session, rows, actor, today, problems)
    monthly: dict[int, int] = {}
    if not problems:
        monthly = _to_monthly(session, parsed, problems)
    if not problems:
        problems += _rule_problems(session, parsed, monthly, actor, language, warnings, analysis, given)
    if problems:
        raise problems.failure(source)
    if not parsed:
        raise ValidationFailed([Problem("no rows: nothing to import")], source)
    return parsed, monthly


def _parse(
    session: Session, rows: Iterable[Row], actor: Actor, today: date | None, problems: Problems
) -> list[FactRow]:
    # the rows' own units when they are at hand (a submission's: one unit), else every unit
    named = select(Unit) if not isinstance(rows, Sequence) else select(Unit).where(Unit.code.in_(_codes_of(rows)))
    units = {u.code: u for u in session.scalars(named)}
    indicators = IndicatorRef.every(session)
    refs: dict[Unit, UnitRef] = {}
    allowed = _loaders_units(session, actor)
    now = periods.current_month(today)
    parsed: list[FactRow] = []
    seen: dict[tuple[str, str, int], int] = {}
    good: dict[tuple[Unit, str], int] = {}  # a unit's month as written, once found good
    visible: dict[str, Unit] = {}  # unit codes found and open to the actor
    for row in rows:
        before = problems.count
        unit = visible.get(code := row.values.get("unit_code") or "")
        if unit is None:
            unit = visible_unit(row, units, allowed, problems)
            if unit is not None and code == row.get("unit_code"):
                visible[code] = unit
        indicator = indicators.get(row.get("indicator_code"))
        if indicator is None:
            problems.append(Problem(f"unknown indicator '{row.get('indicator_code')}'", row.number, "indicator_code"))
        elif indicator.kind == "derived":
            why = f"'{indicator.code}' is derived from other indicators and is not reported"
            problems.append(Problem(why, row.number, "indicator_code"))
        period = good.get((unit, row.get("period")), 0) if unit is not None else 0
        if not period:
            period = _period(row, now, unit, problems)
            if unit is not None and problems.count == before:
                good[(unit, row.get("period"))] = period
        basis = row.get("basis") or (indicator.reporting if indicator else None) or "monthly"
        if basis not in ("monthly", "ytd"):
            problems.append(Problem(f"basis must be 'monthly' or 'ytd', not '{basis}'", row.number, "basis"))
        value = None
        if indicator is not None and basis in ("monthly", "ytd"):
            months = 12 if basis == "ytd" and indicator.kind == "flow" else 1
            value = row.figure if isinstance(row, ReadRow) else None  # read where the workbook was
            value = parse_figure(row, "value", indicator, problems, months) if value is None else value
        if problems.count > before or unit is None or indicator is None or value is None:
            continue  # each of these None has put its problem (checked first)
        ref = refs.get(unit) or refs.setdefault(unit, UnitRef(unit.id, unit.code, unit))
        key = (ref.code, indicator.code, period)
        if key in seen:
            problems.append(Problem(f"the same unit, indicator and period as row {seen[key]}", row.number, "period"))
            continue
        seen[key] = row.number
        parsed.append(FactRow(row.number, ref, indicator, period, value, basis))
    problems += lock_problems(session, parsed)
    problems += unassigned_problems(
        session, ((f.row, f.unit.id, f.unit.code, f.indicator.code, f.indicator.id, f.period) for f in parsed)
    )
    return parsed


def _codes_of(rows: Sequence[Row]) -> list[str]:
    return sorted({row.get("unit_code") for row in rows})


def _period(row: Row, now: int, unit: Unit | None, problems: ProblemSink) -> int:
    period = past_period(row, now, problems)
    if period and unit is not None:
        start = periods.first_day(period)
        if unit.created_on and periods.add_months(period, 1) <= unit.created_on.year * 100 + unit.created_on.month:
            problems.append(Problem(f"unit '{unit.code}' was created on {unit.created_on}", row.number, "period"))
        if unit.dissolved_on and start > unit.dissolved_on:
            problems.append(Problem(f"unit '{unit.code}' was dissolved on {unit.dissolved_on}", row.number, "period"))
    return period


def _to_monthly(session: Session, parsed: list[FactRow], problems: Problems) -> dict[int, int]:
    """Each row's own-month amount; year-to-date flows are differenced against the prior month."""
    monthly: dict[int, int] = {}
    ytd_rows = [f for f in parsed if f.basis == "ytd" and f.indicator.kind == "flow" and f.period % 100 > 1]
    for f in parsed:
        monthly[f.row] = f.value
        if f.basis == "ytd" and f.indicator.kind == "flow" and f.period % 100 == 1:
            # January's year-to-date figure is its month's amount
            problem = monthly_problem(f.value, f.indicator, f.row)
            if problem is not None:
                problems.append(problem)
    if not ytd_rows:
        return monthly
    stored = repository.facts_for(
        session,
        {f.unit.id for f in ytd_rows},
        {f.indicator.id for f in ytd_rows},
        min(f.period for f in ytd_rows) // 100 * 100 + 1,
        max(f.period for f in ytd_rows),
    )
    in_file = {(f.unit.id, f.indicator.id, f.period): f for f in parsed}
    ytd_cache: dict[tuple[int, int, int], int | None] = {}

    def ytd(unit_id: int, ind_id: int, period: int) -> int | None:
        # YTD at ``period``: from the file when given there, else stored months summed.
        key = (unit_id, ind_id, period)
        if key not in ytd_cache:
            f = in_file.get(key)
            if f is not None and f.basis == "ytd":
                ytd_cache[key] = f.value
            else:
                own = f.value if f is not None else stored.get(key)
                prior = 0 if period % 100 == 1 else ytd(unit_id, ind_id, period - 1)
                ytd_cache[key] = None if own is None or prior is None else own + prior
        return ytd_cache[key]

    for f in ytd_rows:
        prior = ytd(f.unit.id, f.indicator.id, f.period - 1)
        if prior is None:
            why = (
                f"a year-to-date value for {periods.format_period(f.period)} needs {f.unit.code}'s "
                f"'{f.indicator.code}' for every earlier month of {f.period // 100}"
            )
            problems.append(Problem(why, f.row, "value"))
            continue
        monthly[f.row] = f.value - prior
        problem = monthly_problem(monthly[f.row], f.indicator, f.row)
        if problem is not None:
            problems.append(problem)
    return monthly


def _rule_problems(
    session: Session,
    parsed: list[FactRow],
    monthly: dict[int, int],
    actor: Actor,
    language: str,
    warnings: list[Problem] | None,
    analysis: Analysis | None = None,
    given: Mapping[tuple[int, int], RuleContext] | None = None,
) -> list[Problem]:
    """The rules' errors on each unit's month in the file, at the rows they are about. Whether
    every required indicator is there is the submission's question, not a partial import's."""
    months: dict[tuple[int, int], list[FactRow]] = defaultdict(list)
    for f in parsed:
        months[(f.unit.id, f.period)].append(f)
    pending = {(f.unit.id, f.indicator.id, f.period): monthly[f.row] for f in parsed}
    found = dict(given or {})
    wanted = [(rows[0].unit.unit, key[1]) for key, rows in months.items() if key not in found]
    if wanted:
        config = rule_config.configured()
        found |= contexts(session, actor, wanted, config, pending, with_required=False, analysis=analysis)
    problems: list[Problem] = []
    for key, rows in months.items():
        at = {f.indicator.code: f.row for f in rows}
        for finding in check({f.indicator.code: monthly[f.row] for f in rows}, found[key]):
            if finding.severity == ERROR:
                row = at.get(finding.indicator)
                problems.append(Problem(finding.message(language), row, "value", zh=finding.message_zh))
            elif warnings is not None:
                unit = rows[0].unit.code
                where = f"{unit} {periods.format_period(key[1])}"
                warnings.append(Problem(f"{where}: {finding.message(language)}", at.get(finding.indicator), "value"))
    return sorted(problems, key=lambda p: p.row or 0)


def _loaders_units(session: Session, actor: Actor) -> set[int] | None:
    """The units whose figures ``actor`` may load: those it reports for and, HQ, those whose
    month it may accept (None: all)."""
    reporting, accepting = visible_unit_ids(session, actor, REPORT), visible_unit_ids(session, actor, ACCEPT)
    return None if reporting is None or accepting is None else reporting | accepting


def _loaded_months(
    session: Session, parsed: list[FactRow], actor: Actor, source: str
) -> dict[tuple[int, int], Submission]:
    """Each unit-month's submission row, made if missing. HQ's load (the system's, or of one who
    may accept the unit's month) is an accepted load: a month outside the submission workflow is
    marked accepted, in the audit trail with who loaded it from what; a month in the workflow
    keeps its state (its acceptance replaces these figures). A unit's own load leaves a draft."""
    units = {f.unit.id: f.unit for f in parsed}
    keys = sorted({(f.unit.id, f.period) for f in parsed})
    subs = repository.submissions_for(session, keys)
    accepting = visible_unit_ids(session, actor, ACCEPT)
    audit = []
    for unit_id, period in keys:
        sub = subs.get((unit_id, period))
        hq = accepting is None or unit_id in accepting
        if sub is None:
            sub = subs[(unit_id, period)] = Submission(unit_id=unit_id, period=period, state="draft", version=0)
            session.add(sub)
        elif not hq or sub.workflow_item_id is not None:
            continue
        before = None if sub.id is None else {"state": sub.state, "source": sub.source}
        sub.source = source[-200:]
        if hq:
            sub.state = ACCEPTED
            key = f"{units[unit_id].code}/{periods.format_period(period)}"
            after = {"state": ACCEPTED, "source": sub.source}
            audit.append(
                {"actor": actor.username, "action": "submission.load", "entity": "submission", "entity_key": key}
                | {"before": before, "after": after}
            )
    session.flush()
    record_many(session, audit)
    return subs


def _store(
    session: Session,
    parsed: list[FactRow],
    monthly: dict[int, int],
    actor: Actor,
    source: str,
    progress: Report | None = None,
) -> dict[str, int]:
    with bulk.roomy_cache(session.connection()):
        return _stored(session, parsed, monthly, actor, source, progress)


def _stored(
    session: Session,
    parsed: list[FactRow],
    monthly: dict[int, int],
    actor: Actor,
    source: str,
    progress: Report | None = None,
) -> dict[str, int]:
    keys = {(f.unit.id, f.period) for f in parsed}
    subs = _loaded_months(session, parsed, actor, source)
    before = repository.facts_for(
        session,
        {f.unit.id for f in parsed},
        {f.indicator.id for f in parsed},
        min(f.period for f in parsed) if parsed else 0,
        max(f.period for f in parsed) if parsed else 0,
    )
    writes: list[tuple[int, int, int, int, int | None]] = []
    audit: list[Change] = []
    counts: defaultdict[str, int] = defaultdict(int)
    note, months = source[-200:], {key: periods.format_period(key[1]) for key in keys}
    ids = {key: sub.id for key, sub in subs.items()}
    # in the primary key's order: the database's index takes them in sequence
    for f in sorted(parsed, key=lambda f: (f.unit.id, f.period, f.indicator.id)):
        unit, indicator, month = f.unit, f.indicator, (f.unit.id, f.period)
        key = (unit.id, indicator.id, f.period)
        new, old = monthly[f.row], before.get(key)
        if old == new:
            counts["unchanged"] += 1
            continue
        counts["created" if old is None else "updated"] += 1
        writes.append((*key, new, ids[month]))
        audit.append(
            (
                f"{unit.code}/{indicator.code}/{months[month]}",
                Subject(unit.code, indicator.code, f.period),
                None if old is None else _value_json(old, indicator.scale),
                _value_json(new, indicator.scale),
            )
        )
    repository.upsert_facts(session, writes, progress)
    record_changes(session, actor.username, "fact.set", "fact", note, audit)
    for unit_month in keys:
        subs[unit_month].updated_at = utcnow()
    session.flush()
    return {"rows": len(parsed), **counts}


def _value_json(scaled: int, scale: int) -> Json:
    """An audit row's ``{"value": "1234.50"}``, written directly (a formatted figure needs no escaping)."""
    return Json(f'{{"value": "{format_scaled(scaled, scale)}"}}')
