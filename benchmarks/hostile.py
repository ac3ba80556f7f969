"""Hostile input against the real app, class by class, with the count of attempts and failures.

`python benchmarks/hostile.py [--scale N] [--postgres] [class ...]` runs the suite's hostile-input
tests as campaigns: the same tests (the app from its factory on a migrated database, users signed
in with a session cookie or an API token, a group whose every route's path parameters are known),
with N times the generated examples and walked ids (PACER_HOSTILE_SCALE). Each test counts what it
tried and what failed (tests/hostile.py) into a file this script reads; the classes:

- parsers: Hypothesis fuzzing of every import parser (tests/test_import_fuzz.py);
- openapi: schemathesis over the OpenAPI description with a signed-in token, as an administrator
  and as a unit reporter: no 5xx, and a refused request (4xx) writes nothing: every table's row
  count the same after it (tests/web/test_openapi_fuzz.py);
- xss: stored markup in every free-text column, every GET route read (tests/web/test_stored_xss.py);
- csrf, fixation, traversal: forged requests on every changing route, fixed session cookies,
  climbing file names and path parameters (tests/web/test_forgery.py);
- cross-unit: every route as viewers at every level, each unit's code in and out of their view
  (tests/web/test_cross_unit.py);
- guessed-ids: every route with an id or code in its path, the ids walked over the first numbers
  and every unit's code, as viewers without the unit in view; changing routes by a user without
  grants: nothing stored (tests/web/test_guessed_ids.py).

Results go to benchmarks/results/hostile.md (one table, then what each campaign tried). A failure
also fails its test, so the campaign's own output names it.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import POSTGRES_URL, RESULTS, machine

CLASSES = {  # the longest first, so that classes run side by side end together
    "openapi": ["tests/web/test_openapi_fuzz.py"],  # its operations' parts: --openapi-parts
    "xss": ["tests/web/test_stored_xss.py"],
    "parsers": ["tests/test_import_fuzz.py"],
    "csrf": ["tests/web/test_forgery.py::test_no_changing_route_takes_a_forged_request"],
    "fixation": ["tests/web/test_forgery.py::test_a_session_fixed_before_signing_in_is_not_the_one_after"],
    "traversal": ["tests/web/test_forgery.py::test_no_upload_or_download_leaves_its_folder"],
    "cross-unit": ["tests/web/test_cross_unit.py::test_no_route_shows_a_unit_outside_the_viewers_subtrees"],
    "guessed-ids": ["tests/web/test_guessed_ids.py"],
}


def run_class(name: str, scale: float, database: str | None, parts: int) -> tuple[list[dict], Timing]:
    """One class's tests in a fresh pytest process: what they counted, and its wall and CPU time
    and exit code."""
    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as handle:
        report = Path(handle.name)
    env = os.environ | {"PACER_HOSTILE_REPORT": str(report), "PACER_HOSTILE_SCALE": str(scale)}
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    if database:
        env["PACER_TEST_DATABASE_URL"] = database
    command = [sys.executable, "-m", "pytest", *CLASSES[name], "-q", "-p", "no:cacheprovider", "-p", "no:xdist"]
    if name == "openapi" and parts < 8:  # the first parts of the operations (of 8), as both users
        command += ["-k", " or ".join(f"{user}-{part}" for part in range(parts) for user in ("grace", "alice"))]
    print(f"{name}: {' '.join(command[3:])}", flush=True)
    started = time.perf_counter()
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)  # this process's own CPU time (and its children's)
        process.returncode = code = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        output.seek(0)
        said = output.read().decode(errors="replace")
    print(f"{name}: {seconds:.0f} s, exit {code}\n{said[-3000:]}", flush=True)
    found = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines() if line.strip()]
    report.unlink()
    if not found:
        raise SystemExit(f"{name}: the tests counted nothing (exit {code})")
    return [line | {"class": name} for line in found], Timing(seconds, usage.ru_utime + usage.ru_stime, code)


class Timing(NamedTuple):
    wall: float
    cpu: float
    code: int


def run(
    names: list[str], scale: float, database: str | None, jobs: int, parts: int
) -> tuple[list[dict], dict[str, Timing]]:
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        done = list(pool.map(lambda name: run_class(name, scale, database, parts), names))
    lines = [line for found, _ in done for line in found]
    return lines, {name: timing for name, (_, timing) in zip(names, done, strict=True)}


def write(lines: list[dict], timings: dict[str, Timing], scale: float, database: str, loads: list[str]) -> str:
    by_class: dict[str, list[dict]] = defaultdict(list)
    for line in lines:
        by_class[line["class"]].append(line)
    out = [
        "## Hostile input\n",
        f"Command: `python benchmarks/hostile.py --scale {scale:g}`{' --postgres' if database != 'SQLite' else ''}. "
        f"Ended {datetime.datetime.now():%Y-%m-%d %H:%M} on {database}; load average (1/5/15 min) "
        f"{loads[0]} at the start, {loads[1]} at the end; several classes at a time, each in a pytest "
        f"process of its own. Machine: {machine()}.\n",
        "| class | what was tried | attempts | failures | wall s | CPU s |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name, found in by_class.items():
        kinds = sorted({line["kind"] for line in found})
        attempts = sum(line["attempts"] for line in found)
        failures = sum(line["failures"] for line in found)
        timing = timings[name]
        tried = "; ".join(sorted({line["target"] for line in found}))[:300]
        mark = "" if failures == 0 and timing.code == 0 else f" **(exit {timing.code}, see below)**"
        counts = f"{attempts:,} | {failures:,}{mark} | {timing.wall:.0f} | {timing.cpu:.0f}"
        out.append(f"| {', '.join(kinds)} | {tried} | {counts} |")
    out += ["", "### Each campaign", ""]
    for found in by_class.values():
        for line in found:
            text = f"- {line['kind']} — {line['target']}: {line['tried']}; "
            text += f"{line['attempts']:,} attempts, {line['failures']} failures"
            out.append(text + ("." if not line["failures"] else ": " + " | ".join(line["examples"])[:600]))
    return "\n".join(out) + "\n"


def load_average() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("only", nargs="*", help=f"run only these classes ({', '.join(CLASSES)})")
    parser.add_argument("--scale", type=float, default=1, help="times the suite's examples and walked ids (default 1)")
    parser.add_argument("--openapi-parts", type=int, default=8, help="parts of the operations fuzzed (of 8)")
    parser.add_argument("--jobs", type=int, default=2, help="classes run at once, each in its own process")
    parser.add_argument("--postgres", action="store_true", help=f"on PostgreSQL ({POSTGRES_URL}'s server)")
    args = parser.parse_args()
    unknown = set(args.only) - set(CLASSES)
    if unknown:
        parser.error(f"unknown class(es): {', '.join(sorted(unknown))}")
    database = POSTGRES_URL if args.postgres else None
    loads = [load_average()]
    lines, timings = run(args.only or list(CLASSES), args.scale, database, args.jobs, args.openapi_parts)
    loads.append(load_average())
    text = write(lines, timings, args.scale, "PostgreSQL" if database else "SQLite", loads)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "hostile.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
