"""The meeting pack for 50 units: goal ≤ 2 minutes.

`python benchmarks/meeting_pack.py` builds (once, from a fixed seed) a demo group of about 200
units with two years of figures in benchmarks/data/meeting_pack.db, then times, as the system
actor, the meeting pack the background job makes (``pacer.reports.jobs.meeting_pack_work``'s
steps): the group's half-year economic report, a one-page brief of each of 50 units (each drawn
from the unit's own economic report) and the whole rendered as one Word document and as one PDF.
Beside it, the obvious alternative: each unit's full report rendered as its own Word document,
timed for 5 units and scaled to 50. Results go to benchmarks/results/meeting_pack.md.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from sqlalchemy.orm import Session

from benchmarks.common import DATA, RESULTS, build_group, machine
from pacer.auth.permissions import SYSTEM
from pacer.db import make_engine
from pacer.reports import render
from pacer.reports.drawn import economic_report
from pacer.reports.generate import units_in_sight
from pacer.reports.pack import meeting_pack

GOAL_SECONDS = 120.0
UNITS, SAMPLE = 50, 5
PARAMS = {"units": 200, "years": 2, "seed": 7, "as_of": 202510, "extra_indicators": 0, "group_indicators": 0}
URL = f"sqlite:///{DATA / 'meeting_pack.db'}"
P = {"period": "2025-09", "span": "half", "lang": "zh"}


def _load(seconds: object) -> str:
    return "built before" if seconds == "reused" else f"load {seconds} s"


def main() -> None:
    built = build_group(URL, PARAMS)
    engine = make_engine(URL)
    with Session(engine) as session:
        placed = [p.unit for p in units_in_sight(session, SYSTEM, date(2025, 10, 15))]
        group, units = placed[0], placed[1 : 1 + UNITS]
        economic_report(session, SYSTEM, group.code, P["period"], P["span"], "zh")  # the engine built once
        timings = {}
        for fmt in ("docx", "pdf"):
            started = time.perf_counter()
            report = economic_report(session, SYSTEM, group.code, P["period"], P["span"], "zh")
            pack = meeting_pack(session, SYSTEM, report, P, lambda *_: None, units)
            body = render(pack, fmt, "zh")
            timings[fmt] = (time.perf_counter() - started, len(body))
        started = time.perf_counter()
        for unit in units[:SAMPLE]:
            render(economic_report(session, SYSTEM, unit.code, P["period"], P["span"], "zh"), "docx", "zh")
        separate = (time.perf_counter() - started) / SAMPLE * UNITS
    engine.dispose()
    lines = [
        "## Meeting pack (50 units)\n",
        f"Machine: {machine()}; group: {PARAMS['units']} units, {PARAMS['years']} years "
        f"({_load(built['load_seconds'])}); half year to {P['period']}, Chinese; goal ≤ {GOAL_SECONDS:.0f} s.\n",
        "| what | seconds | size | goal |",
        "|---|---:|---:|---|",
    ]
    for fmt, (seconds, size) in timings.items():
        met = "met" if seconds <= GOAL_SECONDS else "MISSED"
        lines.append(f"| pack as one .{fmt}: group report + {UNITS} briefs | {seconds:.1f} | {size:,} B | {met} |")
    lines.append(f"| alternative: {UNITS} full unit reports as separate .docx (5 timed, ×10) | {separate:.1f} | | |")
    lines += [
        "",
        "The .docx is timed first and includes drawing the group report's charts as images (the renderer",
        "keeps them), so the .pdf after it reuses them; both include drawing the 51 reports' figures.",
    ]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "meeting_pack.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
