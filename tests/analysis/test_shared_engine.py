"""One engine per machine: processes map one snapshot of the engine, and every one of them answers
with a change another process made, from a new snapshot written once for all of them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import update

from pacer.analysis.serve import shared
from pacer.analysis.serve.service import Analysis, build, change_marker
from pacer.models import Fact
from tests.analysis.engine_probe import fingerprint
from tests.factories import create_user, indicator
from tests.webclient import app, figures  # noqa: F401  (fixtures)

SRC = Path(__file__).parents[2] / "src"

# A process that serves the engine: on each line read, it asks for the current engine and prints
# what it answers with and which snapshot files it maps.
ASKER = """
import json, sys
from pacer.analysis.serve.service import get_analysis
from pacer.db import get_engine

for _ in sys.stdin:
    a = get_analysis(get_engine())
    maps = open("/proc/self/maps").read().split("\\n")
    # a snapshot removed while still mapped shows as "path (deleted)"
    mapped = sorted({" ".join(line.split()[5:]) for line in maps if ".engine" in line})
    print(json.dumps({"fingerprint": fingerprint(a), "mapped": mapped, "marker": a.marker}), flush=True)
"""


class Asker:
    def __init__(self, url: str, snapshots: Path) -> None:
        env = os.environ | {
            "PACER_DATABASE_URL": url,
            "PACER_ENGINE_SNAPSHOT_DIR": str(snapshots),
            "PYTHONPATH": os.pathsep.join([str(SRC), str(SRC.parent)]),
        }
        code = f"from tests.analysis.engine_probe import fingerprint\n{ASKER}"
        self.process = subprocess.Popen(
            [sys.executable, "-c", code], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def ask(self) -> dict[str, object]:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write("ask\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, "the process ended"
        return dict(json.loads(line))

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=30)


def _fresh(url: str) -> dict[str, object]:
    """The engine a single process builds from the database now."""
    from pacer.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return fingerprint(build(conn, marker=change_marker(conn)))
    finally:
        engine.dispose()


def test_two_processes_map_one_snapshot_and_answer_a_change_a_third_made(database_url, tmp_path):
    from pacer.db import get_engine, unit_of_work
    from pacer.submissions import service
    from tests.conftest import Org
    from tests.factories import create_monthly_facts
    from tests.submissions.test_service import assign_month
    from tests.submissions.test_service import figures as entered

    with unit_of_work() as session:
        org = Org(session)
        approver = create_user(session, "amy", [("unit_approver", org.A1)])
        create_monthly_facts(session, org.A1, {"revenue": 5, "total_profit": 1}, [202411, 202412])
        create_monthly_facts(session, org.B1, {"revenue": 3, "total_profit": 1}, [202411, 202412])
        assign_month(session, org.hq_analyst)
    get_engine().dispose()
    snapshots = tmp_path / "engines"
    one, two = Asker(database_url, snapshots), Asker(database_url, snapshots)
    try:
        first = one.ask()
        second = two.ask()
        assert len(first["mapped"]) == 1  # one file, mapped by both
        assert first["mapped"] == second["mapped"]
        assert first["fingerprint"] == second["fingerprint"] == _fresh(database_url)

        # a third process accepts a new month (the engine grows by it) and changes a held one
        with unit_of_work() as session:
            for unit, reporter in (("A1", org.unit_reporter),):
                service.save_figures(session, reporter, unit, 202501, entered("revenue=7", "total_profit=2"))
                service.act(session, reporter, unit, 202501, "submit")
                service.act(session, approver, unit, 202501, "approve")
                service.act(session, org.hq_analyst, unit, 202501, "accept")
        changed_at = _fresh(database_url)
        assert changed_at != first["fingerprint"]

        after_two = two.ask()  # this time the other process is the first to need the new engine
        after_one = one.ask()
        assert after_one["fingerprint"] == after_two["fingerprint"] == changed_at
        # both map the new snapshot only: the replaced engine's pages are let go
        assert after_one["mapped"] == after_two["mapped"] != first["mapped"]
        [path] = after_one["mapped"]
        assert Path(path).exists()
        assert not Path(first["mapped"][0]).exists()  # the older snapshot is removed
        assert first["fingerprint"]["revenue_ytd"] is None  # no 2025 before
        assert after_one["fingerprint"]["revenue_ytd"] is not None
    finally:
        one.stop()
        two.stop()


def test_a_snapshot_maps_read_only_and_answers_as_the_engine_it_was_written_from(figures, session, tmp_path):  # noqa: F811
    conn = session.connection()
    analysis = build(conn, marker=change_marker(conn))
    store = shared.Store(tmp_path, "sqlite:/some.db")
    path = store.write(analysis, analysis.marker)
    mapped = shared.load(path)
    assert isinstance(mapped, Analysis)
    assert fingerprint(mapped) == fingerprint(analysis)
    g = analysis.data.unit_index()["G"]
    assert mapped.engine.cockpit(g, 2025, 6).rows == analysis.engine.cockpit(g, 2025, 6).rows
    restated = mapped.engine.cockpit(g, 2025, 6, restate=True).rows  # a cube of its own, built on the mapped facts
    assert restated == analysis.engine.cockpit(g, 2025, 6, restate=True).rows
    r = mapped.engine.catalog.n_reported
    with pytest.raises(ValueError, match="read-only"):
        mapped.engine.apply(g, 2025, 6, np.zeros(r, dtype=np.int64), np.ones(r, dtype=bool))


def test_a_snapshot_holds_figures_of_both_widths_and_a_copy_of_it_widens_more(figures, session, tmp_path):  # noqa: F811
    # A1's revenue in June 2025 past int32: that unit and indicator are held wide, the rest narrow
    session.execute(
        update(Fact)
        .where(
            Fact.unit_id == figures.A1.id, Fact.period == 202506, Fact.indicator_id == indicator(session, "revenue").id
        )
        .values(value=5 * 10**12)
    )
    session.flush()
    conn = session.connection()
    analysis = build(conn, marker=change_marker(conn))
    assert analysis.engine.facts.wide_unit.size == 1
    path = shared.Store(tmp_path, "sqlite:/some.db").write(analysis, analysis.marker)
    mapped = shared.load(path)
    assert fingerprint(mapped) == fingerprint(analysis)
    assert not mapped.engine.facts.wide.flags.writeable
    assert not mapped.engine.facts.narrow.flags.writeable
    g = analysis.data.unit_index()["G"]
    assert mapped.engine.cockpit(g, 2025, 6).rows == analysis.engine.cockpit(g, 2025, 6).rows
    # a catch-up works on a copy: a figure past int32 widens the copy, never the mapped engine
    copy = mapped.engine.resized(mapped.engine.n_months, mapped.engine.tree_history, mapped.engine.targets)
    a2, r = analysis.data.unit_index()["A2"], mapped.engine.catalog.n_reported
    june = copy.cockpit(g, 2025, 6).row("revenue").value.scaled
    revenue = int(copy.catalog.reported_pos[copy.catalog.index["revenue"]])
    before = copy.facts.value(a2, revenue, copy.month_index(2025, 6))
    big = np.full(r, 7 * 10**12, dtype=np.int64)
    with pytest.raises(ValueError, match="read-only"):
        mapped.engine.apply(a2, 2025, 6, big, np.ones(r, dtype=bool))
    copy.apply(a2, 2025, 6, big, np.ones(r, dtype=bool))
    assert copy.facts.wide_unit.size == 1 + r
    assert copy.cockpit(g, 2025, 6).row("revenue").value.scaled == june - before + 7 * 10**12
    assert mapped.engine.facts.wide_unit.size == 1
    assert fingerprint(mapped) == fingerprint(analysis)


def test_a_snapshot_not_written_whole_is_never_mapped(figures, session, tmp_path):  # noqa: F811
    conn = session.connection()
    analysis = build(conn, marker=change_marker(conn))
    store = shared.Store(tmp_path, "sqlite:/some.db")
    whole = store.write(analysis, 5)
    data = whole.read_bytes()
    (store.dir / ".tmp-1-abcd").write_bytes(data[: len(data) // 2])  # a writer that died mid-way
    assert store.snapshots() == [(5, whole)]
    cut = store.dir / f"{6:020d}.engine"
    cut.write_bytes(data[:-1])
    with pytest.raises(shared.SnapshotError, match="not a whole snapshot"):
        shared.load(cut)
    store.prune(cut)
    assert [p.name for p in store.dir.iterdir() if not p.name.startswith(".lock")] == [cut.name]


def test_snapshots_live_only_where_no_one_else_can_write(tmp_path):
    open_dir = tmp_path / "open"
    open_dir.mkdir(mode=0o777)
    open_dir.chmod(0o777)
    with pytest.raises(shared.SnapshotError, match="only this user can write"):
        shared.Store(open_dir, "sqlite:/some.db")
