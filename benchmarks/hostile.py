"""Hostile input against the real app, class by class, with the count of attempts and failures.

`python benchmarks/hostile.py [--scale N] [--postgres] [class ...]` runs the suite's hostile-input
tests as campaigns: the same tests (the app from its factory on a migrated database, users signed
in with a session cookie or an API token, a group whose every route's path parameters are known),
with N times the generated examples and walked ids (PACER_HOSTILE_SCALE). Each test counts what it
tried and what failed (tests/hostile.py) into a file this script reads; the classes:

- parsers: Hypothesis fuzzing of every import parser (tests/test_import_fuzz.py);
- openapi: schemathesis over the OpenAPI description with a signed-in token, as an administrator
  and as a unit reporter: no 5xx (tests/web/test_openapi_fuzz.py);
- xss: stored markup in every free-text column, every GET route read (tests/web/test_stored_xss.py);
- csrf, fixation, traversal: forged requests on every changing route, fixed session cookies,
  climbing file names and path parameters (tests/web/test_forgery.py);
- cross-unit: every route as viewers at every level, each unit's code in and out of their view
  (tests/web/test_cross_unit.py).

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

HERE = Path(__file__).parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import POSTGRES_URL, RESULTS, machine

CLASSES = {
    "parsers": ["tests/test_import_fuzz.py"],
    "openapi": ["tests/web/test_openapi_fuzz.py"],  # its operations' parts: --openapi-parts
    "xss": ["tests/web/test_stored_xss.py"],
    "csrf": ["tests/web/test_forgery.py::test_no_changing_route_takes_a_forged_request"],
    "fixation": ["tests/web/test_forgery.py::test_a_session_fixed_before_signing_in_is_not_the_one_after"],
    "traversal": ["tests/web/test_forgery.py::test_no_upload_or_download_leaves_its_folder"],
    "cross-unit": ["tests/web/test_cross_unit.py::test_no_route_shows_a_unit_outside_the_viewers_subtrees"],
}


def run_class(name: str, scale: float, database: str | None, parts: int) -> tuple[list[dict], float, int]:
    """One class's tests in a fresh pytest process: what they counted, seconds, exit code."""
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
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    print(f"{name}: {seconds:.0f} s\n{done.stdout[-3000:]}", flush=True)
    found = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines() if line.strip()]
    report.unlink()
    if not found:
        print(done.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"{name}: the tests counted nothing (exit {done.returncode})")
    return [line | {"class": name} for line in found], seconds, done.returncode


def run(
    names: list[str], scale: float, database: str | None, jobs: int, parts: int
) -> tuple[list[dict], dict[str, tuple[float, int]]]:
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        done = list(pool.map(lambda name: run_class(name, scale, database, parts), names))
    lines = [line for found, _, _ in done for line in found]
    return lines, {name: (seconds, code) for name, (_, seconds, code) in zip(names, done, strict=True)}


def write(lines: list[dict], timings: dict[str, tuple[float, int]], scale: float, database: str) -> str:
    by_class: dict[str, list[dict]] = defaultdict(list)
    for line in lines:
        by_class[line["class"]].append(line)
    out = [
        "## Hostile input\n",
        f"Command: `python benchmarks/hostile.py --scale {scale:g}`{' --postgres' if database != 'SQLite' else ''}. "
        f"Run {datetime.datetime.now():%Y-%m-%d %H:%M} on {database}; load average "
        f"{'/'.join(f'{x:.1f}' for x in os.getloadavg())} at the end; several classes at a time, "
        f"each in a pytest process of its own. Machine: {machine()}.\n",
        "| class | what was tried | attempts | failures | seconds |",
        "|---|---|---:|---:|---:|",
    ]
    for name, found in by_class.items():
        kinds = sorted({line["kind"] for line in found})
        attempts = sum(line["attempts"] for line in found)
        failures = sum(line["failures"] for line in found)
        seconds, code = timings[name]
        tried = "; ".join(sorted({line["target"] for line in found}))[:300]
        mark = "" if failures == 0 and code == 0 else " **(see below)**"
        out.append(f"| {', '.join(kinds)} | {tried} | {attempts:,} | {failures:,}{mark} | {seconds:.0f} |")
    out += ["", "### Each campaign", ""]
    for found in by_class.values():
        for line in found:
            text = f"- {line['kind']} — {line['target']}: {line['tried']}; "
            text += f"{line['attempts']:,} attempts, {line['failures']} failures"
            out.append(text + ("." if not line["failures"] else ": " + " | ".join(line["examples"])[:600]))
    return "\n".join(out) + "\n"


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
    lines, timings = run(args.only or list(CLASSES), args.scale, database, args.jobs, args.openapi_parts)
    text = write(lines, timings, args.scale, "PostgreSQL" if database else "SQLite")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "hostile.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
