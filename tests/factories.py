"""Short ways to make the rows tests need; each flushes and returns the row."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.auth.permissions import Actor, load_actor
from pacer.models import Indicator, RoleGrant, Unit, UnitParentage, User

BEGINNING = date(1900, 1, 1)


def create_unit(
    session: Session,
    code: str,
    parent: Unit | None = None,
    kind: str = "company",
    valid_from: date = BEGINNING,
    **fields: object,
) -> Unit:
    unit = Unit(
        code=code,
        name_zh=fields.pop("name_zh", f"单位{code}"),
        name_en=fields.pop("name_en", f"Unit {code}"),
        kind=kind,
        tags=fields.pop("tags", {}),
        **fields,
    )
    session.add(unit)
    session.flush()
    session.add(UnitParentage(unit_id=unit.id, parent_id=parent.id if parent else None, valid_from=valid_from))
    session.flush()
    return unit


def move_unit(session: Session, unit: Unit, new_parent: Unit, on: date) -> None:
    current = session.scalar(
        select(UnitParentage).where(UnitParentage.unit_id == unit.id, UnitParentage.valid_to.is_(None))
    )
    current.valid_to = on
    session.add(UnitParentage(unit_id=unit.id, parent_id=new_parent.id, valid_from=on))
    session.flush()


def create_user(session: Session, username: str, grants: list[tuple[str, Unit]] = ()) -> Actor:
    user = User(username=username, display_name=username.title())
    session.add(user)
    session.flush()
    for role, unit in grants:
        session.add(RoleGrant(user_id=user.id, role=role, unit_id=unit.id))
    session.flush()
    return load_actor(session, username)


def indicator(session: Session, code: str) -> Indicator:
    return session.scalars(select(Indicator).where(Indicator.code == code)).one()


def write_csv(path, header: str, *lines: str):
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def _version(name_zh: str, name_en: str, formula: str | None = None) -> dict[str, object]:
    version: dict[str, object] = {
        "from_year": 2019,
        "to_year": None,
        "name_zh": name_zh,
        "name_en": name_en,
        "definition_zh": name_zh,
        "definition_en": name_en,
    }
    return {**version, "formula": formula} if formula else version


def _indicator(code: str, unit: str, scale: int, direction: str, names: tuple[str, str], **more: object) -> dict:
    kind = "derived" if "formula" in more else "flow"
    return {
        "code": code,
        "category": "efficiency",
        "unit": unit,
        "scale": scale,
        "direction": direction,
        "kind": kind,
        **({"reporting": "monthly"} if kind == "flow" else {}),
        "versions": [_version(*names, more.get("formula"))],  # type: ignore[arg-type]
    }


# A group's own energy and water indicators (SASAC's 万元产值综合能耗: lower is better), in a unit
# of the group's own (water in m³ and 万 m³) and in built-in ones (yuan, tce).
ENERGY_LIBRARY = {
    "schema": 1,
    "units": [
        {
            "code": "m3",
            "name_zh": "立方米",
            "name_en": "cubic metres",
            "symbol_zh": "立方米",
            "symbol_en": "m³",
            "dimension": "water",
            "factor": "1",
            "additive": True,
            "percent": False,
        },
        {
            "code": "wan_m3",
            "name_zh": "万立方米",
            "name_en": "10,000 cubic metres",
            "symbol_zh": "万立方米",
            "symbol_en": "10k m³",
            "dimension": "water",
            "factor": "10000",
            "additive": True,
            "percent": False,
        },
    ],
    "indicators": [
        _indicator("output_value", "yuan", 2, "higher", ("工业总产值", "Output value")),
        _indicator("energy_use", "tce", 2, "lower", ("综合能源消费量", "Energy use")),
        _indicator("water_use", "m3", 0, "lower", ("用水量", "Water use")),
        _indicator("product_output", "t", 2, "higher", ("产品产量", "Product output")),
        _indicator(
            "energy_intensity",
            "tce_per_wan_yuan",
            4,
            "lower",
            ("万元产值综合能耗", "Energy per RMB 10k of output"),
            formula="energy_use / output_value * 10000",
        ),
    ],
    "sets": [
        {
            "code": "energy",
            "name_zh": "能耗",
            "name_en": "Energy",
            "description_zh": "能耗",
            "description_en": "Energy",
            "members": [
                {"code": c} for c in ("energy_use", "output_value", "energy_intensity", "water_use", "product_output")
            ],
        },
    ],
}


def create_group_library(session: Session, data: dict | None = None) -> None:
    """The group's own units and indicators (by default :data:`ENERGY_LIBRARY`) in the database."""
    from pacer.indicators.library import Known, load_library, parse_library
    from pacer.indicators.sync import sync_library

    builtin = load_library()
    known = Known(units=builtin.units, categories=frozenset(builtin.categories))
    sync_library(session, parse_library(data or ENERGY_LIBRARY, known, origin="group"))


def create_monthly_facts(session: Session, unit: Unit, figures: dict[str, object], periods: list[int]) -> None:
    """The same figure of each indicator (code: amount in its unit) for ``unit`` in every period."""
    from decimal import Decimal

    from pacer.models import Fact

    for code, amount in figures.items():
        ind = indicator(session, code)
        value = int(Decimal(str(amount)).scaleb(ind.scale))
        session.add_all(Fact(unit_id=unit.id, indicator_id=ind.id, period=p, value=value) for p in periods)
    session.flush()
