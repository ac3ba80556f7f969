"""The indicator library as JSON: every signed-in user reads the definitions; group
administrators and HQ analysts create, edit and retire indicators and keep the units of measure
and categories."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from pacer.auth.deps import CurrentViewer, protect
from pacer.indicators import editing, views
from pacer.indicators.changes import Change
from pacer.indicators.schemas import (
    CategoryModel,
    ChangesOut,
    IndicatorDetailOut,
    IndicatorIn,
    IndicatorOut,
    RetireIn,
    UnitOfMeasure,
)
from pacer.web.deps import Db

router = APIRouter(prefix="/api/indicators", tags=["indicators"], dependencies=[Depends(protect)])
Lang = Annotated[str, Query(pattern="^(zh|en)$", description="zh or en: the language of names")]
Choice = Annotated[str, Query(max_length=32)]


def _changes(changes: list[Change]) -> ChangesOut:
    return ChangesOut(changes=[line for change in changes for line in change.lines()])


@router.get("/units")
def units(viewer: CurrentViewer, db: Db) -> list[UnitOfMeasure]:
    """The units of measure: built-in and the group's own."""
    return views.units(db)


@router.post("/units")
def save_unit(body: UnitOfMeasure, viewer: CurrentViewer, db: Db) -> ChangesOut:
    """Add a unit of measure, or edit one (names, symbols; a factor only while no figure is stored in it)."""
    return _changes(editing.save_unit(db, viewer.actor, body))


@router.get("/categories")
def categories(viewer: CurrentViewer, db: Db) -> list[CategoryModel]:
    """The indicator categories: built-in and the group's own."""
    return views.categories(db)


@router.post("/categories")
def save_category(body: CategoryModel, viewer: CurrentViewer, db: Db) -> ChangesOut:
    """Add a category, or rename one."""
    return _changes(editing.save_category(db, viewer.actor, body))


@router.get("")
def indicators(
    viewer: CurrentViewer,
    db: Db,
    lang: Lang = "zh",
    q: Annotated[str, Query(max_length=100, description="part of a code or name")] = "",
    category: Choice = "",
    kind: Choice = "",
    origin: Choice = "",
    retired: Annotated[str, Query(pattern="^(|yes|no)$", description="yes: retired only; no: in use only")] = "",
) -> list[IndicatorOut]:
    """The indicators, built-in and the group's own, with the definition in force now."""
    return views.indicator_rows(db, lang, views.Filters(q, category, kind, origin, retired))


@router.post("", status_code=201)
def create(body: IndicatorIn, viewer: CurrentViewer, db: Db) -> ChangesOut:
    """Create one of the group's own indicators (names, definitions and formula from ``from_year``)."""
    return _changes(editing.save_indicator(db, viewer.actor, body))


@router.get("/{code}")
def indicator(code: str, viewer: CurrentViewer, db: Db, lang: Lang = "zh") -> IndicatorDetailOut:
    """One indicator: every field, its versions by year, the sets it is in and the formulas referring to it."""
    return views.indicator_detail(db, code, lang)


@router.put("/{code}")
def edit(code: str, body: IndicatorIn, viewer: CurrentViewer, db: Db) -> ChangesOut:
    """Edit an indicator; names, definitions and formula change from ``from_year`` (earlier years keep theirs)."""
    return _changes(editing.save_indicator(db, viewer.actor, body, code))


@router.post("/{code}/retire")
def retire(code: str, body: RetireIn, viewer: CurrentViewer, db: Db) -> ChangesOut:
    """Retire an indicator from a year: it leaves entry forms; its history and analysis stay."""
    return _changes(editing.retire_indicator(db, viewer.actor, code, body))
