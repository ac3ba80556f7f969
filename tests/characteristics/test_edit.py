"""Defining a characteristic on a page and editing one by the page or the API: audited, checked
like a new one (bad numbers and rule counts named by field, in both languages, nothing changed),
its chart and subgroup size fixed once measurements are stored, and phase I revised when frozen."""

from __future__ import annotations

import html

from sqlalchemy import select

from pacer.models import AuditEntry, Characteristic
from tests.webclient import page_token, set_passwords

URL = "/api/spc/characteristics"


def test_an_edit_through_the_api_changes_what_was_sent_and_is_audited(api_as, bore, session):
    quinn = api_as("quinn")
    edited = quinn.patch(f"{URL}/{bore.id}", json={"usl": 10.8, "name_en": "Bore Ø", "rule_counts": {"WE4": 9}})
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert (body["usl"], body["lsl"], body["name_en"], body["rule_counts"]) == (10.8, 9.0, "Bore Ø", {"WE4": 9})
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "spc.edit"))
    assert entry.before == {"usl": 11.0, "name_en": "Bore diameter", "rule_counts": None}
    assert entry.after == {"usl": 10.8, "name_en": "Bore Ø", "rule_counts": {"WE4": 9}}


def test_the_chart_and_subgroup_size_stay_once_measurements_are_stored(api_as, bore, session):
    quinn = api_as("quinn")
    refused = quinn.patch(f"{URL}/{bore.id}", json={"chart": "xbar-s", "usl": 8.0})
    assert refused.status_code == 422
    assert "the chart cannot change: 25 subgroups are stored" in refused.text
    assert "lower specification limit 9 is not below the upper 8" in refused.text
    session.expire_all()
    assert session.get(Characteristic, bore.id).chart == "xbar-r"


def test_moving_phase_i_of_frozen_limits_recalibrates_them(api_as, bore, session):
    quinn = api_as("quinn")
    first = quinn.post(f"{URL}/{bore.id}/freeze", json={}).json()["frozen"]
    moved = quinn.patch(f"{URL}/{bore.id}", json={"phase1_last": 20}).json()["frozen"]
    assert moved["center"] != first["center"]
    revised = session.scalar(select(AuditEntry.note).where(AuditEntry.action == "spc.revise"))
    assert revised == "phase I to subgroup 20"


def test_only_who_manages_quality_there_edits(api_as, bore, signed_in):
    assert api_as("victor").patch(f"{URL}/{bore.id}", json={"usl": 12.0}).status_code == 403
    assert api_as("bob").patch(f"{URL}/{bore.id}", json={"usl": 12.0}).status_code == 404
    assert signed_in("victor").get(f"/spc/characteristics/{bore.id}/edit").status_code == 403


def _quinn(session, client, engineer):
    from tests.webclient import sign_in

    set_passwords(session, "quinn")
    return sign_in(client, "quinn")


FORM = {
    "code": "SEAL-LEAK", "name_zh": "密封泄漏", "name_en": "Seal leaks", "product": "Valve V-3",
    "measure_unit": "", "lsl": "", "usl": "", "target": "", "chart": "u", "subgroup_size": "50",
    "phase1_last": "20", "rules": "nelson", "rule_counts": "N2=8, N3=7",
}  # fmt: skip


def test_an_engineer_defines_a_characteristic_on_the_page(app, session, org, client, engineer):
    quinn = _quinn(session, client, engineer)
    page = quinn.get("/spc/units/A1?lang=en")
    assert 'data-testid="define"' in page.text
    token = page_token(quinn, "/spc/units/A1/new?lang=en")
    done = quinn.post("/spc/units/A1/new?lang=en", data=FORM | {"csrf_token": token})
    assert done.status_code == 303, done.text
    c = session.scalar(select(Characteristic).where(Characteristic.code == "SEAL-LEAK"))
    assert (c.chart, c.subgroup_size, c.rules, c.rule_counts, c.lsl) == ("u", 50, "nelson", {"N2": 8, "N3": 7}, None)
    edit = quinn.get(f"/spc/characteristics/{c.id}/edit?lang=zh")
    assert edit.status_code == 200
    assert 'value="N2=8, N3=7"' in edit.text
    saved = quinn.post(f"/spc/characteristics/{c.id}/edit", data={**FORM, "name_en": "Seal leaks (bench)",
                                                                   "csrf_token": token})  # fmt: skip
    assert saved.status_code == 303
    session.refresh(c)
    assert c.name_en == "Seal leaks (bench)"


def test_bad_input_on_the_form_is_named_by_field_in_both_languages_and_stores_nothing(
    app, session, org, client, engineer
):
    quinn = _quinn(session, client, engineer)
    token = page_token(quinn, "/spc/units/A1/new")
    bad = FORM | {"chart": "xbar-r", "lsl": "abc", "subgroup_size": "2.5", "rule_counts": "N2", "csrf_token": token}
    en = quinn.post("/spc/units/A1/new?lang=en", data=bad)
    assert en.status_code == 422
    for words in ("'abc' is not a number", "give a whole number, not 2.5", "'N2' is not RULE=COUNT"):
        assert words in html.unescape(en.text)
    zh = quinn.post(
        "/spc/units/A1/new?lang=zh", data=bad | {"lsl": "1", "usl": "0", "subgroup_size": "5", "rule_counts": "N9=3"}
    )
    assert zh.status_code == 422
    assert "规格下限 1 不小于规格上限 0" in html.unescape(zh.text)
    assert "规则 N9 不在 nelson 规则集中" in html.unescape(zh.text)
    short = quinn.post("/spc/units/A1/new?lang=zh", data=FORM | {"name_zh": "", "csrf_token": token})
    assert short.status_code == 422
    assert "不能为空" in short.text
    assert session.scalar(select(Characteristic).where(Characteristic.code == "SEAL-LEAK")) is None
