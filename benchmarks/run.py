"""Run every benchmark and assemble benchmarks/RESULTS.md: `python benchmarks/run.py`.

Each benchmark module writes its own section to benchmarks/results/<name>.md; this script runs
them in order (engine, group_indicators, collection_import, web, meeting_extract, monitor,
entry_grid, followup_board, spc, report, meeting_pack, audit_search, demo_quality, assessment, hostile) and puts
the sections
together under a header naming the machine.
"""

from __future__ import annotations

import argparse
import datetime
import runpy
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.common import RESULTS, machine

SECTIONS = (
    "engine",
    "group_indicators",
    "collection_import",
    "web",
    "meeting_extract",
    "monitor",
    "entry_grid",
    "followup_board",
    "spc",
    "report",
    "meeting_pack",
    "audit_search",
    "demo_quality",
    "assessment",
    "hostile",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("only", nargs="*", help=f"run only these benchmarks ({', '.join(SECTIONS)})")
    parser.add_argument(
        "--assemble", action="store_true", help="only put the existing sections together, running nothing"
    )
    args = parser.parse_args()
    unknown = set(args.only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    for name in [] if args.assemble else args.only or SECTIONS:
        # each benchmark parses its own options: give it none of ours
        sys.argv = [str(HERE / f"{name}.py")]
        runpy.run_path(str(HERE / f"{name}.py"), run_name="__main__")
    parts = [
        f"# Benchmark results\n\nMachine: {machine()}  \nAssembled: {datetime.date.today()}  \n"
        "Command: `make benchmark` (that is, `python benchmarks/run.py`)  \n"
        "Peak memory, wherever reported, is the measured process's own high-water mark of resident memory "
        "(`VmHWM` in /proc/<pid>/status; benchmarks/memory.py), never `ru_maxrss`, which a process "
        "started by a large one inherits from it.\n"
    ]
    parts += [(RESULTS / f"{n}.md").read_text(encoding="utf-8") for n in SECTIONS if (RESULTS / f"{n}.md").exists()]
    (HERE / "RESULTS.md").write_text("\n".join(parts), encoding="utf-8")
    print(f"wrote {HERE / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
