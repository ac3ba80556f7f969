"""The library as a file: export, import with its checks and refusals, dry runs, and who may."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pacer.errors import Forbidden, ValidationFailed
from pacer.indicators.sync import sync_library
from pacer.indicators.transfer import apply_document, export_library, import_library
from pacer.models import AuditEntry, Fact, Indicator, IndicatorVersion, MeasureUnit
from tests.conftest import Org
from tests.factories import indicator

LAUNCHES = {
    "code": "launches",
    "category": "industry",
    "unit": "count",
    "scale": 0,
    "direction": "higher",
    "kind": "flow",
    "reporting": "monthly",
    "never_negative": True,
    "versions": [
        {
            "from_year": 2024,
            "to_year": None,
            "name_zh": "发射次数",
            "name_en": "Launches",
            "definition_zh": "当月完成的发射次数。",
            "definition_en": "Launches carried out in the month.",
        }
    ],
}


def _exported(session: Session) -> dict[str, Any]:
    return yaml.safe_load(export_library(session))


def _entry(document: dict[str, Any], code: str) -> dict[str, Any]:
    return next(e for e in document["indicators"] if e["code"] == code)


def _audits(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def _problems(session: Session, document: Any, actor: Any) -> list[str]:
    with pytest.raises(ValidationFailed) as error:
        apply_document(session, document, actor)
    return [str(p) for p in error.value.problems]


def _a_figure(session: Session, org: Org, code: str) -> None:
    session.add(Fact(unit_id=org.A1.id, indicator_id=indicator(session, code).id, period=202401, value=5))
    session.flush()


def test_importing_an_unchanged_export_changes_and_audits_nothing(session: Session, org: Org, tmp_path: Path) -> None:
    path = tmp_path / "library.yaml"
    path.write_text(export_library(session), encoding="utf-8")
    before = _audits(session)

    assert import_library(session, path, org.hq_analyst) == []
    assert _audits(session) == before


def test_an_export_holds_units_categories_indicators_and_sets(session: Session) -> None:
    document = _exported(session)

    assert {u["code"] for u in document["units"]} >= {"yuan", "wan_yuan", "tce_per_wan_yuan"}
    assert len(document["categories"]) == 8
    assert _entry(document, "headcount")["never_negative"] is True
    assert _entry(document, "roe")["versions"][-1]["formula"] == "net_profit / avg(owners_equity) * 100"
    assert "one_profit_five_ratios" in {s["code"] for s in document["sets"]}


def test_a_group_indicator_and_unit_are_added_as_the_groups_own(session: Session, org: Org) -> None:
    document = _exported(session)
    document["units"].append(
        {"code": "launch", "name_zh": "次", "name_en": "launches", "symbol_zh": "次", "symbol_en": "launches"}
        | {"dimension": "launches", "factor": "1", "additive": True, "percent": False}
    )
    document["indicators"].append(LAUNCHES | {"unit": "launch"})

    changes = apply_document(session, document, org.group_admin)

    assert [(c.action, c.entity, c.code) for c in changes] == [
        ("added", "unit", "launch"),
        ("added", "indicator", "launches"),
    ]
    row = indicator(session, "launches")
    assert (row.origin, row.unit, row.never_negative, row.customized) == ("group", "launch", True, False)
    assert session.scalar(select(MeasureUnit.origin).where(MeasureUnit.code == "launch")) == "group"
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(2)).all()
    assert set(actions) == {"measure_unit.create", "indicator.create"}


def test_a_dry_run_lists_the_differences_and_changes_nothing(session: Session, org: Org) -> None:
    document = _exported(session)
    _entry(document, "revenue")["versions"][-1]["name_en"] = "Revenue"
    _entry(document, "inventory")["retired_from"] = 2026
    document["indicators"].append(LAUNCHES)
    before = _audits(session)

    changes = apply_document(session, document, org.hq_analyst, dry_run=True)

    lines = [line for change in changes for line in change.lines()]
    assert "changed indicator 'revenue'" in lines
    assert "  versions[2021].name_en: Operating revenue → Revenue" in lines
    assert "retired indicator 'inventory' from 2026" in lines
    assert "added indicator 'launches'" in lines
    assert _audits(session) == before
    assert session.scalar(select(Indicator.id).where(Indicator.code == "launches")) is None
    assert indicator(session, "inventory").retired_from is None


def test_every_problem_of_a_file_is_named_at_once(session: Session, org: Org) -> None:
    document = _exported(session)
    _entry(document, "revenue")["unit"] = "dollars"
    _entry(document, "headcount")["category"] = "people"
    document["units"][1]["factor"] = "-3"

    problems = _problems(session, document, org.hq_analyst)

    assert any(p.startswith("indicator 'revenue': field 'unit': 'dollars' is not declared") for p in problems)
    assert any(p.startswith("indicator 'headcount': field 'category': 'people' is not declared") for p in problems)
    assert any(p.startswith("unit 'wan_yuan': field 'factor'") for p in problems)


@pytest.mark.parametrize(
    ("code", "field", "value", "refusal"),
    [
        ("revenue", "kind", "stock", "field 'kind': flow → stock would reinterpret its stored figures"),
        ("revenue", "reporting", "monthly", "field 'reporting': ytd → monthly would reinterpret"),
        ("revenue", "scale", 0, "field 'scale': 2 → 0 would reinterpret"),
        ("revenue", "unit", "t", "field 'unit': yuan (money) → t (mass) is a unit of another dimension"),
        ("revenue", "unit", "wan_yuan", "field 'unit': yuan → wan_yuan: its stored figures are in yuan"),
    ],
)
def test_a_change_that_would_reinterpret_stored_figures_is_refused(
    session: Session, org: Org, code: str, field: str, value: Any, refusal: str
) -> None:
    _a_figure(session, org, code)
    document = _exported(session)
    _entry(document, code)[field] = value

    problems = _problems(session, document, org.hq_analyst)

    assert problems == [f"indicator {code!r}: {refusal}" + problems[0].split(refusal, 1)[1]]
    assert "retire it (retired_from) and create a new code" in problems[0]
    assert getattr(indicator(session, code), field) != value


def test_the_same_change_without_figures_is_allowed_and_marks_the_built_in_customized(
    session: Session, org: Org
) -> None:
    document = _exported(session)
    _entry(document, "civil_revenue")["unit"] = "wan_yuan"

    apply_document(session, document, org.hq_analyst)

    row = indicator(session, "civil_revenue")
    assert (row.unit, row.customized, row.origin) == ("wan_yuan", True, "builtin")


def test_a_units_factor_and_dimension_are_fixed_once_figures_are_stored_in_it(session: Session, org: Org) -> None:
    _a_figure(session, org, "inspected_lots")
    document = _exported(session)
    next(u for u in document["units"] if u["code"] == "count")["dimension"] = "items"
    document["units"].append(
        {"code": "dozen", "name_zh": "打", "name_en": "dozen", "symbol_zh": "打", "symbol_en": "dz"}
        | {"dimension": "items", "factor": "12", "additive": True, "percent": False}
    )

    assert _problems(session, document, org.hq_analyst) == [
        "unit 'count': field 'dimension': count → items would reinterpret the figures stored in it "
        "(indicator 'inspected_lots'); create a new unit instead"
    ]


def test_a_group_indicator_with_figures_cannot_be_removed_only_retired(session: Session, org: Org) -> None:
    document = _exported(session)
    document["indicators"].append(LAUNCHES)
    apply_document(session, document, org.hq_analyst)
    _a_figure(session, org, "launches")
    document["indicators"].pop()

    assert _problems(session, document, org.hq_analyst) == [
        "indicator 'launches': it has stored figures and cannot be removed; retire it instead (retired_from)"
    ]
    document["indicators"].append(LAUNCHES | {"retired_from": 2026})
    changes = apply_document(session, document, org.hq_analyst)
    assert [c.lines()[0] for c in changes] == ["retired indicator 'launches' from 2026"]


def test_a_group_indicator_without_figures_is_removed(session: Session, org: Org) -> None:
    document = _exported(session)
    document["indicators"].append(LAUNCHES)
    apply_document(session, document, org.hq_analyst)
    document["indicators"].pop()

    changes = apply_document(session, document, org.hq_analyst)

    assert [c.lines()[0] for c in changes] == ["removed indicator 'launches'"]
    assert session.scalar(select(Indicator.id).where(Indicator.code == "launches")) is None


def test_a_file_may_hold_only_the_groups_own_entries(session: Session, org: Org) -> None:
    document = {"schema": 1, "indicators": [LAUNCHES]}

    changes = apply_document(session, document, org.hq_analyst)

    assert [c.lines()[0] for c in changes] == ["added indicator 'launches'"]
    assert indicator(session, "revenue").origin == "builtin"


@pytest.mark.parametrize("persona", ["unit_reporter", "academy_viewer", "outsider"])
def test_only_hq_may_change_the_library(session: Session, org: Org, persona: str) -> None:
    document = _exported(session)
    document["indicators"].append(LAUNCHES)

    with pytest.raises(Forbidden, match="only a group administrator or an HQ analyst"):
        apply_document(session, document, getattr(org, persona))


def test_an_hq_role_granted_below_the_group_may_not_change_the_library(session: Session, org: Org) -> None:
    from tests.factories import create_user

    academy_analyst = create_user(session, "amy", [("hq_analyst", org.A)])

    with pytest.raises(Forbidden):
        apply_document(session, {"schema": 1, "indicators": [LAUNCHES]}, academy_analyst)


def test_an_upgrade_leaves_customized_and_group_indicators_alone_but_adds_a_new_built_in(
    session: Session, org: Org
) -> None:
    from dataclasses import replace

    from pacer.indicators.library import load_library

    document = _exported(session)
    _entry(document, "revenue")["versions"][-1]["name_en"] = "Sales"
    document["indicators"].append(LAUNCHES)
    apply_document(session, document, org.hq_analyst)
    packaged = load_library()
    newer = replace(
        packaged,
        indicators={
            **packaged.indicators,
            "patents": replace(packaged.indicators["quality_problems"], code="patents", category="innovation"),
            "launches": replace(packaged.indicators["quality_problems"], code="launches"),
        },
    )

    sync_library(session, newer)

    revenue_names = session.scalars(
        select(IndicatorVersion.name_en).where(IndicatorVersion.indicator_id == indicator(session, "revenue").id)
    ).all()
    assert revenue_names[-1] == "Sales"
    assert indicator(session, "launches").category == "industry"
    assert indicator(session, "patents").origin == "builtin"
