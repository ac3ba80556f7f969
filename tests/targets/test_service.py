import pytest
from sqlalchemy import func, select

from pacer.errors import ValidationFailed
from pacer.models import AuditEntry, Fact, Target
from pacer.targets.service import import_targets_file
from tests.factories import indicator, write_csv

HEADER = "unit_code,indicator_code,year,tier,value,growth_pct,phasing,reason"


def current(session, unit, code, year, tier):
    ind = indicator(session, code)
    return session.scalars(
        select(Target).where(
            Target.unit_id == unit.id,
            Target.indicator_id == ind.id,
            Target.year == year,
            Target.tier == tier,
            Target.is_current.is_(True),
        )
    ).one()


def add_revenue(session, unit, year, monthly):
    ind = indicator(session, "revenue")
    for month in range(1, 13):
        session.add(Fact(unit_id=unit.id, indicator_id=ind.id, period=year * 100 + month, value=monthly))
    session.flush()


def test_absolute_and_growth_targets(session, org, tmp_path):
    add_revenue(session, org.A1, 2024, 100_000)  # 1,000.00 a month
    add_revenue(session, org.A2, 2024, 50_000)
    path = write_csv(
        tmp_path / "t.csv",
        HEADER,
        "A,revenue,2025,ensure,,5,,",
        "A,revenue,2025,strive,,10,,",
        "G,debt_to_asset_ratio,2025,ensure,65,,,",
    )
    assert import_targets_file(session, path, org.hq_analyst)["created"] == 3
    # the academy's 2024 actual is its subtree's: 18,000.00; +5 % = 18,900.00
    assert current(session, org.A, "revenue", 2025, "ensure").value == 1_890_000
    assert current(session, org.A, "revenue", 2025, "strive").value == 1_980_000
    assert current(session, org.G, "debt_to_asset_ratio", 2025, "ensure").value == 6500


def test_a_revision_keeps_history_and_needs_a_reason(session, org, tmp_path):
    import_targets_file(session, write_csv(tmp_path / "a.csv", HEADER, "A1,revenue,2025,ensure,1000,,,"))
    with pytest.raises(ValidationFailed, match="needs a reason"):
        import_targets_file(session, write_csv(tmp_path / "b.csv", HEADER, "A1,revenue,2025,ensure,1100,,,"))
    import_targets_file(session, write_csv(tmp_path / "c.csv", HEADER, "A1,revenue,2025,ensure,1100,,,new contract"))
    rows = session.scalars(select(Target).where(Target.unit_id == org.A1.id).order_by(Target.revision)).all()
    assert [(t.value, t.revision, t.is_current) for t in rows] == [(100000, 1, False), (110000, 2, True)]
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "target.revise")).one()
    assert audit.before == {"value": "1000.00", "revision": 1}
    assert audit.after["reason"] == "new contract"


@pytest.mark.parametrize(
    ("line", "field", "words"),
    [
        ("ZZ,revenue,2025,ensure,1,,,", "unit_code", "unknown unit"),
        ("A1,revenue,2025,hope,1,,,", "tier", "tier must be"),
        ("A1,revenue,20x5,ensure,1,,,", "year", "not a year"),
        ("A1,revenue,2025,ensure,1,5,,", "value", "exactly one"),
        ("A1,revenue,2026,ensure,,5,,", "growth_pct", "which has no figures"),
        ("A1,revenue,2025,ensure,1,,10;90,", "phasing", "12 non-negative"),
        ("A1,rd_intensity,2025,ensure,,5,,", "growth_pct", "must be a value"),
        ("A1,revenue,2025,strive,1,,,", "value", "at least as demanding"),
    ],
)
def test_bad_target_rows_are_refused_whole(session, org, tmp_path, line, field, words):
    count = session.scalar(select(func.count()).select_from(Target))
    path = write_csv(tmp_path / "t.csv", HEADER, "A1,revenue,2025,ensure,10,,,", line)
    with pytest.raises(ValidationFailed) as caught:
        import_targets_file(session, path)
    problem = caught.value.problems[0]
    assert (problem.row, problem.field) == (3, field)
    assert words in problem.message
    assert session.scalar(select(func.count()).select_from(Target)) == count


def test_phasing_is_stored_in_basis_points(session, org, tmp_path):
    shares = ";".join(["8.33"] * 11 + ["8.37"])
    import_targets_file(session, write_csv(tmp_path / "t.csv", HEADER, f"A1,revenue,2025,ensure,1200,,{shares},"))
    assert current(session, org.A1, "revenue", 2025, "ensure").phasing_bp == [833] * 11 + [837]


def test_reporter_cannot_set_targets(session, org, tmp_path):
    with pytest.raises(ValidationFailed, match="unknown unit 'A1'"):
        import_targets_file(
            session, write_csv(tmp_path / "t.csv", HEADER, "A1,revenue,2025,ensure,1,,,"), org.unit_reporter
        )
