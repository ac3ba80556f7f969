"""SPC at scale: every characteristic's X̄-R limits, Western Electric rule violations and capability.

`python benchmarks/spc.py [--measurements N] [--characteristics C] [--size 5] [--repeat 3] [--no-pandas]
[--no-duckdb] [--spark-measurements M | --no-spark]` (defaults: 100 M measurements, 10,000
characteristics, subgroups of 5; goal ≤ 5 s; Spark on 10 M). The Parquet files are generated once,
from a fixed seed, into benchmarks/data/spc/ (not part of the checkout), sorted by characteristic
and subgroup: each characteristic has its own mean and sigma, and one in ten shifts its mean in its
last tenth of subgroups. Phase I is each characteristic's first quarter of subgroups.

Measured, each from the file on disk to every result, in one run: Pacer's default engine (one
compiled numba pass over the row groups for the subgroup statistics, the next row groups read on
another thread, then limits, rules and capability in compiled loops, the characteristics shared
between one thread per core), ``--repeat`` times (the median reported, each run listed); the same
with DuckDB's grouping for the subgroup statistics (the engine for unsorted files); a pandas
group-by implementation of the same statistics, limits, rules and capability; and Apache Spark in
local mode (two threads) for the subgroup statistics followed by the same summary, on the Spark
size; all are checked to agree. The kernels' first-call compile time (empty cache) and their load
from the on-disk cache are measured apart, in fresh processes. Results go to benchmarks/results/spc.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.common import RESULTS
from pacer.spc.constants import d2 as exact_d2
from pacer.spc.constants import d3 as exact_d3
from pacer.spc.data.columnar import Engine, subgroup_table, summarize

GOAL_S = 5.0
DATA = HERE / "data" / "spc"


def generate(measurements: int, characteristics: int, size: int) -> tuple[Path, Path]:
    groups = measurements // (characteristics * size)
    stem = f"m{measurements}_c{characteristics}_n{size}"
    data, specs = DATA / f"{stem}.parquet", DATA / f"{stem}_specs.parquet"
    if data.exists() and specs.exists():
        return data, specs
    DATA.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(2026)
    means, sigmas = rng.uniform(5, 50, characteristics), rng.uniform(0.05, 0.5, characteristics)
    tmp = data.with_suffix(".tmp")
    schema = pa.schema([("characteristic", pa.int32()), ("subgroup", pa.int32()), ("value", pa.float64())])
    step = max(1, 2_000_000 // (groups * size))
    with pq.ParquetWriter(tmp, schema) as writer:
        for first in range(0, characteristics, step):
            chars = np.arange(first, min(first + step, characteristics))
            shape = (chars.size, groups, size)
            values = rng.standard_normal(shape) * sigmas[chars, None, None] + means[chars, None, None]
            shifted = chars % 10 == 0
            values[shifted, groups - groups // 10 :, :] += 1.5 * sigmas[chars[shifted], None, None]
            writer.write_table(pa.table({
                "characteristic": np.repeat(chars, groups * size).astype(np.int32),
                "subgroup": np.tile(np.repeat(np.arange(groups, dtype=np.int32), size), chars.size),
                "value": values.ravel(),
            }, schema=schema))  # fmt: skip
    tmp.rename(data)
    pq.write_table(pa.table({
        "characteristic": np.arange(characteristics, dtype=np.int32),
        "lsl": means - 4 * sigmas, "usl": means + 4 * sigmas,
    }), specs)  # fmt: skip
    return data, specs


def _cpu() -> float:
    """This process's CPU time, its threads' (pyarrow's, DuckDB's) included, user and system."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _specs(specs: Path) -> dict[str, np.ndarray]:
    table = pq.read_table(specs).sort_by("characteristic")
    return {"lsl": table.column("lsl").to_numpy(), "usl": table.column("usl").to_numpy()}


def columnar(data: Path, specs: Path, phase1: int, engine: Engine = "compiled") -> tuple[dict[str, float], object]:
    start, cpu = time.perf_counter(), _cpu()
    t = subgroup_table(data, specs, engine=engine)
    stats_done = time.perf_counter()
    summary = summarize(t, _specs(specs), phase1=phase1)
    end = time.perf_counter()
    times = {"stats": stats_done - start, "rest": end - stats_done, "total": end - start, "cpu": _cpu() - cpu}
    return times, summary


