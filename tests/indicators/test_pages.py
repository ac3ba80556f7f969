"""The indicator library's pages and JSON API: everyone reads definitions, HQ changes them with
every problem shown beside its field, and a unit role changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from pacer.models import AuditEntry, Indicator, IndicatorVersion, MeasureUnit
from tests.factories import indicator
from tests.webclient import page_token

NEW = {
    "code": "launches",
    "category": "industry",
    "unit": "count",
    "scale": "0",
    "kind": "flow",
    "reporting": "monthly",
    "direction": "higher",
    "never_negative": "on",
    "from_year": "2024",
    "name_zh": "发射次数",
    "name_en": "Launches",
    "definition_zh": "当月完成的发射次数。",
    "definition_en": "Launches carried out in the month.",
}


def _audits(session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry))


def test_everyone_signed_in_reads_the_list_filtered_and_one_indicators_history(signed_in) -> None:
    alice = signed_in("alice")
    listed = alice.get("/indicators?lang=en&category=cash&kind=derived")
    assert listed.status_code == 200
    assert ">cash_collection_ratio</code>" in listed.text
    assert ">revenue</code>" not in listed.text
    assert "New indicator" not in listed.text
    page = alice.get("/indicators/revenue?lang=en").text
    assert "2019–2020: Operating revenue" in page
    assert "2021–on: Operating revenue" in page
    assert ">rd_intensity</code>" in page.split('data-testid="used"')[1]  # formulas referring to it
    assert 'data-testid="retire"' not in page
    assert "营业收入" in alice.get("/indicators/revenue?lang=zh").text


def test_hq_creates_an_indicator_in_the_form(signed_in, session) -> None:
    hannah = signed_in("hannah")
    form = {"csrf_token": page_token(hannah, "/indicators/new"), **NEW}

    response = hannah.post("/indicators/new", data=form)

    assert response.status_code == 303
    assert response.headers["location"] == "/indicators/launches"
    row = indicator(session, "launches")
    assert (row.origin, row.never_negative, row.reporting) == ("group", True, "monthly")
    assert "Launches" in hannah.get("/indicators?lang=en&origin=group").text


def test_bad_form_input_is_named_beside_each_field_and_nothing_is_stored(signed_in, session) -> None:
    grace = signed_in("grace")
    before = _audits(session)
    form = {"csrf_token": page_token(grace, "/indicators/new"), **NEW, "unit": "lightyears", "kind": "derived"}
    form["formula"] = "revenue / nothing"

    response = grace.post("/indicators/new?lang=en", data=form)

    assert response.status_code == 422
    assert 'id="err-unit"' in response.text
    assert "&#39;lightyears&#39; is not declared" in response.text
    assert 'id="err-reporting"' not in response.text  # a derived indicator's reporting is dropped
    assert session.scalar(select(Indicator.id).where(Indicator.code == "launches")) is None
    assert _audits(session) == before


def test_an_edit_from_a_year_keeps_the_earlier_years_definition(signed_in, session) -> None:
    hannah = signed_in("hannah")
    edit = hannah.get("/indicators/roe/edit?lang=en")
    assert "take effect from year" in edit.text
    form = {
        "csrf_token": page_token(hannah, "/indicators/roe/edit"),
        **{k: NEW[k] for k in ("from_year",)},
        "category": "finance",
        "unit": "percent",
        "scale": "2",
        "kind": "derived",
        "direction": "higher",
        "from_year": "2025",
        "name_zh": "净资产收益率",
        "name_en": "Return on equity",
        "definition_zh": "净利润除以期末所有者权益。",
        "definition_en": "Net profit over closing equity.",
        "formula": "net_profit / owners_equity * 100",
    }

    assert hannah.post("/indicators/roe/edit", data=form).status_code == 303

    rows = session.execute(
        select(IndicatorVersion.from_year, IndicatorVersion.to_year, IndicatorVersion.formula)
        .where(IndicatorVersion.indicator_id == indicator(session, "roe").id)
        .order_by(IndicatorVersion.from_year)
    ).all()
    assert rows[-2][1:] == (2024, "net_profit / avg(owners_equity) * 100")
    assert rows[-1] == (2025, None, "net_profit / owners_equity * 100")
    assert indicator(session, "roe").customized is True


def test_hq_retires_an_indicator_with_its_reason(signed_in, session) -> None:
    grace = signed_in("grace")
    token = page_token(grace, "/indicators/inventory")

    response = grace.post("/indicators/inventory/retire", data={"csrf_token": token, "year": "2027", "reason": "gone"})

    assert response.status_code == 303
    assert indicator(session, "inventory").retired_from == 2027
    note = session.scalar(select(AuditEntry.note).where(AuditEntry.action == "indicator.retire"))
    assert note == "gone"


def test_hq_adds_a_unit_of_measure_and_a_category(signed_in, session) -> None:
    hannah = signed_in("hannah")
    token = page_token(hannah, "/indicators/units")
    unit = {"csrf_token": token, "code": "mt", "name_zh": "百万吨", "name_en": "million tonnes"}
    unit |= {"symbol_zh": "百万吨", "symbol_en": "Mt", "dimension": "mass", "factor": "1000000", "additive": "on"}

    assert hannah.post("/indicators/units", data=unit).status_code == 303
    assert session.scalar(select(MeasureUnit.factor).where(MeasureUnit.code == "mt")) == "1000000"
    bad = hannah.post("/indicators/units?lang=en", data=unit | {"code": "gt", "factor": "1"})
    assert bad.status_code == 422
    assert "needs exactly one unit with factor 1" in bad.text
    category = {"csrf_token": token, "code": "space", "name_zh": "航天", "name_en": "Space"}
    assert hannah.post("/indicators/categories", data=category).status_code == 303
    assert "Space" in hannah.get("/indicators/categories?lang=en").text


def test_a_unit_role_reads_but_cannot_change_the_library_on_pages_or_api(signed_in, session) -> None:
    alice = signed_in("alice")
    token = page_token(alice, "/indicators")
    before = _audits(session)

    assert alice.get("/indicators/new").status_code == 403
    assert alice.post("/indicators/new", data={"csrf_token": token, **NEW}).status_code == 403
    assert (
        alice.post("/indicators/revenue/retire", data={"csrf_token": token, "year": "2027", "reason": "x"}).status_code
        == 403
    )
    api = alice.post(
        "/api/indicators", json={**NEW, "scale": 0, "never_negative": True}, headers={"X-CSRF-Token": token}
    )
    assert api.status_code == 403
    assert "only a group administrator or an HQ analyst" in api.json()["error"]["message"]
    assert _audits(session) == before


def test_the_api_lists_reads_creates_edits_and_retires(signed_in, session) -> None:
    hannah = signed_in("hannah")
    headers = {"X-CSRF-Token": page_token(hannah, "/indicators")}
    body = {**NEW, "scale": 0, "never_negative": True}

    created = hannah.post("/api/indicators", json=body, headers=headers)
    assert created.status_code == 201
    assert created.json() == {"changes": ["added indicator 'launches'"]}
    edited = hannah.put(
        "/api/indicators/launches", json={**body, "name_en": "Launches made", "from_year": 2026}, headers=headers
    )
    assert "  versions[2024].to_year: (empty) → 2025" in edited.json()["changes"]
    assert "  versions[2026].name_en: (none) → Launches made" in edited.json()["changes"]
    detail = hannah.get("/api/indicators/launches?lang=en").json()
    assert [v["from_year"] for v in detail["versions"]] == [2024, 2026]
    assert detail["origin"] == "group"
    refused = hannah.put("/api/indicators/launches", json={**body, "kind": "stock"}, headers=headers)
    assert refused.status_code == 200  # no figures yet: the kind may still change
    listed = hannah.get("/api/indicators?origin=group&lang=en").json()
    assert [r["code"] for r in listed] == ["launches"]
    retired = hannah.post("/api/indicators/launches/retire", json={"year": 2027, "reason": "done"}, headers=headers)
    assert retired.json()["changes"] == ["retired indicator 'launches' from 2027"]
    assert {u["code"] for u in hannah.get("/api/indicators/units").json()} >= {"yuan", "tce"}
    assert len(hannah.get("/api/indicators/categories").json()) == 8
