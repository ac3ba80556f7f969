"""A characteristic and its chart as the API returns them (the chart and capability documents are
those of ``pacer spc chart|capability --format json``, documented in the README)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from pacer.characteristics import calc, repository, service
from pacer.characteristics.schemas import (
    CharacteristicOut,
    ChartOut,
    ExclusionOut,
    FrozenOut,
    UnitOut,
)
from pacer.models import Characteristic
from pacer.spc.documents import chart_document, phases_document


def characteristic_out(session: Session, c: Characteristic, lang: str) -> CharacteristicOut:
    unit = repository.unit_of(session, c)
    frozen = (
        FrozenOut(center=c.frozen_center, sigma=c.frozen_sigma, at=c.frozen_at)
        if c.frozen_center is not None and c.frozen_sigma is not None
        else None
    )
    return CharacteristicOut(
        id=c.id, unit=UnitOut(code=unit.code, name=unit.name(lang)), code=c.code, name=c.name(lang),
        name_zh=c.name_zh, name_en=c.name_en, product=c.product, product_en=c.product_en,
        measure_unit=c.measure_unit, lsl=c.lsl, usl=c.usl, target=c.target, subgroup_size=c.subgroup_size,
        chart=c.chart, rules=c.rules, rule_counts=c.rule_counts,
        phase1_last=c.phase1_last, frozen=frozen, subgroups=service.subgroups_stored(session, c),
    )  # fmt: skip


def chart_out(
    session: Session, c: Characteristic, found: calc.Result | None, lang: str, problems: dict[int, int]
) -> ChartOut:
    chart = cap = None
    if found is not None:
        count = len(found.chart.phase1)
        chart = chart_document(found.chart, [str(i) for i in range(1, count + 1)], found.sizes, c.rules)
        if found.capability is not None or found.capability_phase2 is not None:
            cap = phases_document(found.capability, found.capability_phase2, found.chart.sigma_method)
    return ChartOut(
        characteristic=characteristic_out(session, c, lang),
        chart=chart,
        capability=cap,
        signals={str(k): v for k, v in sorted(found.signals.items())} if found else {},
        out_of_control=found.out_of_control if found else [],
        exclusions=[
            ExclusionOut(
                subgroup=e.subgroup,
                reason=e.reason,
                reason_en=e.reason_en,
                excluded_by=e.excluded_by,
                excluded_at=e.excluded_at,
            )
            for e in service.exclusions(session, c)
        ],
        problems={str(k): v for k, v in sorted(problems.items())},
    )
