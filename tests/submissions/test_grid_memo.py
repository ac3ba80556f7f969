"""The entry grid keeps what it reads of the library and the assignment between requests, and an
edit by HQ shows on the next page at once: the grid never shows a library older than the one
stored."""

from sqlalchemy import event, select

from pacer.analysis.serve.service import build
from pacer.indicators.assignment_write import AssignmentIn, assign
from pacer.indicators.editing import save_indicator
from pacer.indicators.schemas import IndicatorIn
from pacer.models import IndicatorVersion
from pacer.submissions.grid import build_entry_grid
from tests.factories import indicator
from tests.submissions.test_pages import URL, grid  # noqa: F401  (fixture)


def _row(html: str, code: str) -> str:
    return html.split(f'data-code="{code}"')[1].split("</tr>")[0]


def _renamed(session, code: str, name_en: str, from_year: int) -> IndicatorIn:
    ind = indicator(session, code)
    version = session.scalars(
        select(IndicatorVersion).where(IndicatorVersion.indicator_id == ind.id).order_by(IndicatorVersion.from_year)
    ).all()[-1]
    return IndicatorIn(
        code=code,
        category=ind.category,
        unit=ind.unit,
        scale=ind.scale,
        direction=ind.direction,
        kind=ind.kind,
        reporting=ind.reporting,
        never_negative=ind.never_negative,
        from_year=from_year,
        name_zh=version.name_zh,
        name_en=name_en,
        definition_zh=version.definition_zh,
        definition_en=version.definition_en,
        formula=version.formula,
    )


def test_the_library_is_read_once_while_it_stays_as_it_is(grid, session):  # noqa: F811
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    analysis = build(session.connection())
    build_entry_grid(session, grid.unit_reporter, analysis, "A1", 202512)
    event.listen(session.get_bind().engine, "before_cursor_execute", seen)
    try:
        again = build_entry_grid(session, grid.unit_reporter, analysis, "A1", 202512)
    finally:
        event.remove(session.get_bind().engine, "before_cursor_execute", seen)
    assert [line.code for line in again.lines][:2] == ["revenue", "total_profit"]
    read = " ".join(statements)
    assert statements, "the grid reads its unit and figures each time"
    for table in ("indicator_version", "indicator_assignment", "indicator_category", "measure_unit"):
        assert f"FROM {table}" not in read, table


def test_an_indicator_renamed_by_hq_shows_on_the_grid_at_once(grid, signed_in, session):  # noqa: F811
    alice = signed_in("alice")
    assert ">Operating revenue</th>" in _row(alice.get(f"{URL}?lang=en").text, "revenue")

    save_indicator(session, grid.hq_analyst, _renamed(session, "revenue", "Sales revenue", 2025), "revenue")
    session.flush()

    assert ">Sales revenue</th>" in _row(alice.get(f"{URL}?lang=en").text, "revenue")
    earlier = _row(alice.get("/submissions/A1/2024-12?lang=en").text, "revenue")
    assert ">Operating revenue</th>" in earlier  # the name of 2024 stays that year's


def test_an_indicator_excluded_by_hq_leaves_the_grid_at_once(grid, signed_in, session):  # noqa: F811
    alice = signed_in("alice")
    before = alice.get(f"{URL}?lang=en").text
    assert 'name="v.total_profit"' in before
    assert 'data-code="profit_margin"' in before

    rule = AssignmentIn(indicator_code="total_profit", unit_code="A1", exclude=True, from_month="2025-12", reason="x")
    assign(session, grid.hq_analyst, rule)
    session.flush()

    after = alice.get(f"{URL}?lang=en").text
    assert 'name="v.total_profit"' not in after
    assert 'name="v.revenue"' in after
    assert 'data-code="profit_margin"' not in after  # its input is no longer reported
    assert 'name="v.total_profit"' in alice.get("/submissions/A1/2025-11?lang=en").text  # before the rule
