import pytest
from sqlalchemy import select

from pacer.analysis.serve.service import build
from pacer.errors import NotFound, ValidationFailed
from pacer.kit.tabular import Row
from pacer.models import Fact
from pacer.targets import calc
from pacer.targets.checks import check_year
from pacer.targets.service import import_targets_file, import_targets_report
from tests.factories import create_user, indicator, write_csv
from tests.targets.test_service import HEADER, current

SEASON = [50, 60, 100, 80, 80, 120, 70, 70, 100, 80, 90, 100]  # A1's 2024 revenue, in 100 yuan


def seasonal_revenue(session, unit, year, weights, factor=10_000):
    ind = indicator(session, "revenue")
    for month, w in enumerate(weights, start=1):
        session.add(Fact(unit_id=unit.id, indicator_id=ind.id, period=year * 100 + month, value=w * factor))
    session.flush()


def test_last_years_seasonality_is_stored_as_each_months_share_of_the_subtree(session, org, tmp_path):
    seasonal_revenue(session, org.A1, 2024, SEASON)
    seasonal_revenue(session, org.A2, 2024, SEASON)
    import_targets_file(session, write_csv(tmp_path / "t.csv", HEADER, "A,revenue,2025,ensure,20000,,last_year,"))
    assert current(session, org.A, "revenue", 2025, "ensure").phasing_bp == [s * 10 for s in SEASON]


def test_the_engine_reads_the_stored_seasonal_profile_as_time_progress(session, org, tmp_path):
    seasonal_revenue(session, org.A1, 2024, SEASON)
    seasonal_revenue(session, org.A1, 2025, SEASON[:6])
    import_targets_file(session, write_csv(tmp_path / "t.csv", HEADER, "A1,revenue,2025,ensure,12000,,last_year,"))
    analysis = build(session.connection())
    # the engine reads a target's phasing on the seasonal basis (the linear one is m/12 by definition)
    row = analysis.engine.cockpit(analysis.node(org.A1.id), 2025, 6, time_basis="seasonal").row("revenue")
    assert row.time_basis == "phasing"
    assert row.time_progress_pct == pytest.approx(sum(SEASON[:6]) / 10)  # 49.0 % by June, not 50 %


def test_a_year_without_figures_is_phased_linearly_with_a_warning(session, org):
    fields = HEADER.split(",")
    row = Row(2, dict(zip(fields, ["A2", "revenue", "2025", "ensure", "1200", "", "last_year", ""], strict=True)))
    report = import_targets_report(session, [row])
    assert current(session, org.A2, "revenue", 2025, "ensure").phasing_bp == calc.linear_phasing()
    assert len(report.warnings) == 1
    assert "linear" in report.warnings[0].message


def test_last_years_seasonality_is_refused_for_a_balance(session, org, tmp_path):
    with pytest.raises(ValidationFailed, match="flows only"):
        import_targets_file(session, write_csv(tmp_path / "t.csv", HEADER, "A,inventory,2025,ensure,1,,last_year,"))


@pytest.fixture
def cascaded(session, org, tmp_path):
    import_targets_file(
        session,
        write_csv(
            tmp_path / "t.csv",
            HEADER,
            "G,revenue,2025,ensure,1000,,,",
            "A,revenue,2025,ensure,600,,,",
            "B,revenue,2025,ensure,300,,,",
            "A,revenue,2025,strive,700,,,",
            "A1,revenue,2025,ensure,600,,,",
            "A2,revenue,2025,ensure,0,,,",
            "G,debt_to_asset_ratio,2025,ensure,65,,,",
            "A,debt_to_asset_ratio,2025,ensure,60,,,",
            "B,debt_to_asset_ratio,2025,ensure,60,,,",
        ),
    )
    return org


def test_children_that_do_not_add_up_are_reported_with_the_difference(session, cascaded):
    found = {(m.unit_code, m.indicator_code, m.tier): m.gap for m in check_year(session, cascaded.hq_analyst, 2025)}
    # A's ensure tier adds up (600 + 0); A's strive tier has no children's; G has no strive
    # tier but a child has one; ratios are not summed
    assert found == {
        ("G", "revenue", "ensure"): calc.Gap(100_000, 90_000, 10_000, ()),
        ("G", "revenue", "strive"): calc.Gap(None, 70_000, None, ("B",)),
    }


def test_the_check_of_one_subtree_and_of_an_analyst_of_another(session, cascaded):
    assert check_year(session, cascaded.hq_analyst, 2025, "A") == []
    b_analyst = create_user(session, "bella", [("hq_analyst", cascaded.B)])
    assert check_year(session, b_analyst, 2025) == []  # B1 has no target: nothing cascaded
    with pytest.raises(NotFound):
        check_year(session, b_analyst, 2025, "A")


def test_the_check_changes_no_target(session, cascaded):
    before = session.execute(select(Fact)).all()
    check_year(session, cascaded.hq_analyst, 2025)
    assert current(session, cascaded.G, "revenue", 2025, "ensure").value == 100_000
    assert session.execute(select(Fact)).all() == before


def test_a_child_not_asked_for_an_indicator_owes_its_parent_no_target(session, cascaded):
    from pacer.indicators.assignment_write import AssignmentIn, assign

    for code in ("B", "B1"):  # B's whole subtree
        rule = AssignmentIn(
            indicator_code="revenue", unit_code=code, exclude=True, from_month="2025-01", reason="不填报收入"
        )
        assign(session, cascaded.hq_analyst, rule)
    found = {(m.unit_code, m.indicator_code, m.tier): m.gap for m in check_year(session, cascaded.hq_analyst, 2025)}
    # B reports no revenue: G's children are A alone, and B is not listed as lacking a target
    assert found == {
        ("G", "revenue", "ensure"): calc.Gap(100_000, 60_000, 40_000, ()),
        ("G", "revenue", "strive"): calc.Gap(None, 70_000, None, ()),
    }
