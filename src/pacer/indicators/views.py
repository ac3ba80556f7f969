"""The indicator library as pages and the API show it: the list with its filters, one
indicator with its versions and where it is used, units of measure and categories."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from pacer.errors import NotFound
from pacer.indicators import repository
from pacer.indicators.document import indicator_entry
from pacer.indicators.schemas import CategoryModel, IndicatorDetailOut, IndicatorOut, UnitOfMeasure, VersionOut
from pacer.indicators.specs import IndicatorSpec, Library
from pacer.indicators.store import stored_library
from pacer.indicators.vocabulary import factor_text


@dataclass(frozen=True)
class Filters:
    q: str = ""
    category: str = ""
    kind: str = ""
    origin: str = ""
    retired: str = ""  # "" all, "yes" retired only, "no" in use only

    def keeps(self, row: IndicatorOut) -> bool:
        text = self.q.strip().lower()
        retired = row.retired_from is not None and row.retired_from <= date.today().year
        return (
            (not text or text in row.code.lower() or text in row.name.lower())
            and (not self.category or row.category == self.category)
            and (not self.kind or row.kind == self.kind)
            and (not self.origin or row.origin == self.origin)
            and (not self.retired or (self.retired == "yes") == retired)
        )


def indicator_rows(session: Session, lang: str, filters: Filters | None = None) -> list[IndicatorOut]:
    library = stored_library(session)
    customized = {row.code: row.customized for row in repository.indicators(session)}
    rows = [_row(spec, library, lang, customized.get(code, False)) for code, spec in library.indicators.items()]
    return [row for row in rows if (filters or Filters()).keeps(row)]


def indicator_detail(session: Session, code: str, lang: str) -> IndicatorDetailOut:
    library = stored_library(session)
    spec = library.indicators.get(code)
    row = repository.indicator(session, code)
    if spec is None or row is None:
        raise NotFound(f"no indicator '{code}'")
    versions = [VersionOut(**v) for v in indicator_entry(spec)["versions"]]
    references = set().union(*(v.parsed.references for v in spec.versions if v.parsed))
    return IndicatorDetailOut(
        **_row(spec, library, lang, row.customized).model_dump(),
        versions=versions,
        sets=[s.code for s in library.sets.values() if any(m.code == code for m in s.members)],
        used_by=[
            other.code
            for other in library.indicators.values()
            if any(v.parsed is not None and code in v.parsed.references for v in other.versions)
        ],
        refers_to=sorted(references),
    )


def _row(spec: IndicatorSpec, library: Library, lang: str, customized: bool) -> IndicatorOut:
    category = library.categories.get(spec.category)
    unit = library.units.get(spec.unit)
    band = indicator_entry(spec).get("band") or {}
    return IndicatorOut(
        code=spec.code,
        name=spec.name_zh if lang == "zh" else spec.name_en,
        category=spec.category,
        category_name=(category.name_zh if lang == "zh" else category.name_en) if category else spec.category,
        unit=spec.unit,
        unit_symbol=(unit.symbol_zh if lang == "zh" else unit.symbol_en) if unit else spec.unit,
        scale=spec.scale,
        direction=spec.direction,
        kind=spec.kind,
        reporting=spec.reporting,
        eliminated=spec.eliminated,
        never_negative=spec.never_negative,
        origin=spec.origin,
        customized=customized,
        retired_from=spec.retired_from,
        band_low=band.get("low"),
        band_high=band.get("high"),
    )


def units(session: Session) -> list[UnitOfMeasure]:
    return [
        UnitOfMeasure(
            code=u.code,
            name_zh=u.name_zh,
            name_en=u.name_en,
            symbol_zh=u.symbol_zh,
            symbol_en=u.symbol_en,
            dimension=u.dimension,
            factor=factor_text(u.factor),
            additive=u.additive,
            percent=u.percent,
            display=u.display,
            origin=u.origin,
        )
        for u in stored_library(session).units.values()
    ]


def categories(session: Session) -> list[CategoryModel]:
    return [
        CategoryModel(code=c.code, name_zh=c.name_zh, name_en=c.name_en, origin=c.origin)
        for c in stored_library(session).categories.values()
    ]
