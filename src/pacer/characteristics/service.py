"""The characteristics' operations: define one, add measurements (API or file), calibrate and
freeze its limits, exclude a phase I point for an assignable cause (a revision: frozen limits are
recalibrated), and compute its chart. Reading needs the unit in view; writing needs QUALITY on
the characteristic's unit. Every change is audited. Flushes, never commits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
from sqlalchemy.orm import Session

from pacer.audit.service import record
from pacer.auth.permissions import QUALITY, Actor, require
from pacer.characteristics import calc, ingest, repository
from pacer.characteristics.schemas import CharacteristicIn, SubgroupIn
from pacer.characteristics.validation import Incoming, batch_problems, spec_problems
from pacer.errors import Conflict, DomainError, NotFound, Problem, ValidationFailed
from pacer.models import SPC_ATTRIBUTE_CHARTS, Characteristic, ExcludedPoint, Unit
from pacer.models.base import utcnow
from pacer.spc import Standard

ENTITY = "spc_characteristic"


def _key(unit: Unit, c: Characteristic) -> str:
    return f"{unit.code}/{c.code}"


def get(session: Session, actor: Actor, characteristic_id: int) -> Characteristic:
    """The characteristic if its unit is in view; else not found, as for one that does not exist."""
    found = repository.one(session, actor, characteristic_id)
    if found is None:
        raise NotFound(f"no characteristic {characteristic_id} here")
    return found


def for_change(session: Session, actor: Actor, characteristic_id: int) -> Characteristic:
    found = get(session, actor, characteristic_id)
    require(session, actor, QUALITY, found.unit_id)
    return found


def unit_in_view(session: Session, actor: Actor, code: str) -> Unit:
    found = repository.unit(session, actor, code)
    if found is None:
        raise NotFound(f"no unit '{code}' here")
    return found


def unit_for_change(session: Session, actor: Actor, code: str) -> Unit:
    """A unit in view where the actor manages quality (defines characteristics)."""
    unit = unit_in_view(session, actor, code)
    require(session, actor, QUALITY, unit.id)
    return unit


def unit_of(session: Session, c: Characteristic) -> Unit:
    return repository.unit_of(session, c)


def may_change(session: Session, actor: Actor, c: Characteristic) -> bool:
    return may_define(session, actor, repository.unit_of(session, c))


def may_define(session: Session, actor: Actor, unit: Unit) -> bool:
    try:
        require(session, actor, QUALITY, unit.id)
    except DomainError:
        return False
    return True


def create(session: Session, actor: Actor, body: CharacteristicIn) -> Characteristic:
    unit = unit_in_view(session, actor, body.unit_code)
    require(session, actor, QUALITY, unit.id)
    limits = (body.lsl, body.usl, body.target)
    problems = spec_problems(body.chart, body.rules, body.subgroup_size, limits, body.rule_counts)
    if repository.by_code(session, unit.id, body.code) is not None:
        problems.append(Problem(f"{unit.code} already has a characteristic {body.code}", field="code",
                                zh=f"{unit.code} 已有特性 {body.code}"))  # fmt: skip
    if problems:
        raise ValidationFailed(problems, "characteristic")
    c = Characteristic(**body.model_dump(exclude={"unit_code"}), unit_id=unit.id, created_by=actor.username)
    session.add(c)
    session.flush()
    record(session, actor.username, "spc.define", ENTITY, _key(unit, c), None, _spec(c), unit_id=unit.id)
    return c


SHAPING = ("chart", "subgroup_size")  # what the stored values were measured for


def edit(session: Session, actor: Actor, characteristic_id: int, changes: dict[str, object]) -> Characteristic:
    """Change some of a characteristic's fields (``changes``: name -> new value; the chart and
    subgroup size only while nothing is stored), checked like a new one and audited. Frozen
    limits are recalibrated when phase I changes (a revision)."""
    c = for_change(session, actor, characteristic_id)
    before = _spec(c) | {"name_zh": c.name_zh, "name_en": c.name_en}
    wanted = {k: v for k, v in changes.items() if before.get(k) != v}
    problems: list[Problem] = []
    stored = repository.last_subgroup(session, c.id)
    for name in SHAPING:
        if name in wanted and stored:
            problems.append(Problem(f"the {name.replace('_', ' ')} cannot change: {stored} subgroups are stored",
                                    field=name, zh=f"已存储 {stored} 个子组，不能再改变{_ZH[name]}"))  # fmt: skip
    after = before | wanted
    limits = cast(tuple[float | None, float | None, float | None], (after["lsl"], after["usl"], after["target"]))
    counts = cast(dict[str, int] | None, after["rule_counts"])
    problems += spec_problems(
        str(after["chart"]), str(after["rules"]), int(str(after["subgroup_size"])), limits, counts
    )
    if problems:
        raise ValidationFailed(problems, "characteristic")
    if not wanted:
        return c
    for name, value in wanted.items():
        setattr(c, name, value)
    session.flush()
    unit = repository.unit_of(session, c)
    record(session, actor.username, "spc.edit", ENTITY, _key(unit, c), {k: before[k] for k in wanted}, wanted,
           unit_id=c.unit_id)  # fmt: skip
    if "phase1_last" in wanted and c.frozen_center is not None:
        _refreeze(session, actor, c, "spc.revise", f"phase I to subgroup {c.phase1_last}")
    return c


_ZH = {"chart": "控制图", "subgroup_size": "子组容量"}


def _spec(c: Characteristic) -> dict[str, object]:
    fields = ("product", "product_en", "measure_unit", "lsl", "usl", "target", "subgroup_size", "chart", "rules",
              "rule_counts", "phase1_last")  # fmt: skip
    return {f: getattr(c, f) for f in fields}


def subgroups_stored(session: Session, c: Characteristic) -> int:
    return repository.last_subgroup(session, c.id)


def add(session: Session, actor: Actor, characteristic_id: int, sent: list[SubgroupIn]) -> tuple[int, int, int]:
    """Subgroups sent through the API; a subgroup without a number takes the next one."""
    c = for_change(session, actor, characteristic_id)
    last = repository.last_subgroup(session, c.id)
    batch, following = [], last + 1
    counted = c.chart in SPC_ATTRIBUTE_CHARTS
    for i, item in enumerate(sent):
        number = item.subgroup if item.subgroup is not None else following
        values = (item.count,) if counted and item.count is not None else tuple(item.values)
        batch.append(Incoming(number, values, field=f"subgroups[{i}]", size=item.size,
                              measured_at=item.measured_at, batch=item.batch.strip()))  # fmt: skip
        following = number + 1
    return _store(session, actor, c, batch, last, "api")


def upload(
    session: Session, actor: Actor, characteristic_id: int, filename: str, content: bytes
) -> tuple[int, int, int]:
    """A CSV or Parquet file's subgroups (its bytes already read within the upload limit)."""
    c = for_change(session, actor, characteristic_id)
    last = repository.last_subgroup(session, c.id)
    counted = c.chart in SPC_ATTRIBUTE_CHARTS
    batch = ingest.read(filename, content, last, c.subgroup_size, counted)
    return _store(session, actor, c, batch, last, filename)