def with_spark(data: Path, specs: Path, phase1: int) -> tuple[dict[str, float], object]:
    """Spark in local mode (two threads) for the subgroup statistics, then the same summary; the
    session's start is timed apart."""
    from pacer.spc.data.spark import session, subgroup_table_spark

    begin = time.perf_counter()
    spark = session("local[2]")
    started, cpu = time.perf_counter(), _cpu()
    try:
        t = subgroup_table_spark(spark, data, specs)
    finally:
        spark.stop()
    stats_done = time.perf_counter()
    summary = summarize(t, _specs(specs), phase1=phase1)
    end = time.perf_counter()
    times = {"session": started - begin, "stats": stats_done - started, "rest": end - stats_done,
             "total": end - started, "cpu": _cpu() - cpu}  # fmt: skip
    return times, summary


COMPILE_PROBE = """
import sys, time
from pathlib import Path
start = time.perf_counter()
from pacer.spc.data.columnar import subgroup_table, summarize
imported = time.perf_counter()
t = subgroup_table(Path(sys.argv[1]), Path(sys.argv[2]))
summarize(t, None, phase1=2)
print(imported - start, time.perf_counter() - imported)
"""


def compile_times(data: Path, specs: Path) -> dict[str, float]:
    """Seconds to import and to run the kernels on a small file in a fresh process: with an empty
    numba cache (compiling them) and then with that cache (loading them)."""
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as cache:
        env = os.environ | {"NUMBA_CACHE_DIR": cache}
        for name in ("compile", "cached"):
            done = subprocess.run([sys.executable, "-c", COMPILE_PROBE, str(data), str(specs)], env=env,
                                  capture_output=True, text=True, check=True)  # fmt: skip
            out[f"{name}_import"], out[name] = (float(x) for x in done.stdout.split())
    return out


def _window(flag, key, k):  # type: ignore[no-untyped-def]
    cs = flag.astype("int64").groupby(key).cumsum()
    return cs - cs.groupby(key).shift(k, fill_value=0)


