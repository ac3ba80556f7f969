"""The characteristic's page and the unit's quality dashboard, in both languages, and the page's
forms: upload, freeze, exclude with a reason (refusals shown on the page, nothing stored)."""

from __future__ import annotations

from sqlalchemy import func, select

from pacer.auth.permissions import load_actor
from pacer.characteristics import service
from pacer.models import ExcludedPoint, Measurement
from tests.characteristics.conftest import as_subgroups, in_control
from tests.webclient import page_token, set_passwords


def test_the_page_shows_the_chart_signals_and_capability_with_intervals(signed_in, bore, session):
    service.add(session, load_actor(session, "quinn"), bore.id, as_subgroups(in_control(3, seed=3, mean=11.0)))
    page = signed_in("victor").get(f"/spc/characteristics/{bore.id}?lang=en")
    assert page.status_code == 200
    html = page.text
    assert 'data-spec="/api/spc/characteristics/' in html
    assert "Out of control" in html  # the shifted subgroups 26–28
    assert 'data-point="26"' in html
    assert 'data-index="Cpk"' in html
    assert "95% confidence interval" in html
    assert 'data-testid="upload"' not in html  # a viewer changes nothing
    zh = signed_in("victor").get(f"/spc/characteristics/{bore.id}?lang=zh").text
    assert "失控" in zh
    assert "过程能力" in zh


def test_the_chart_draws_as_an_image_and_as_a_specification(signed_in, bore):
    victor = signed_in("victor")
    svg = victor.get(f"/spc/characteristics/{bore.id}/chart.svg?lang=zh")
    assert svg.status_code == 200
    assert svg.text.lstrip().startswith("<svg")
    spec = victor.get(f"/api/spc/characteristics/{bore.id}/chart?lang=en").json()
    assert [len(p["data"]["values"]) for p in spec["vconcat"]] == [25, 25]


def test_the_dashboard_lists_characteristics_out_of_control_first(signed_in, bore, session, org):
    from pacer.characteristics.schemas import CharacteristicIn

    quinn = load_actor(session, "quinn")
    fields = {"unit_code": "A2", "code": "AAA", "name_zh": "平面度", "name_en": "Flatness", "product": "Lid",
              "usl": 0.5, "subgroup_size": 1, "chart": "imr"}  # fmt: skip
    service.create(session, quinn, CharacteristicIn.model_validate(fields))
    service.add(session, quinn, bore.id, as_subgroups(in_control(3, seed=3, mean=11.0)))
    html = signed_in("victor").get("/spc/units/A?lang=en").text
    assert html.index('data-code="BORE-D"') < html.index('data-code="AAA"')
    assert "Out of control 1 / 2" in html
    assert "No data yet" in html
    assert signed_in("bob").get("/spc/units/A").status_code == 404


def test_an_engineer_uploads_freezes_and_excludes_from_the_page(app, bore, session, org, client):
    from tests.webclient import sign_in

    set_passwords(session, "quinn")
    quinn = sign_in(client, "quinn")
    token = page_token(quinn, f"/spc/characteristics/{bore.id}")
    csv = "subgroup,value\n" + "".join(f"26,{10 + i / 10}\n" for i in range(5))
    done = quinn.post(f"/spc/characteristics/{bore.id}/measurements", data={"csrf_token": token},
                      files={"file": ("more.csv", csv.encode(), "text/csv")})  # fmt: skip
    assert done.status_code == 303
    bad = quinn.post(f"/spc/characteristics/{bore.id}/measurements?lang=zh", data={"csrf_token": token},
                     files={"file": ("bad.csv", b"subgroup,value\n27,abc\n", "text/csv")})  # fmt: skip
    assert bad.status_code == 422
    assert "第 2 行" in bad.text
    assert "value" in bad.text
    assert session.scalar(select(func.count()).select_from(Measurement)) == 130
    assert quinn.post(f"/spc/characteristics/{bore.id}/freeze", data={"csrf_token": token}).status_code == 303
    refused = quinn.post(f"/spc/characteristics/{bore.id}/exclusions", data={"csrf_token": token, "subgroup": "4"})
    assert refused.status_code == 422
    ok = quinn.post(f"/spc/characteristics/{bore.id}/exclusions",
                    data={"csrf_token": token, "subgroup": "4", "reason": "gauge not zeroed"})  # fmt: skip
    assert ok.status_code == 303
    assert session.scalar(select(ExcludedPoint.reason)) == "gauge not zeroed"
    assert "gauge not zeroed" in quinn.get(f"/spc/characteristics/{bore.id}").text


