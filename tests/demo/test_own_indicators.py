"""The demo group's own indicators (group_indicators.yaml): defined as the group's, reported only
by the units they concern, with targets, and evaluated after aggregation like Pacer's own."""

from __future__ import annotations

import itertools
import json
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from pacer.cli import app
from pacer.demo.generator import DemoConfig, facts_matrix, generate

runner = CliRunner()
OWN = {"launches", "launch_service_revenue", "revenue_per_launch", "output_value", "energy_use", "energy_intensity"}


@pytest.fixture
def demo_db(demo_groups, tmp_path, monkeypatch):
    template, _ = demo_groups.cli("--years", "2", "--as-of", "2026-10")
    for url in demo_groups.copy(template, tmp_path, monkeypatch):
        engine = create_engine(url)
        yield engine
        engine.dispose()


def _reporters(conn, code: str) -> set[str]:
    return set(
        conn.execute(
            text(
                "SELECT DISTINCT u.code FROM fact f JOIN unit u ON u.id = f.unit_id "
                "JOIN indicator i ON i.id = f.indicator_id WHERE i.code = :c"
            ),
            {"c": code},
        ).scalars()
    )


def test_the_demo_database_holds_the_group_s_own_indicators_as_the_group_s(demo_db):
    with demo_db.connect() as conn:
        rows = conn.execute(text("SELECT code, origin, unit FROM indicator WHERE origin = 'group'")).all()
        names = dict(
            conn.execute(
                text(
                    "SELECT i.code, v.name_zh || '/' || v.name_en FROM indicator i "
                    "JOIN indicator_version v ON v.indicator_id = i.id WHERE i.code = 'energy_intensity'"
                )
            ).all()
        )
    assert {code for code, _, _ in rows} == OWN
    assert {code: unit for code, _, unit in rows}["energy_intensity"] == "tce_per_wan_yuan"
    assert names == {"energy_intensity": "万元产值综合能耗/Energy use per RMB 10,000 of output"}


def test_own_figures_sit_only_at_the_units_their_sets_concern(demo_db):
    with demo_db.connect() as conn:
        units = {code: (kind, tags) for code, kind, tags in conn.execute(text("SELECT code, kind, tags FROM unit"))}
        launches, energy = _reporters(conn, "launches"), _reporters(conn, "energy_use")
        revenue = _reporters(conn, "revenue")

    def tag(code: str, key: str) -> str | None:
        tags = units[code][1]
        return (tags if isinstance(tags, dict) else json.loads(tags or "{}")).get(key)

    assert launches == {code for code in revenue if tag(code, "space") == "launch"} == {"G0105", "G0304"}
    manufacturers = {c for c in revenue if units[c][0] == "factory" or tag(c, "energy") == "key_consumer"}
    assert energy == manufacturers
    assert len(energy) < len(revenue) / 2
    assert _reporters_of(demo_db, "output_value") == energy


def _reporters_of(engine, code: str) -> set[str]:
    with engine.connect() as conn:
        return _reporters(conn, code)


def test_a_parent_s_energy_intensity_is_its_energy_over_its_output_as_summed(demo_db):
    from pacer.analysis.serve.service import build

    with demo_db.connect() as conn:
        analysis = build(conn)
        sums = dict(
            conn.execute(
                text(
                    "SELECT i.code, sum(f.value) FROM fact f JOIN indicator i ON i.id = f.indicator_id "
                    "JOIN unit_parentage p ON p.unit_id = f.unit_id AND p.valid_to IS NULL "
                    "JOIN unit parent ON parent.id = p.parent_id "
                    "WHERE parent.code = 'G06' AND f.period BETWEEN 202601 AND 202610 "
                    "AND i.code IN ('energy_use', 'output_value') GROUP BY i.code"
                )
            ).all()
        )
    energy = Decimal(int(sums["energy_use"])) / 100  # tce, scale 2
    output = Decimal(int(sums["output_value"])) / 100 / 10000  # 万元 from fen
    by_hand = (energy / output).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    node = analysis.data.unit_index()["G06"]
    row = analysis.engine.cockpit(node, 2026, 10, ["energy_intensity"]).row("energy_intensity")
    assert row.ytd.scaled == int(by_hand * 10000)
    assert Decimal("0.03") < by_hand < Decimal("0.3")


def test_revenue_per_launch_is_the_group_s_launch_revenue_over_its_launches(demo_db):
    from pacer.analysis.serve.service import build

    with demo_db.connect() as conn:
        analysis = build(conn)
    cockpit = analysis.engine.cockpit(0, 2026, 10, ["launches", "launch_service_revenue", "revenue_per_launch"])
    launches = cockpit.row("launches").ytd.scaled
    revenue = Decimal(cockpit.row("launch_service_revenue").ytd.scaled) / 100
    assert launches > 0
    expected = (revenue / launches).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    # the engine evaluates formulas in binary floating point: a tie at the last place may round down
    assert abs(cockpit.row("revenue_per_launch").ytd.scaled - int(expected * 100)) <= 1