def _store(
    session: Session, actor: Actor, c: Characteristic, batch: list[Incoming], last: int, source: str
) -> tuple[int, int, int]:
    problems = batch_problems(batch, last, c.subgroup_size, c.chart)
    if problems:
        raise ValidationFailed(problems, source)
    rows: list[dict[str, object]] = [
        {"characteristic_id": c.id, "subgroup": item.subgroup, "position": p, "value": v}
        for item in batch
        for p, v in enumerate(item.values, start=1)
    ]
    repository.add_values(session, rows)
    counted = c.chart in SPC_ATTRIBUTE_CHARTS
    repository.add_subgroups(session, [
        {"characteristic_id": c.id, "subgroup": item.subgroup, "measured_at": item.measured_at, "batch": item.batch,
         "size": (item.size if item.size is not None else float(c.subgroup_size)) if counted else None}
        for item in batch
        if counted or item.measured_at is not None or item.batch
    ])  # fmt: skip
    first, end = batch[0].subgroup, batch[-1].subgroup
    unit = repository.unit_of(session, c)
    after = {"subgroups": [first, end], "values": len(rows), "source": source}
    record(session, actor.username, "spc.measure", ENTITY, _key(unit, c), None, after, unit_id=c.unit_id)
    return len(batch), first, end


def setup(c: Characteristic) -> calc.Setup:
    frozen = Standard(c.frozen_center, c.frozen_sigma) if c.frozen_center is not None and c.frozen_sigma else None
    return calc.Setup(c.chart, c.rules, c.lsl, c.usl, c.target, c.phase1_last, frozen, c.rule_counts or None)


