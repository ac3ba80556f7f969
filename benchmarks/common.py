"""What every benchmark shares: the benchmark group (built once per database, in a process of
its own, and reused while its parameters match), peak memory, and running a measurement in a
fresh process.

Peak memory is always a process's own high-water mark of resident memory: ``VmHWM`` in
/proc/<pid>/status (Linux). Never ``ru_maxrss``: Linux carries the high-water mark of the
address space a child replaces at exec into the child's ``ru_maxrss`` (and so into the parent's
``RUSAGE_CHILDREN``), so a child started by a 2 GB process reports at least 2 GB however little it
uses itself.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import threading
import time
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
GROUP = {"units": 1000, "years": 10, "seed": 7, "as_of": 202610, "extra_indicators": 280}
SQLITE_URL = f"sqlite:///{DATA / 'bench.db'}"
POSTGRES_URL = os.environ.get("PACER_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/pacer_bench")


def _marker(url: str) -> str | None:
    engine = make_engine(url)
    try:
        if not is_initialised(engine):
            return None
        with engine.connect() as conn:
            return conn.scalar(text("SELECT note FROM audit_entry WHERE action = 'benchmark.group' ORDER BY id DESC LIMIT 1"))
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


def ensure_group(url: str) -> dict[str, Any]:
    """Build the benchmark group into ``url`` unless it already holds exactly that group, in a
    process of its own: generating 35 M facts takes gigabytes, which must not count in the
    peak memory of the benchmark that asked (a first run and a second run report the same)."""
    return in_child(Path(__file__), "--group", url)


def build_group(url: str) -> dict[str, Any]:
    """:func:`ensure_group` in this process (what the child runs)."""
    wanted = repr(sorted(GROUP.items()))
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
    result = load_demo(engine, units=GROUP["units"], years=GROUP["years"], seed=GROUP["seed"],
                       as_of=GROUP["as_of"], extra_indicators=GROUP["extra_indicators"])
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_entry (at, actor, action, entity, entity_key, note) "
                          "VALUES (CURRENT_TIMESTAMP, 'system', 'benchmark.group', 'group', 'G', :n)"), {"n": wanted})
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
    return (f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python {platform.python_version()}, "
            f"SQLite {__import__('sqlite3').sqlite_version}, {pg or 'PostgreSQL client not found'}")


# -- peak memory -----------------------------------------------------------------------------------

def peak_mib(pid: int | str = "self") -> float:
    """Peak resident memory of one process, in MiB: its own high-water mark (``VmHWM`` in
    /proc/<pid>/status), which a child does not inherit from its parent. ``pid`` must be alive
    (``"self"`` by default)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError as exc:
        raise RuntimeError(f"peak memory of process {pid}: cannot read /proc/{pid}/status "
                           f"(the benchmarks measure memory on Linux only): {exc}") from exc
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    raise RuntimeError(f"peak memory of process {pid}: no VmHWM in /proc/{pid}/status")


def children(pid: int | str = "self") -> list[int]:
    """The live child processes of ``pid``."""
    parent = os.getpid() if pid == "self" else int(pid)
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue  # gone meanwhile
            # "pid (command) state ppid ...": the command may hold spaces and parentheses
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(entry.name))
    return found


class ChildPeaks:
    """The peak memory of each child process this process starts while the block runs
    (``with ChildPeaks() as kids: ...``, then ``kids.peaks``: pid -> MiB).

    A child's ``VmHWM`` can only be read while the child lives, so a thread reads it every
    ``interval`` seconds; the high-water mark only grows, so the last reading before the
    child exits is its peak unless it grew in its final ``interval``. New children are looked
    for by a scan of /proc (milliseconds each), at once and then less and less often, up to
    every ``scan_max`` seconds: meant for children started early that live for seconds, as
    the column-wise readers of a cold start do."""

    def __init__(self, interval: float = 0.01, scan_max: float = 1.0) -> None:
        self.interval, self.scan_max = interval, scan_max
        self.peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> ChildPeaks:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        scan_every, next_scan = self.interval, 0.0
        while True:
            now = time.monotonic()
            if now >= next_scan:
                for pid in children():
                    self.peaks.setdefault(pid, 0.0)
                scan_every = min(2 * scan_every, self.scan_max)
                next_scan = now + scan_every
            for pid in self.peaks:
                try:
                    self.peaks[pid] = max(self.peaks[pid], peak_mib(pid))
                except RuntimeError:
                    pass  # exited (or a zombie, which has no memory left)
            if self._stop.wait(self.interval):
                return


# -- a measurement in a fresh process --------------------------------------------------------------

def in_child(script: Path | str, *args: str) -> dict[str, Any]:
    """Run ``python script *args`` in a fresh process and return the JSON object it prints
    last; its progress and errors go to this process's standard error."""
    out = subprocess.run([sys.executable, str(script), *args], check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    if sys.argv[1:2] != ["--group"] or len(sys.argv) != 3:
        sys.exit("usage: python benchmarks/common.py --group URL (build the benchmark group into URL)")
    print(json.dumps(build_group(sys.argv[2])))
