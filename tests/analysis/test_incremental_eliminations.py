"""The cached engine replays changed elimination entries unit-month by unit-month, to exactly
what a rebuild gives, and together with changed figures."""

from __future__ import annotations

import numpy as np
from typer.testing import CliRunner

from pacer.analysis.serve import service
from pacer.cli import app
from pacer.db import unit_of_work
from pacer.eliminations.service import import_eliminations
from pacer.facts.service import import_facts
from pacer.kit.tabular import Row

from .test_incremental import answers, builds, demo  # noqa: F401  (fixtures)

runner = CliRunner()


def entry(n: int, unit: str, code: str, period: str, value: str, counterparty: str) -> Row:
    return Row(
        n, {"unit_code": unit, "indicator_code": code, "period": period, "value": value, "counterparty": counterparty}
    )


def test_changed_eliminations_update_the_cached_engine_exactly_as_a_rebuild_would(demo, builds):  # noqa: F811  (the fixture imported above)
    before = service.get_analysis(demo)
    before.engine.cube(restate=True)
    group_before = before.engine.cockpit(0, 2026, 10, ["revenue"]).row("revenue")
    with unit_of_work(demo) as session:
        counts = import_eliminations(
            session,
            [
                entry(2, "G01", "revenue", "2026-05", "123456789.00", "G0104→G0105"),  # replaces the demo's
                entry(3, "G", "revenue", "2026-10", "250000000.00", "G0302→G0203"),  # a new pair
                entry(4, "G04", "accounts_receivable", "2026-07", "-1.50", "G0402→G0401"),
            ],
        )
        import_facts(
            session,
            [
                Row(
                    5,
                    {
                        "unit_code": "G0101",
                        "indicator_code": "revenue",
                        "period": "2026-10",
                        "value": "321.00",
                        "basis": "monthly",
                    },
                )
            ],
        )
    assert counts == {"rows": 3, "updated": 2, "created": 1}
    after = service.get_analysis(demo)
    assert len(builds) == 1, "the entries were replayed, not rebuilt"
    with demo.connect() as conn:
        fresh = service.build(conn)
    for restate in (False, True):
        assert np.array_equal(after.engine.cube(restate).dense()[0], fresh.engine.cube(restate).dense()[0])
        assert np.array_equal(after.engine.cube(restate).dense()[1], fresh.engine.cube(restate).dense()[1])
        for year, month in ((2026, 5), (2026, 7), (2026, 10)):
            assert answers(after, year, month, restate) == answers(fresh, year, month, restate)
    group_after = after.engine.cockpit(0, 2026, 10, ["revenue"]).row("revenue")
    assert group_after.value.scaled < group_before.value.scaled  # 2.5亿 more eliminated in October


def test_an_eliminations_import_in_another_process_is_caught_up(demo, builds, tmp_path):  # noqa: F811  (the fixture imported above)
    before = service.get_analysis(demo)
    path = tmp_path / "eliminations.csv"
    path.write_text(
        "unit_code,indicator_code,period,value,counterparty\nG,operating_cost,2026-09,99.99,G0302→G0203\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["eliminations", "import", str(path)])
    assert result.exit_code == 0, result.output
    after = service.get_analysis(demo)
    assert after is not before
    assert len(builds) == 1
    cost = [
        a.engine.cockpit(0, 2026, 9, ["operating_cost"]).row("operating_cost").value.scaled for a in (before, after)
    ]
    assert cost[1] == cost[0] - 9999