def test_the_own_indicators_have_targets_and_intensity_must_fall(demo_db):
    with demo_db.connect() as conn:
        targets = {
            (code, tier): value
            for code, tier, value in conn.execute(
                text(
                    "SELECT i.code, t.tier, t.value FROM target t JOIN indicator i ON i.id = t.indicator_id "
                    "JOIN unit u ON u.id = t.unit_id WHERE u.code = 'G' AND t.year = 2026 AND i.origin = 'group'"
                )
            )
        }
    assert {code for code, _ in targets} == {"launches", "launch_service_revenue", "output_value", "energy_intensity"}
    assert targets["launches", "strive"] >= targets["launches", "ensure"] > 0
    assert targets["energy_intensity", "strive"] < targets["energy_intensity", "ensure"]


def test_energy_intensity_improves_slowly_and_stays_plausible():
    group = generate(DemoConfig.load(), seed=7)
    _, periods, energy = facts_matrix(group, "energy_use")
    _, _, output = facts_matrix(group, "output_value")
    yearly = [
        energy[:, periods // 100 == year].sum() / 100 / (output[:, periods // 100 == year].sum() / 1_000_000)
        for year in range(2019, 2026)
    ]
    assert all(0.05 < value < 0.3 for value in yearly)
    assert all(later < earlier for earlier, later in itertools.pairwise(yearly))
    assert 0.01 < 1 - yearly[-1] / yearly[-2] < 0.06


def test_launch_revenue_never_exceeds_the_unit_s_revenue():
    group = generate(DemoConfig.load(), seed=7)
    units, periods, launch = facts_matrix(group, "launch_service_revenue")
    all_units, all_periods, revenue = facts_matrix(group, "revenue")
    rows = [all_units.index(code) for code in units]
    assert np.array_equal(periods, all_periods)
    assert (launch <= revenue[rows]).all()
    assert launch.sum() > 0


def test_the_demo_assigns_each_set_to_the_units_it_concerns(demo_db):
    from pacer.indicators.assignment_service import reported_indicators
    from pacer.models import Unit

    with Session(demo_db) as session:
        reports = {
            code: set(reported_indicators(session, session.scalar(select(Unit).where(Unit.code == code)), 202610))
            for code in ("G0101", "G0105", "G0602")
        }
    own = {"launches", "launch_service_revenue", "output_value", "energy_use"}
    assert "revenue" in reports["G0101"]
    assert not reports["G0101"] & own  # an institute: the express report only
    assert own <= reports["G0105"]  # a factory that sells launch services
    assert reports["G0602"] & own == {"output_value", "energy_use"}  # a key energy consumer


def test_only_a_unit_lacking_an_assigned_figure_is_missing_from_the_month(demo_db):
    from pacer.analysis.serve.completeness import missing_figures
    from pacer.analysis.serve.service import build

    with demo_db.connect() as conn:
        everyone = build(conn)
    nodes = np.arange(len(everyone.data.units.codes))
    assert missing_figures(everyone, nodes, 202609) == []  # nobody owes launches or energy it is not assigned
    with demo_db.begin() as conn:
        conn.execute(
            text(
                "DELETE FROM fact WHERE period = 202609 AND unit_id = (SELECT id FROM unit WHERE code = 'G0603') "
                "AND indicator_id = (SELECT id FROM indicator WHERE code = 'energy_use')"
            )
        )
    with demo_db.connect() as conn:
        analysis = build(conn)
    missing = missing_figures(analysis, nodes, 202609)
    reported = [d.code for d in analysis.data.indicators if d.kind != "derived"]
    assert [(analysis.data.units.codes[m.node], [reported[r] for r in m.missing]) for m in missing] == [
        ("G0603", ["energy_use"])
    ]


def test_the_library_export_carries_the_group_s_own_and_reads_back_unchanged(demo_db, tmp_path):
    path = tmp_path / "library.yaml"
    exported = runner.invoke(app, ["indicators", "export", "-o", str(path)])
    assert exported.exit_code == 0, exported.output
    text = path.read_text(encoding="utf-8")
    for words in (
        "energy_intensity",
        "万元产值综合能耗",
        "Energy use per RMB 10,000 of output",
        "yuan_per_launch",
        "发射服务",
    ):
        assert words in text
    again = runner.invoke(app, ["indicators", "import", str(path), "--dry-run"])
    assert again.exit_code == 0, again.output
    assert "unchanged" in again.output