def _inputs(session: Session, c: Characteristic) -> tuple[np.ndarray, tuple[int, ...], np.ndarray | None] | None:
    """The stored values (a row per subgroup), the excluded subgroups and, counted, the sample
    sizes; None before there are any."""
    subgroup, values = repository.values(session, c.id)
    if subgroup.size == 0:
        return None
    excluded = tuple(e.subgroup for e in repository.exclusions(session, c.id))
    sizes = None
    if c.chart in SPC_ATTRIBUTE_CHARTS:
        known = {s.subgroup: s.size for s in repository.subgroups(session, c.id)}
        count = int(subgroup.max())
        sizes = np.array([known.get(n) or float(c.subgroup_size) for n in range(1, count + 1)], dtype=float)
    return calc.matrix(subgroup, values), excluded, sizes


def result(session: Session, c: Characteristic) -> calc.Result | None:
    """The chart and capability of the stored values; None before there are any. A chart the
    core cannot draw yet (too few points) is a 422 saying why."""
    found = _inputs(session, c)
    if found is None:
        return None
    try:
        return calc.compute(setup(c), *found)
    except ValueError as exc:
        raise DomainError(f"{c.code}: {exc}", 422) from None


def exclusions(session: Session, c: Characteristic) -> list[ExcludedPoint]:
    return repository.exclusions(session, c.id)


def _calibrate(session: Session, c: Characteristic) -> Standard:
    """The standard phase I gives now (its points less the excluded ones), ignoring frozen limits."""
    found = _inputs(session, c)
    if found is None:
        raise DomainError(f"{c.code}: there are no measurements to calibrate on yet", 422)
    unfrozen = calc.Setup(c.chart, c.rules, c.lsl, c.usl, c.target, c.phase1_last, None)
    try:
        return calc.compute(unfrozen, *found).chart.standard
    except ValueError as exc:
        raise DomainError(f"{c.code}: {exc}", 422) from None


def _frozen(c: Characteristic) -> dict[str, object]:
    return {"phase1_last": c.phase1_last, "center": c.frozen_center, "sigma": c.frozen_sigma}


def _refreeze(session: Session, actor: Actor, c: Characteristic, action: str, note: str) -> None:
    before = _frozen(c)
    standard = _calibrate(session, c)
    c.frozen_center, c.frozen_sigma, c.frozen_at = standard.center, standard.sigma, utcnow()
    session.flush()
    unit = repository.unit_of(session, c)
    record(session, actor.username, action, ENTITY, _key(unit, c), before, _frozen(c), note, unit_id=c.unit_id)


def freeze(session: Session, actor: Actor, characteristic_id: int, phase1_last: int | None) -> Characteristic:
    """Calibrate on phase I (subgroups 1..``phase1_last``) and freeze the limits: later subgroups
    (phase II) are judged against them, whatever data arrives."""
    c = for_change(session, actor, characteristic_id)
    last = repository.last_subgroup(session, c.id)
    wanted = phase1_last if phase1_last is not None else c.phase1_last
    if wanted is not None and wanted > last:
        raise ValidationFailed([Problem(f"phase I up to subgroup {wanted}, but only {last} are stored",
                                        field="phase1_last", zh=f"第一阶段到子组 {wanted}，但只存储了 {last} 个子组")],
                               "freeze")  # fmt: skip
    c.phase1_last = wanted or last
    _refreeze(session, actor, c, "spc.freeze", "")
    return c


