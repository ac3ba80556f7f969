"""What every benchmark shares: the benchmark group (built once per database, in a process of
its own, and reused while its parameters match) and running a measurement in a fresh process.
Peak memory: benchmarks/memory.py."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
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


if __name__ == "__main__":
    if sys.argv[1:2] != ["--group"] or len(sys.argv) not in (3, 4):
        sys.exit("usage: python benchmarks/common.py --group URL [PARAMS] (build the benchmark group into URL)")
    print(json.dumps(build_group(sys.argv[2], json.loads(sys.argv[3]) if len(sys.argv) == 4 else None)))
