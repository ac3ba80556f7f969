"""Every importer reads numbers, months and limits the same way: a value storage cannot hold,
or one that cannot be right, is refused with its row and field, and nothing is stored."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from pacer.eliminations.service import import_eliminations_file
from pacer.errors import ValidationFailed
from pacer.facts.service import import_facts_file
from pacer.models import AuditEntry, EliminationEntry, Fact, Submission, Target
from pacer.targets.service import import_targets_file
from tests.factories import indicator, write_csv

TODAY = date(2026, 11, 22)
FACTS = "unit_code,indicator_code,period,value,basis"
ELIMINATIONS = "unit_code,indicator_code,period,value,counterparty"
TARGETS = "unit_code,indicator_code,year,tier,value,growth_pct,phasing,reason"

BAD_NUMBERS = [
    "1e400",
    "99999999999999999999999",
    "1e100000000",
    "92233720368547758.07",
    "1e3",
    "+12",
    "1_000",
    "１２",
    "－12",
    "\u221212",
    "12,34",
    "9" * 60,
]


def state(session):
    tables = (Fact, Submission, EliminationEntry, Target, AuditEntry)
    return tuple(session.scalar(select(func.count()).select_from(t)) for t in tables)


def refused(session, importer, path, actor, *args):
    before = state(session)
    with pytest.raises(ValidationFailed) as caught:
        importer(session, path, actor, *args)
    assert state(session) == before
    return caught.value


# each importer, with a good row and a row whose number is {value}
IMPORTERS = {
    "facts": (
        import_facts_file,
        FACTS,
        "A1,revenue,2025-01,5,monthly",
        "A1,revenue,2025-02,{value},monthly",
        "value",
        True,
    ),
    "eliminations": (
        import_eliminations_file,
        ELIMINATIONS,
        "A,revenue,2025-01,5,A1→A2",
        "A,revenue,2025-02,{value},A1→A2",
        "value",
        True,
    ),
    "target value": (
        import_targets_file,
        TARGETS,
        "A1,revenue,2025,ensure,5,,,",
        "A1,revenue,2025,strive,{value},,,",
        "value",
        False,
    ),
    "target growth": (
        import_targets_file,
        TARGETS,
        "A1,revenue,2025,ensure,5,,,",
        "A1,headcount,2025,ensure,,{value},,",
        "growth_pct",
        False,
    ),
}


@pytest.mark.parametrize("which", IMPORTERS)
@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_a_number_that_storage_cannot_hold_or_the_format_refuses_is_named(session, org, tmp_path, which, value):
    importer, header, good, bad, field, dated = IMPORTERS[which]
    path = write_csv(tmp_path / "f.csv", header, good, bad.format(value=f'"{value}"'))
    error = refused(session, importer, path, org.group_admin, *((TODAY,) if dated else ()))
    assert [(p.row, p.field) for p in error.problems] == [(3, field)]
    assert len(error.message) < 400


def test_the_64_bit_maximum_is_not_stored_in_place_of_a_larger_value(session, org, tmp_path):
    path = write_csv(tmp_path / "f.csv", FACTS, "A1,revenue,2025-01,92233720368547758.07,monthly")
    error = refused(session, import_facts_file, path, org.unit_reporter, TODAY)
    assert "out of range: at most 1000000000000.00 either way" in str(error.problems[0])


def test_a_flows_bound_applies_to_the_month_worked_out_from_year_to_date_figures(session, org, tmp_path):
    path = write_csv(tmp_path / "f.csv", FACTS, "A1,revenue,2025-01,-5,ytd", "A1,revenue,2025-02,999999999999.99,ytd")
    error = refused(session, import_facts_file, path, org.unit_reporter, TODAY)
    assert [(p.row, p.field) for p in error.problems] == [(3, "value")]
    assert "the month's amount" in error.problems[0].message


def test_balances_may_be_larger_than_a_months_flow(session, org, tmp_path):
    path = write_csv(tmp_path / "f.csv", FACTS, "A1,total_assets,2025-01,5000000000000.00,")
    import_facts_file(session, path, org.unit_reporter, TODAY)
    fact = session.scalars(select(Fact).where(Fact.indicator_id == indicator(session, "total_assets").id)).one()
    assert fact.value == 5 * 10**14


def test_headcount_and_counts_are_never_negative_but_money_may_be(session, org, tmp_path):
    path = write_csv(tmp_path / "f.csv", FACTS, "A1,headcount,2025-01,-3,", "A1,quality_problems,2025-01,-1,")
    error = refused(session, import_facts_file, path, org.unit_reporter, TODAY)
    assert [(p.row, p.field, p.message) for p in error.problems] == [
        (2, "value", "'headcount' cannot be negative"),
        (3, "value", "'quality_problems' cannot be negative"),
    ]
    ok = write_csv(tmp_path / "ok.csv", FACTS, "A1,owners_equity,2025-01,-3,", "A1,net_profit,2025-01,-1,monthly")
    assert import_facts_file(session, ok, org.unit_reporter, TODAY)["created"] == 2


def test_a_year_to_date_count_below_the_month_before_is_refused_but_money_may_fall(session, org, tmp_path):
    path = write_csv(tmp_path / "f.csv", FACTS, "A1,inspected_lots,2025-01,10,ytd", "A1,inspected_lots,2025-02,8,ytd")
    error = refused(session, import_facts_file, path, org.unit_reporter, TODAY)
    assert [(p.row, p.field) for p in error.problems] == [(3, "value")]
    assert "below the month before's" in error.problems[0].message
    ok = write_csv(tmp_path / "ok.csv", FACTS, "A1,revenue,2025-01,10,ytd", "A1,revenue,2025-02,8,ytd")
    import_facts_file(session, ok, org.unit_reporter, TODAY)  # a month of returns
    assert session.scalar(select(func.min(Fact.value))) == -200


def test_a_negative_headcount_target_is_refused(session, org, tmp_path):
    path = write_csv(tmp_path / "t.csv", TARGETS, "A1,headcount,2025,ensure,-5,,,")
    error = refused(session, import_targets_file, path, org.group_admin)
    assert [(p.row, p.field) for p in error.problems] == [(2, "value")]


def test_a_growth_target_beyond_the_bound_is_refused(session, org, tmp_path):
    ind = indicator(session, "revenue")
    session.add_all(Fact(unit_id=org.A1.id, indicator_id=ind.id, period=202400 + m, value=10**14) for m in range(1, 13))
    session.flush()
    path = write_csv(tmp_path / "t.csv", TARGETS, "A1,revenue,2025,ensure,,9000,,")
    error = refused(session, import_targets_file, path, org.group_admin)
    assert [(p.row, p.field) for p in error.problems] == [(2, "growth_pct")]
    assert "out of range" in error.problems[0].message
    below = write_csv(tmp_path / "b.csv", TARGETS, "A1,revenue,2025,ensure,,-100.01,,")
    assert refused(session, import_targets_file, below, org.group_admin).problems[0].field == "growth_pct"


@pytest.mark.parametrize("period", ["2025.07", "2025-07-01", "２０２５-07", "20257"])
def test_months_are_read_one_way_in_every_importer(session, org, tmp_path, period):
    for importer, header, line in (
        (import_facts_file, FACTS, f"A1,revenue,{period},1,monthly"),
        (import_eliminations_file, ELIMINATIONS, f"A,revenue,{period},1,x"),
    ):
        error = refused(session, importer, write_csv(tmp_path / "f.csv", header, line), org.group_admin, TODAY)
        assert [(p.row, p.field) for p in error.problems] == [(2, "period")]


def test_a_month_written_with_a_slash_is_read(session, org, tmp_path):
    path = write_csv(tmp_path / "f.csv", FACTS, "A1,revenue,2025/07,1,monthly")
    import_facts_file(session, path, org.unit_reporter, TODAY)
    assert session.scalar(select(Fact.period)) == 202507


def test_a_year_in_full_width_digits_is_refused(session, org, tmp_path):
    path = write_csv(tmp_path / "t.csv", TARGETS, "A1,revenue,２０２５,ensure,5,,,")
    assert refused(session, import_targets_file, path, org.group_admin).problems[0].field == "year"


@pytest.mark.parametrize(
    ("importer", "header", "dated"),
    [
        (import_facts_file, FACTS, True),
        (import_eliminations_file, ELIMINATIONS, True),
        (import_targets_file, TARGETS, False),
    ],
)
def test_a_file_with_a_header_and_no_rows_is_refused(session, org, tmp_path, importer, header, dated):
    path = write_csv(tmp_path / "f.csv", header)
    error = refused(session, importer, path, org.group_admin, *((TODAY,) if dated else ()))
    assert "no rows" in error.message


def test_a_huge_file_of_bad_rows_lists_a_hundred_problems_and_counts_the_rest(session, org, tmp_path):
    path = tmp_path / "f.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write(FACTS + "\n")
        for n in range(30_000):
            out.write(f"A1,revenue,2025-01,bad{n},monthly\n")
    error = refused(session, import_facts_file, path, org.unit_reporter, TODAY)
    assert len(error.problems) == 100
    assert error.more == 29_900
    assert error.message.endswith("... and 29,900 more")
    assert error.problems[-1].row == 101
