"""The demo's control charts (``quality.yaml``'s ``characteristics``): each defined by its keeper
through the characteristics service, calibrated on phase I, its limits frozen and then revised
for an assignable cause found in phase I, and fed phase II through the API or a Parquet file.
Two or three processes shift, drift or scatter wider in phase II, so that run rules fire; the
first signal of one opens a quality problem in one action, which its chart then links.

The values are drawn from a fixed seed per characteristic: the same file gives the same charts.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.auth.permissions import Actor, load_actor
from pacer.characteristics import service, signals
from pacer.characteristics.schemas import CharacteristicIn, SubgroupIn
from pacer.demo.quality import LANG, QUALITY, People
from pacer.models import Characteristic, QualityProblem, Unit, User
from pacer.quality import zeroing

SPEC_FIELDS = (
    "code",
    "name_zh",
    "name_en",
    "product",
    "product_en",
    "measure_unit",
    "lsl",
    "usl",
    "target",
    "chart",
    "rules",
)


def load_charts(session: Session, path: Path = QUALITY) -> list[Characteristic]:
    """Store the file's characteristics at the units the group has, with their measurements."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    people = People.of(raw)
    units = set(session.scalars(select(Unit.code)))
    users = set(session.scalars(select(User.username)))
    stored = []
    for spec in raw["characteristics"]:
        keeper = people.leads.get(spec["unit"][:3]) or people.engineers.get(spec["unit"][:3])
        if spec["unit"] in units and keeper in users:
            stored.append(_characteristic(session, load_actor(session, str(keeper)), spec))
    return stored


def measurements(spec: dict[str, Any]) -> np.ndarray:
    """The characteristic's values, one row per subgroup: phase I as calibrated (with its
    outlier), phase II with the disturbance the file gives."""
    count, size = int(spec["subgroups"]), int(spec["n"])
    k = np.arange(1, count + 1)
    mean = np.full(count, float(spec["mean"]))
    sd = np.full(count, float(spec["sd"]))
    if shift := spec.get("shift"):
        mean[k >= shift["from"]] += float(shift["by"])
    if drift := spec.get("drift"):
        mean += np.clip(k - int(drift["from"]) + 1, 0, None) * float(drift["per"])
    if spread := spec.get("spread"):
        sd[k >= spread["from"]] *= float(spread["times"])
    values = np.random.default_rng(int(spec["seed"])).normal(mean[:, None], sd[:, None], (count, size))
    if outlier := spec.get("outlier"):
        values[int(outlier["at"]) - 1] += float(outlier["by"])
    rounded: np.ndarray = np.round(values, int(spec["decimals"]))
    return rounded


def _characteristic(session: Session, keeper: Actor, spec: dict[str, Any]) -> Characteristic:
    body = CharacteristicIn(
        unit_code=spec["unit"],
        subgroup_size=spec["n"],
        phase1_last=spec["phase1"],
        **{f: spec[f] for f in SPEC_FIELDS if f in spec},
    )
    c = service.create(session, keeper, body)
    values, first = measurements(spec), int(spec["phase1"])
    service.add(session, keeper, c.id, _subgroups(values[:first]))
    service.freeze(session, keeper, c.id, first)
    if outlier := spec.get("outlier"):  # found afterwards: the limits are revised without it
        service.exclude(session, keeper, c.id, int(outlier["at"]), outlier["reason"], outlier.get("reason_en", ""))
    if spec.get("parquet"):
        service.upload(session, keeper, c.id, f"{c.code}-phase2.parquet", _parquet(values[first:], first))
    else:
        service.add(session, keeper, c.id, _subgroups(values[first:]))
    if found := spec.get("problem"):
        _problem_from_signal(session, keeper, c, found)
    return c


def _subgroups(values: np.ndarray) -> list[SubgroupIn]:
    return [SubgroupIn(values=row.tolist()) for row in values]


def _parquet(values: np.ndarray, after: int) -> bytes:
    """Subgroups after the ``after``-th as a measurement file: one row per value."""
    count, size = values.shape
    table = pa.table(
        {"subgroup": np.repeat(np.arange(after + 1, after + count + 1), size), "value": values.reshape(-1)}
    )
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def _problem_from_signal(session: Session, keeper: Actor, c: Characteristic, found: dict[str, str]) -> QualityProblem:
    """The first phase II signal opened as a quality problem by the chart's keeper, who has
    located it and found its mechanism since."""
    result = service.result(session, c)
    phase2 = [p for p in (result.out_of_control if result else []) if p > (c.phase1_last or 0)]
    problem = signals.open_from_signal(session, keeper, c.id, phase2[0], LANG)
    for code in ("locate", "mechanism"):
        zeroing.write_evidence(session, keeper, problem.id, code, f"{found[code]}。", lang=LANG)
    return problem
