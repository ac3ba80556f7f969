"""A signal on a chart opens a quality problem in one action, the chart links it, a signal opens
one problem at most, and the unit's dashboard counts the problems of its subtree."""

from __future__ import annotations

from sqlalchemy import func, select

from pacer.auth.permissions import load_actor
from pacer.characteristics import service
from pacer.characteristics.signals import rule_name
from pacer.models import QualityProblem
from tests.characteristics.conftest import as_subgroups, in_control
from tests.webclient import page_token, set_passwords, sign_in

URL = "/api/spc/characteristics"


def shifted(session, bore) -> None:
    service.add(session, load_actor(session, "quinn"), bore.id, as_subgroups(in_control(3, seed=3, mean=11.0)))


def test_a_signal_opens_a_problem_at_the_characteristics_unit_and_the_chart_links_it(api_as, bore, session):
    shifted(session, bore)
    quinn = api_as("quinn")
    opened = quinn.post(f"{URL}/{bore.id}/signals/26/problem")
    assert opened.status_code == 201, opened.text
    problem = session.get(QualityProblem, opened.json()["problem_id"])
    assert (problem.source_characteristic_id, problem.source_point, problem.source_rule) == (bore.id, 26, "we1")
    assert problem.unit_id == bore.unit_id
    assert problem.product == "Pump housing PH-200"
    assert quinn.get(f"{URL}/{bore.id}").json()["problems"] == {"26": problem.id}
    spec = quinn.get(f"{URL}/{bore.id}/chart").json()
    assert spec["vconcat"][0]["data"]["values"][25]["link"] == f"/quality/problems/{problem.id}"
    again = quinn.post(f"{URL}/{bore.id}/signals/26/problem")
    assert again.status_code == 409


def test_a_point_that_is_no_signal_opens_nothing(api_as, bore, session):
    shifted(session, bore)
    refused = api_as("quinn").post(f"{URL}/{bore.id}/signals/27000/problem")
    assert refused.status_code == 422
    assert "not a signal" in refused.text
    assert api_as("victor").post(f"{URL}/{bore.id}/signals/26/problem").status_code == 403
    assert api_as("bob").post(f"{URL}/{bore.id}/signals/26/problem").status_code == 404
    assert session.scalar(select(func.count()).select_from(QualityProblem)) == 0


def test_rules_are_named_as_quality_problems_name_them():
    assert [rule_name(r) for r in ("WE2", "xbar:WE1", "N5", "R:N1", "beyond")] == [
        "we2",
        "we1",
        "nelson5",
        "nelson1",
        "",
    ]


def test_the_page_opens_the_problem_and_the_dashboard_counts_it(app, client, bore, session, org):
    shifted(session, bore)
    set_passwords(session, "quinn")
    quinn = sign_in(client, "quinn")
    page = quinn.get(f"/spc/characteristics/{bore.id}?lang=en")
    assert page.text.count('data-testid="open-problem"') >= 3
    token = page_token(quinn, f"/spc/characteristics/{bore.id}")
    done = quinn.post(f"/spc/characteristics/{bore.id}/signals/27/problem?lang=zh", data={"csrf_token": token})
    assert done.status_code == 303
    problem = session.scalars(select(QualityProblem)).one()
    assert problem.title.startswith("BORE-D 内孔直径：子组 27 失控")
    page = quinn.get(f"/spc/characteristics/{bore.id}?lang=en").text
    assert f'href="/quality/problems/{problem.id}"' in page
    dashboard = quinn.get("/spc/units/A?lang=en").text
    assert "Open 1" in dashboard
    assert "Opened from a chart signal 1" in dashboard
    assert "Zeroing criteria of the open problems signed off 0 / 10" in dashboard
    assert "未归零问题的归零要素已签署 0 / 10" in quinn.get("/spc/units/A?lang=zh").text
    from pacer.quality import zeroing
    from pacer.quality.words import CRITERION_CODES
    from tests.factories import create_user

    rita = create_user(session, "rita", [("quality_engineer", org.A)])
    owner = load_actor(session, problem.owner)
    for code in CRITERION_CODES:
        zeroing.write_evidence(session, owner, problem.id, code, "见分析报告")
    zeroing.act(session, owner, problem.id, "submit")
    zeroing.sign_off(session, rita, problem.id, "locate", "同意")
    assert "signed off 1 / 10" in quinn.get("/spc/units/A?lang=en").text
