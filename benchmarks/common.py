"""What every benchmark shares: the benchmark group (built once per database, in a process of
its own, and reused while its parameters match), running a measurement in a fresh process, and
the harness of a measurement in this process (timed runs with their CPU time, SQL statements
counted, the load average, the databases asked for, a section's table). Peak memory:
benchmarks/memory.py."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from pacer.db import make_engine
from pacer.demo.loader import load_demo
from pacer.migrate import downgrade, is_initialised, upgrade

HERE = Path(__file__).parent
DATA = HERE / "data"
RESULTS = HERE / "results"
# ≈ 1,000 units × 300 indicators × 118 months ≈ 35 M facts.
# group_indicators: the group's own (group-defined) indicators added on top, in
# benchmarks/group_indicators.py's variant; the base group has none beyond the demo's.
GROUP = {"units": 1000, "years": 10, "seed": 7, "as_of": 202610, "extra_indicators": 280, "group_indicators": 0}
SQLITE_URL = f"sqlite:///{DATA / 'bench.db'}"
POSTGRES_URL = os.environ.get("PACER_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/pacer_bench")


def _marker(url: str) -> str | None:
    engine = make_engine(url)
    try:
        if not is_initialised(engine):
            return None
        with engine.connect() as conn:
            return conn.scalar(
                text("SELECT note FROM audit_entry WHERE action = 'benchmark.group' ORDER BY id DESC LIMIT 1")
            )
    except Exception:
        return None
    finally:
        engine.dispose()


def _create_postgres_database(url: str) -> None:
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        name = make_url(url).database
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def ensure_group(url: str, params: dict[str, int] | None = None) -> dict[str, Any]:
    """Build the benchmark group (or the group of ``params``) into ``url`` unless it already
    holds exactly that group, in a process of its own: generating 35 M facts takes gigabytes,
    which must not count in the peak memory of the benchmark that asked (a first run and a
    second run report the same)."""
    return in_child(Path(__file__), "--group", url, json.dumps(params or GROUP))


def build_group(url: str, params: dict[str, int] | None = None) -> dict[str, Any]:
    """:func:`ensure_group` in this process (what the child runs)."""
    params = params or GROUP
    wanted = repr(sorted(params.items()))
    if _marker(url) == wanted:
        engine = make_engine(url)
        upgrade(engine)  # a group built before a later migration gets its schema brought up
        engine.dispose()
        return {"url": url, "load_seconds": "reused"}
    DATA.mkdir(exist_ok=True)
    if url.startswith("postgresql"):
        _create_postgres_database(url)
    engine = make_engine(url)
    if is_initialised(engine):
        downgrade(engine, "base")
    upgrade(engine)
    result = load_demo(
        engine,
        units=params["units"],
        years=params["years"],
        seed=params["seed"],
        as_of=params["as_of"],
        extra_indicators=params["extra_indicators"],
        group_indicators=params.get("group_indicators", 0),
        month_in_progress=False,  # every month loaded whole: the engine's questions read all of them
    )
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_entry (at, actor, action, entity, entity_key, note) "
                "VALUES (CURRENT_TIMESTAMP, 'system', 'benchmark.group', 'group', 'G', :n)"
            ),
            {"n": wanted},
        )
    engine.dispose()
    return {"url": url, "load_seconds": round(result["seconds"], 1), "facts": result["facts"]}


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    pg = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python {platform.python_version()}, "
        f"SQLite {__import__('sqlite3').sqlite_version}, {pg or 'PostgreSQL client not found'}"
    )


# -- a measurement in a fresh process --------------------------------------------------------------


def in_child(script: Path | str, *args: str) -> dict[str, Any]:
    """Run ``python script *args`` in a fresh process and return the JSON object it prints
    last; its progress and errors go to this process's standard error."""
    out = subprocess.run([sys.executable, str(script), *args], check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- a measurement in this process ------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    """Wall times (ms) of repeated runs and the process's CPU times (ms) of the same runs."""

    wall: tuple[float, ...]
    cpu: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)

    @property
    def max(self) -> float:
        return max(self.wall)

    @property
    def p99(self) -> float:
        ordered = sorted(self.wall)
        return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def timed(fn: Callable[[], object], runs: int) -> Timing:
    """``runs`` calls of ``fn`` after one warm-up call, each timed (wall and this process's CPU)."""
    fn()
    wall, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(1000 * (time.perf_counter() - t0))
        cpu.append(1000 * (time.process_time() - c0))
    return Timing(tuple(wall), tuple(cpu))


def statements(engine: Engine, fn: Callable[[], object]) -> int:
    """How many SQL statements one call of ``fn`` sends through ``engine``."""
    seen = [0]

    def count(*_: object) -> None:
        seen[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return seen[0]


def load_average() -> str:
    """The load average over 1, 5 and 15 minutes, as ``6.6/10.1/12.5``."""
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def met(value: float, goal: float) -> str:
    """The "met?" cell of a table: at most the goal."""
    return "yes" if value <= goal else "**no**"


def add_database_options(parser: argparse.ArgumentParser) -> None:
    """``--database sqlite|postgresql|both`` (default both) and ``--postgres`` (PostgreSQL only)."""
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL only (as --database postgresql)")


def chosen_databases(args: argparse.Namespace, sqlite_url: str, postgres_url: str) -> dict[str, str]:
    """The databases the options ask for, by name (``SQLite``, ``PostgreSQL``), to their URLs."""
    urls = {"SQLite": sqlite_url, "PostgreSQL": postgres_url}
    choice = "postgresql" if args.postgres else args.database
    return urls if choice == "both" else {k: v for k, v in urls.items() if k.lower() == choice}


def section_head(title: str, command: str) -> list[str]:
    """A section's title and its line naming the command, the time and the load average."""
    return [
        f"## {title}",
        "",
        f"Command: `{command}`. Run {datetime.datetime.now():%Y-%m-%d %H:%M}; load average {load_average()} "
        "at the end.",
        "",
    ]


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """A markdown table."""
    return [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(str(cell) for cell in row) + " |" for row in rows),
    ]


def kept_lines(path: Path, measured: Sequence[str], known: Sequence[str] = ("SQLite", "PostgreSQL")) -> list[str]:
    """The table rows (``| NAME |``) and details (``- NAME:``) of the databases not measured this time
    in an earlier section at ``path``, so that measuring one database keeps the other's figures."""
    if not path.exists():
        return []
    others = [name for name in known if name not in measured]
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines for n in others if line.startswith((f"| {n} |", f"- {n}:"))]


if __name__ == "__main__":
    if sys.argv[1:2] != ["--group"] or len(sys.argv) not in (3, 4):
        sys.exit("usage: python benchmarks/common.py --group URL [PARAMS] (build the benchmark group into URL)")
    print(json.dumps(build_group(sys.argv[2], json.loads(sys.argv[3]) if len(sys.argv) == 4 else None)))
