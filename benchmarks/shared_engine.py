"""One engine per machine against one engine per worker: the machine's memory and a new worker's
start for N = 1, 2, 4 worker processes, and the time until every worker answers with a change.

Each worker is a process that holds the served engine as a web worker does
(:func:`pacer.analysis.get_analysis` on the benchmark database) and then reads every page of its
arrays once, as answering every node's cockpit does, so that what is resident is what a worker
that has answered for a while holds. Workers are started one after another: the first builds
the engine; each later one is "a new worker" whose start is timed from its process starting to
its engine being ready (interpreter and imports included).

- per worker: today's way, each process builds and holds its own engine;
- shared: ``PACER_ENGINE_SNAPSHOT_DIR`` set (what ``pacer serve --workers N`` sets), the first
  process builds the engine and writes its snapshot, the others map it
  (:mod:`pacer.analysis.serve.shared`).

Memory is the sum over the workers of PSS (``/proc/<pid>/smaps_rollup``), which divides each
shared page among the processes that map it: the machine's memory, where summing RSS would count
a shared page once per worker. Then a third process changes one accepted figure (with its audit
row, as every write has) and each worker is asked again: the time until all answer with it, and
the memory after.

    python benchmarks/shared_engine.py [--units N --extra-indicators M]   (default: the benchmark group)

The group lives in a database file of its own (``benchmarks/data/shared-engine-*.db``, built by
``benchmarks/common.py`` unless it is there; a copy of ``bench.db`` will do for the default), since
each run changes one figure in it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.common import DATA, GROUP, ensure_group, load_average, machine

COUNTS = (1, 2, 4)

WORKER = """
import hashlib, json, sys, time
import numpy as np
from pacer.analysis.serve.service import get_analysis
from pacer.db import make_engine

db = make_engine(sys.argv[1])
for line in sys.stdin:
    started = time.perf_counter()
    a = get_analysis(db)
    ready = time.perf_counter() - started
    e = a.engine
    digest = hashlib.sha256()
    for array in (e.facts.narrow, e.facts.wide, e.facts.present, e.cube().ytd, e.cube().seen):
        digest.update(np.ascontiguousarray(array).sum(axis=(0, 1)).tobytes())  # every page read
    print(json.dumps({"ready_s": ready, "marker": a.marker, "digest": digest.hexdigest()}), flush=True)
"""


def pss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no Pss in /proc/{pid}/smaps_rollup")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS in /proc/{pid}/status")


class Worker:
    def __init__(self, url: str, env: dict[str, str]) -> None:
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-c", WORKER, url], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def ask(self) -> dict[str, Any]:
        self.send()
        return self.answer()

    def send(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("ask\n")
        self.process.stdin.flush()

    def answer(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("a worker ended")
        return dict(json.loads(line))

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=60)


def change_one_figure(url: str) -> None:
    """What an accepted correction does to the database: one figure changed, with its audit row."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from pacer.audit.service import record
    from pacer.db import make_engine
    from pacer.kit import periods
    from pacer.models import Fact, Indicator, Unit

    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        fact = session.scalars(select(Fact).order_by(Fact.period.desc(), Fact.unit_id).limit(1)).one()
        unit = session.get(Unit, fact.unit_id)
        ind = session.get(Indicator, fact.indicator_id)
        assert unit is not None
        assert ind is not None
        before = fact.value
        fact.value = before + 12_345
        key = f"{unit.code}/{ind.code}/{periods.format_period(fact.period)}"
        record(session, "benchmark", "fact.set", "fact", key, {"value": before}, {"value": fact.value})
    engine.dispose()


def run_mode(url: str, shared: bool) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "PACER_ENGINE_SNAPSHOT_DIR"}
    env["PYTHONPATH"] = str(HERE.parent / "src")
    snapshots = None
    if shared:
        snapshots = tempfile.mkdtemp(prefix="pacer-engines-")
        env["PACER_ENGINE_SNAPSHOT_DIR"] = snapshots
    workers: list[Worker] = []
    out: dict[str, Any] = {"starts_s": [], "by_count": {}}
    try:
        for count in range(1, max(COUNTS) + 1):
            worker = Worker(url, env)
            answer = worker.ask()
            out["starts_s"].append(round(time.perf_counter() - worker.started, 2))
            out.setdefault("engine_ready_s", []).append(round(answer["ready_s"], 2))
            workers.append(worker)
            print(
                f"  {'shared' if shared else 'per worker'}: worker {count} ready {out['starts_s'][-1]} s",
                file=sys.stderr,
            )
            if count in COUNTS:
                pids = [w.process.pid for w in workers]
                out["by_count"][count] = {
                    "pss_mib": round(sum(pss_mib(p) for p in pids)),
                    "rss_mib": round(sum(rss_mib(p) for p in pids)),
                    "digest": answer["digest"],
                }
        before = {w.ask()["digest"] for w in workers}
        change_one_figure(url)
        changed = time.perf_counter()
        for w in workers:  # every worker asked at once, as requests reach them
            w.send()
        after = [w.answer() for w in workers]
        out["change_seen_by_all_s"] = round(time.perf_counter() - changed, 2)
        digests = {a["digest"] for a in after}
        out["answers_agree"] = len(digests) == 1 and digests != before
        pids = [w.process.pid for w in workers]
        out["after_change"] = {
            "pss_mib": round(sum(pss_mib(p) for p in pids)),
            "rss_mib": round(sum(rss_mib(p) for p in pids)),
        }
        out["digest_after"] = next(iter(digests))
    finally:
        for w in workers:
            w.stop()
        if snapshots:
            import shutil

            out["snapshot_mib"] = (
                round(sum(p.stat().st_size for p in Path(snapshots).rglob("*.engine")) / 2**20)
                if Path(snapshots).exists()
                else 0
            )
            shutil.rmtree(snapshots, ignore_errors=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--extra-indicators", type=int, default=GROUP["extra_indicators"])
    args = parser.parse_args()
    params = {**GROUP, "units": args.units, "extra_indicators": args.extra_indicators}
    url = f"sqlite:///{DATA / f'shared-engine-{args.units}-{args.extra_indicators}.db'}"
    group = ensure_group(url, params)
    print(f"group ready: {group}", file=sys.stderr)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load = load_average()
    results: dict[str, Any] = {"machine": machine(), "group": params, "started": started, "load": load}
    # the baseline first, then the shared engine, on the same group; the change of one run stays
    # in the database for the next, so each run's answers are compared within the run
    results["per_worker"] = run_mode(url, shared=False)
    results["shared"] = run_mode(url, shared=True)
    results["load_end"] = load_average()
    # the same database then: the shared engine's answers are the per-worker engines' after the change
    results["shared_answers_as_per_worker"] = (
        results["shared"]["by_count"][1]["digest"] == results["per_worker"]["digest_after"]
    )
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