def thaw(session: Session, actor: Actor, characteristic_id: int) -> Characteristic:
    """Back to phase I: the limits follow the calibration points again until frozen anew."""
    c = for_change(session, actor, characteristic_id)
    before = _frozen(c)
    c.frozen_center = c.frozen_sigma = c.frozen_at = None
    session.flush()
    unit = repository.unit_of(session, c)
    record(session, actor.username, "spc.thaw", ENTITY, _key(unit, c), before, _frozen(c), unit_id=c.unit_id)
    return c


def exclude(
    session: Session, actor: Actor, characteristic_id: int, subgroup: int, reason: str, reason_en: str = ""
) -> ExcludedPoint:
    """Remove a phase I point for an assignable cause (given as ``reason``, and in English as
    ``reason_en`` where its writer gives it): a revision. Frozen limits are recalibrated without
    it at once."""
    c = for_change(session, actor, characteristic_id)
    last = repository.last_subgroup(session, c.id)
    end = min(c.phase1_last or last, last)
    if not 1 <= subgroup <= end:
        raise ValidationFailed([Problem(f"subgroup {subgroup} is not a phase I point (1–{end})", field="subgroup",
                                        zh=f"子组 {subgroup} 不是第一阶段的点（1–{end}）")], "exclusion")  # fmt: skip
    if repository.exclusion(session, c.id, subgroup) is not None:
        raise Conflict(f"subgroup {subgroup} is already excluded")
    point = ExcludedPoint(
        characteristic_id=c.id,
        subgroup=subgroup,
        reason=reason.strip(),
        reason_en=reason_en.strip(),
        excluded_by=actor.username,
    )
    session.add(point)
    session.flush()
    unit = repository.unit_of(session, c)
    after = {"excluded": subgroup, "reason": point.reason} | ({"reason_en": point.reason_en} if point.reason_en else {})
    record(session, actor.username, "spc.exclude", ENTITY, _key(unit, c), None, after, point.reason, unit_id=c.unit_id)
    if c.frozen_center is not None:
        _refreeze(session, actor, c, "spc.revise", f"subgroup {subgroup} excluded: {point.reason}")
    return point


def restore(session: Session, actor: Actor, characteristic_id: int, subgroup: int) -> None:
    """Put an excluded point back into the calibration (frozen limits are recalibrated)."""
    c = for_change(session, actor, characteristic_id)
    point = repository.exclusion(session, c.id, subgroup)
    if point is None:
        raise NotFound(f"subgroup {subgroup} is not excluded")
    before = {"excluded": subgroup, "reason": point.reason}
    session.delete(point)
    session.flush()
    unit = repository.unit_of(session, c)
    record(session, actor.username, "spc.restore", ENTITY, _key(unit, c), before, None, unit_id=c.unit_id)
    if c.frozen_center is not None:
        _refreeze(session, actor, c, "spc.revise", f"subgroup {subgroup} restored")


@dataclass(frozen=True)
class Line:
    """A characteristic on a unit's dashboard, with its chart's verdict (None: no data yet)."""

    characteristic: Characteristic
    unit: Unit
    subgroups: int
    out_of_control: list[int] | None
    cpk: float | None  # of the process as it runs now: phase II's once there is one
    trouble: str = ""  # why the chart cannot be drawn yet
    cpk_phase: str = ""  # "I" or "II"


def dashboard(session: Session, actor: Actor, unit_code: str) -> tuple[Unit, list[Line]]:
    """The characteristics of ``unit_code``'s subtree the actor sees, out of control first."""
    unit = unit_in_view(session, actor, unit_code)
    lines = []
    for c, owner in repository.in_subtree(session, actor, unit.id):
        count = repository.last_subgroup(session, c.id)
        try:
            found = result(session, c)
        except DomainError as exc:
            lines.append(Line(c, owner, count, None, None, exc.message))
            continue
        phase, cap = found.current if found else ("", None)
        cpk = cap.indices.get("Cpk") if cap else None
        out = found.out_of_control if found else None
        lines.append(Line(c, owner, count, out, cpk[0] if cpk else None, cpk_phase=phase if cpk else ""))
    lines.sort(key=lambda line: (not line.out_of_control, line.unit.code, line.characteristic.code))
    return unit, lines
