"""What the demo's quality work adds to `pacer demo`: goal a few seconds at most.

`python benchmarks/demo_quality.py [RUNS]` builds the default demo group (as `make demo` does) into
a fresh SQLite file RUNS times (default 2) with its quality work and RUNS times without it
(``pacer.demo.quality.load_quality`` and ``pacer.demo.charts.load_charts`` left out), alternating,
and reports the build's CPU and wall seconds, the quality part's own CPU seconds, and the file
sizes. Results go to benchmarks/results/demo_quality.md.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from statistics import median

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.common import RESULTS, machine
from pacer.db import make_engine
from pacer.demo import loader

AS_OF = 202610
PARTS = ("load_quality", "load_charts")  # the loader's quality steps


def build(with_quality: bool, path: Path) -> dict[str, float]:
    """One build; CPU and wall seconds of the whole and CPU seconds of the quality part."""
    parts: dict[str, float] = {"quality": 0.0}
    real = {name: getattr(loader, name) for name in PARTS}

    def timed(name: str) -> Callable[..., object]:
        def run(*args: object, **kwargs: object) -> object:
            started = time.process_time()
            result = real[name](*args, **kwargs) if with_quality else []
            parts["quality"] += time.process_time() - started
            return result

        return run

    for name in PARTS:
        setattr(loader, name, timed(name))
    try:
        path.unlink(missing_ok=True)
        engine = make_engine(f"sqlite:///{path}")
        cpu, wall = time.process_time(), time.perf_counter()
        loader.load_demo(engine, units=None, years=None, seed=7, as_of=AS_OF, reset=True)
        out = {"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall, **parts}
        engine.dispose()
        out["bytes"] = float(path.stat().st_size)
        return out
    finally:
        for name in PARTS:
            setattr(loader, name, real[name])


def main(runs: int) -> str:
    found: dict[bool, list[dict[str, float]]] = {True: [], False: []}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(runs):
            for with_quality in (False, True):
                found[with_quality].append(build(with_quality, Path(folder) / "demo.db"))
    load = os.getloadavg()[0]

    def med(flag: bool, key: str) -> float:
        return median(r[key] for r in found[flag])

    rows = [
        f"| {name} | {med(flag, 'cpu'):.1f} | {med(flag, 'wall'):.1f} | {med(flag, 'quality'):.2f} | "
        f"{med(flag, 'bytes') / 2**20:.1f} MiB |"
        for name, flag in (("without the quality work", False), ("with it", True))
    ]
    text = "\n".join(
        [
            "## The demo's quality work in `pacer demo`",
            "",
            f"Machine: {machine()}; the default demo group as of {AS_OF // 100}-{AS_OF % 100:02d} into SQLite, "
            f"median of {runs} builds each, alternating; load average {load:.1f} at the end. Goal: a few seconds more.",
            "",
            "| build | CPU s | wall s | quality part CPU s | file |",
            "|---|---:|---:|---:|---:|",
            *rows,
            "",
        ]
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "demo_quality.md").write_text(text, encoding="utf-8")
    return text


if __name__ == "__main__":
    print(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2))