def test_the_dashboard_and_the_cockpit_show_the_quality_indicators_against_zero_defects(
    signed_in, figures, session, org
):
    from pacer.auth.permissions import SYSTEM
    from pacer.models import Fact, Target
    from pacer.quality import yields
    from tests.factories import indicator

    problems = indicator(session, "quality_problems")
    session.add(Fact(unit_id=org.A1.id, indicator_id=problems.id, period=202503, value=2))
    session.add(Fact(unit_id=org.B1.id, indicator_id=problems.id, period=202503, value=0))
    for unit in (org.A, org.B):  # zero defects
        session.add(Target(unit_id=unit.id, indicator_id=problems.id, year=2025, tier="ensure", value=0))
    steps = [
        ("A1", "2025-03", "舵机", 1, 100, 90),
        ("A1", "2025-03", "舵机", 2, 90, 81),
        ("A2", "2025-03", "壳体", 1, 300, 297),
    ]
    yields.record(session, SYSTEM, [yields.StepRow(i, *s) for i, s in enumerate(steps, start=1)])
    session.flush()
    victor = signed_in("victor")
    html = victor.get("/spc/units/A?lang=en").text
    tiles = html[html.index('data-testid="quality-indicators"') :]
    assert 'class="tile status-off_track" data-testid="tile-quality_problems"' in tiles  # two problems: red
    assert 'data-testid="tile-rolled_throughput_yield"' in tiles
    assert "94.50" in tiles  # (81 + 297) of (100 + 300) started, not the mean of 81 % and 99 % (90 %)
    assert 'data-testid="tile-first_pass_yield"' in tiles
    cockpit = victor.get("/cockpit/A?lang=en").text
    assert 'data-testid="quality-tiles"' in cockpit
    assert 'class="tile status-off_track" data-testid="tile-quality_problems"' in cockpit
    assert "94.50" in cockpit
    other = signed_in("hannah").get("/spc/units/B?lang=en").text  # no problem at B: zero defects held
    assert 'class="tile status-on_track" data-testid="tile-quality_problems"' in other
    assert victor.get("/spc/units/B").status_code == 404


def test_the_product_and_an_exclusions_reason_show_in_the_readers_language(app, org, session, client, engineer):
    from tests.webclient import sign_in

    set_passwords(session, "quinn")
    quinn = sign_in(client, "quinn")
    token = page_token(quinn, "/spc/units/A1/new")
    form = {"csrf_token": token, "code": "SEAL-T", "name_zh": "密封圈厚度", "name_en": "Seal thickness",
            "product": "液压泵 HP-3", "product_en": "HP-3 hydraulic pump", "measure_unit": "mm",
            "lsl": "1.9", "usl": "2.1", "subgroup_size": "5", "chart": "xbar-r", "rules": "we"}  # fmt: skip
    made = quinn.post("/spc/units/A1/new", data=form)
    assert made.status_code == 303, made.text
    url = made.headers["location"].split("?")[0]
    c_id = int(url.rsplit("/", 1)[1])
    service.add(session, load_actor(session, "quinn"), c_id, as_subgroups(in_control(25, mean=2.0)))
    done = quinn.post(f"{url}/exclusions", data={"csrf_token": token, "subgroup": "3", "reason": "量规未校零",
                                                 "reason_en": "gauge not zeroed"})  # fmt: skip
    assert done.status_code == 303
    en, zh = quinn.get(f"{url}?lang=en").text, quinn.get(f"{url}?lang=zh").text
    assert "HP-3 hydraulic pump" in en
    assert "液压泵 HP-3" not in en
    assert "gauge not zeroed" in en
    assert "量规未校零" not in en
    assert "液压泵 HP-3" in zh
    assert "HP-3 hydraulic pump" not in zh
    assert "量规未校零" in zh
    assert "gauge not zeroed" not in zh
    dashboard = quinn.get("/spc/units/A1?lang=en").text
    assert "HP-3 hydraulic pump" in dashboard
    assert "液压泵" not in dashboard
    edit = quinn.get(f"{url}/edit?lang=en").text
    assert 'value="HP-3 hydraulic pump"' in edit  # the form keeps both names
    # where no English name is given, the one there is shows in either language
    plain = quinn.post(f"{url}/edit", data={"csrf_token": token, "product": "液压泵 HP-3", "product_en": ""})
    assert plain.status_code == 303, plain.text
    assert "液压泵 HP-3" in quinn.get(f"{url}?lang=en").text