def with_pandas(data: Path, specs: Path, phase1: int) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    import pandas as pd

    start = time.perf_counter()
    frame = pd.read_parquet(data).merge(pd.read_parquet(specs), on="characteristic", how="left")
    frame["below"], frame["above"] = frame["value"] < frame["lsl"], frame["value"] > frame["usl"]
    g = frame.groupby(["characteristic", "subgroup"], sort=True)
    sub = g["value"].agg(["count", "mean", "min", "max", "std"]).reset_index()
    sub["below"], sub["above"] = g["below"].sum().to_numpy(), g["above"].sum().to_numpy()
    del frame, g
    key = sub["characteristic"]
    sub["pos"] = sub.groupby("characteristic").cumcount()
    sub["range"] = sub["max"] - sub["min"]
    d2 = sub["count"].map({n: exact_d2(n) for n in sub["count"].unique()})
    d3 = sub["count"].map({n: exact_d3(n) for n in sub["count"].unique()})
    cal = sub[sub["pos"] < phase1]
    per = cal.assign(w=cal["count"] * cal["mean"], r=cal["range"] / d2[cal.index]).groupby("characteristic")
    center = per["w"].sum() / per["count"].sum()
    sigma = per["r"].mean()
    c, s = key.map(center), key.map(sigma)
    se = s / np.sqrt(sub["count"])
    z = (sub["mean"] - c) / se
    r_ucl = d2 * s + 3 * d3 * s

    def zone(k: int, m: int, at: float):  # type: ignore[no-untyped-def]
        hi = (z > at) & (_window(z > at, key, k) >= m)
        lo = (z < -at) & (_window(z < -at, key, k) >= m)
        return ((sub["pos"] >= k - 1) & (hi | lo)).to_numpy()

    run = (_window(z > 0, key, 8) == 8) | (_window(z < 0, key, 8) == 8)
    flags = {
        "WE1": (z.abs() > 3).to_numpy(),
        "WE2": zone(3, 2, 2.0),
        "WE3": zone(5, 4, 1.0),
        "WE4": ((sub["pos"] >= 7) & run).to_numpy(),
        "R": (sub["range"] > r_ucl).to_numpy(),
    }
    counts = {name: pd.Series(f).groupby(key).sum().to_numpy() for name, f in flags.items()}
    overall = sub.assign(ss=(sub["count"] - 1) * sub["std"].fillna(0) ** 2, sx=sub["count"] * sub["mean"])
    tot = overall.groupby("characteristic")[["count", "sx", "ss", "below", "above"]].sum()
    grand = tot["sx"] / tot["count"]
    between = (sub["count"] * (sub["mean"] - key.map(grand)) ** 2).groupby(key).sum()
    sd = np.sqrt((tot["ss"] + between) / (tot["count"] - 1))
    sp = pd.read_parquet(specs).set_index("characteristic")
    cpk = np.minimum(grand - sp["lsl"], sp["usl"] - grand) / (3 * sigma)
    ppk = np.minimum(grand - sp["lsl"], sp["usl"] - grand) / (3 * sd)
    end = time.perf_counter()
    out = {"center": center.to_numpy(), "sigma": sigma.to_numpy(), "Cpk": cpk.to_numpy(), "Ppk": ppk.to_numpy()}
    return {"total": end - start}, out | {f"n_{k}": v for k, v in counts.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measurements", type=int, default=100_000_000)
    parser.add_argument("--characteristics", type=int, default=10_000)
    parser.add_argument("--size", type=int, default=5)
    parser.add_argument("--no-pandas", action="store_true", help="leave out the pandas group-by")
    parser.add_argument("--no-duckdb", action="store_true", help="leave out DuckDB's grouping")
    parser.add_argument("--spark-measurements", type=int, default=10_000_000, help="Spark's size (0: no Spark)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the default engine (the median is reported)")
    parser.add_argument("--output", type=Path, default=RESULTS / "spc.md")
    args = parser.parse_args()
    load = os.getloadavg()
    data, specs = generate(args.measurements, args.characteristics, args.size)
    phase1 = _phase1(args.measurements, args.characteristics, args.size)
    rows: list[tuple[str, dict[str, float] | None, str]] = []
    probe = generate(100_000, 100, args.size)
    jit = compile_times(*probe)
    print(f"kernels: {jit}", file=sys.stderr)
    columnar(*probe, 2)  # the kernels loaded from the cache (timed apart above) before the runs
    runs = []
    for _ in range(max(1, args.repeat)):
        at = os.getloadavg()[0]
        times, summary = columnar(data, specs, phase1)
        runs.append(times | {"load": at})
        print(f"compiled: {runs[-1]}", file=sys.stderr)
        if len(runs) < args.repeat:
            del summary
    ours = sorted(runs, key=lambda r: r["total"])[len(runs) // 2] | {"runs": runs}
    rows.append(("compiled", ours, "—"))
    if not args.no_duckdb:
        times, other = columnar(data, specs, phase1, engine="duckdb")
        rows.append(("duckdb", times, _agreement(summary, _as_result(other))))
        print(f"duckdb: {times}; {rows[-1][2]}", file=sys.stderr)
        del other
    if not args.no_pandas:
        cpu = _cpu()
        times, result = with_pandas(data, specs, phase1)
        times["cpu"] = _cpu() - cpu
        rows.append(("pandas", times, _agreement(summary, result)))
        print(f"pandas: {times}; {rows[-1][2]}", file=sys.stderr)
    spark = None
    if args.spark_measurements:
        spark = _spark(args)
        print(f"spark: {spark}", file=sys.stderr)
    _write(args, rows, spark, jit, summary, load, data)


def _phase1(measurements: int, characteristics: int, size: int) -> int:
    return max(2, measurements // (characteristics * size) // 4)


def _spark(args) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Spark and the default engine on the Spark size, in this run."""
    data, specs = generate(args.spark_measurements, args.characteristics, args.size)
    phase1 = _phase1(args.spark_measurements, args.characteristics, args.size)
    ours, summary = columnar(data, specs, phase1)
    theirs, other = with_spark(data, specs, phase1)
    return {"measurements": args.spark_measurements, "ours": ours, "spark": theirs,
            "agree": _agreement(summary, _as_result(other))}  # fmt: skip


def _as_result(summary) -> dict[str, np.ndarray]:  # type: ignore[no-untyped-def]
    out = {"center": summary.center, "sigma": summary.sigma, "Cpk": summary.capability["Cpk"],
           "Ppk": summary.capability["Ppk"]}  # fmt: skip
    return out | {f"n_{k}": v for k, v in summary.violations.items()}


def _agreement(summary, result) -> str:  # type: ignore[no-untyped-def]
    checks = {
        "centre": np.allclose(summary.center, result["center"], rtol=1e-12),
        "sigma": np.allclose(summary.sigma, result["sigma"], rtol=1e-12),
        "Cpk": np.allclose(summary.capability["Cpk"], result["Cpk"], rtol=1e-9),
        "Ppk": np.allclose(summary.capability["Ppk"], result["Ppk"], rtol=1e-9),
    } | {
        name: bool(np.array_equal(summary.violations[name], result[f"n_{name}"]))
        for name in ("WE1", "WE2", "WE3", "WE4", "R")
    }
    bad = [k for k, ok in checks.items() if not ok]
    return "agrees on every characteristic's " + ", ".join(checks) if not bad else f"DISAGREES on {', '.join(bad)}"


LABELS = {
    "compiled": "Pacer, default engine: compiled pass over the row groups, the next ones read on a second thread "
    "(subgroup statistics) + compiled limits, rules, capability, the characteristics shared between one thread per "
    "core",
    "duckdb": "Pacer with DuckDB's grouping (subgroup statistics; the engine for unsorted files) + the same",
    "pandas": "pandas group-by (same statistics, limits, rules, Cpk/Ppk)",
}


def _write(args, rows, spark, jit, summary, load, data) -> None:  # type: ignore[no-untyped-def]
    points = summary.points
    flagged = int(sum(v.sum() for k, v in summary.violations.items() if k != "R"))
    ours = rows[0][1]
    lines = [
        "## Statistical process control at scale", "",
        f"Command: `python benchmarks/spc.py --measurements {args.measurements} "
        f"--characteristics {args.characteristics} --size {args.size} --spark-measurements {args.spark_measurements}`. "
        f"Run {datetime.datetime.now():%Y-%m-%d %H:%M}; load average "
        f"{load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f} at the start (2 cores shared with other work).",
        f"{args.measurements:,} measurements of {args.characteristics:,} characteristics in subgroups of {args.size} "
        f"({points:,} subgroups; Parquet {data.stat().st_size / 2**20:,.0f} MiB on local disk, sorted by "
        "characteristic and subgroup) → every characteristic's X̄ and R limits per point (phase I: first quarter), "
        f"the four Western Electric rules on X̄ and R beyond its "
        f"limits ({flagged:,} rule hits), Cp…Ppm with 95 % intervals and % out of specification.", "",
        "| implementation | goal | wall time (statistics + rest) | CPU time | vs the default engine | agreement |",
        "|---|---|---|---|---|---|",
    ]  # fmt: skip
    for name, t, agree in rows:
        goal = f"≤ {GOAL_S:.0f} s" if name == "compiled" else "—"
        split = f" ({t['stats']:.2f} s + {t['rest']:.2f} s)" if "stats" in t else ""
        ratio = "—" if name == "compiled" else f"{t['total'] / ours['total']:.1f}× the time"
        lines.append(f"| {LABELS[name]} | {goal} | {t['total']:.2f} s{split} | {t['cpu']:.2f} s | {ratio} | {agree} |")
    if len(ours["runs"]) > 1:
        each = "; ".join(f"{r['total']:.2f} s wall, {r['cpu']:.2f} s CPU at load {r['load']:.1f}" for r in ours["runs"])
        lines += ["", f"The default engine's row is the median of {len(ours['runs'])} runs in this process: {each}."]
    if spark:
        o, sp = spark["ours"], spark["spark"]
        lines += [
            "", f"Apache Spark (PySpark local mode, `local[2]`) on {spark['measurements']:,} measurements "
            f"(same characteristics and subgroup size), in the same run:", "",
            "| implementation | wall time (statistics + rest) | CPU time of this process | agreement |",
            "|---|---|---|---|",
            f"| Pacer, default engine | {o['total']:.2f} s ({o['stats']:.2f} s + {o['rest']:.2f} s) "
            f"| {o['cpu']:.2f} s | — |",
            f"| Spark subgroup statistics (session start {sp['session']:.1f} s apart) + the same compiled summary | "
            f"{sp['total']:.2f} s ({sp['stats']:.2f} s + {sp['rest']:.2f} s) | {sp['cpu']:.2f} s (the JVM's not "
            f"counted) | {spark['agree']} |",
        ]  # fmt: skip
    lines += [
        "", f"Kernels' first use in a fresh process (100,000 measurements): import {jit['compile_import']:.2f} s, "
        f"compiling with an empty numba cache {jit['compile']:.2f} s; with the on-disk cache: import "
        f"{jit['cached_import']:.2f} s, loading and running {jit['cached']:.2f} s. The times above are with "
        "the kernels loaded (from the cache, on the small file, before the runs), as in a process's later runs.",
    ]  # fmt: skip
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
