"""SPC at scale: every characteristic's X̄-R limits, Western Electric rule violations and capability.

`python benchmarks/spc.py [--measurements N] [--characteristics C] [--size 5] [--no-pandas]`
(defaults: 100 M measurements, 10,000 characteristics, subgroups of 5; goal ≤ 5 s). The Parquet
files are generated once, from a fixed seed, into benchmarks/data/spc/ (not part of the checkout):
each characteristic has its own mean and sigma, and one in ten shifts its mean in its last tenth of
subgroups. Phase I is each characteristic's first quarter of subgroups.

Measured, each from the file on disk to every result: Pacer's columnar path (one DuckDB pass for
the subgroup statistics, then limits, rules and capability vectorised over all characteristics in
numpy) and, in the same run, a pandas group-by implementation of the same statistics, limits,
rules and capability; the two are checked to agree. Results go to benchmarks/results/spc.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
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
from pacer.spc.data.columnar import subgroup_table, summarize

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


def columnar(data: Path, specs: Path, phase1: int) -> tuple[dict[str, float], object]:
    start = time.perf_counter()
    t = subgroup_table(data, specs)
    stats_done = time.perf_counter()
    table = pq.read_table(specs).sort_by("characteristic")
    limits = {"lsl": table.column("lsl").to_numpy(), "usl": table.column("usl").to_numpy()}
    summary = summarize(t, limits, phase1=phase1)
    end = time.perf_counter()
    return {"stats": stats_done - start, "rest": end - stats_done, "total": end - start}, summary


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
    parser.add_argument("--no-pandas", action="store_true", help="measure only the columnar path")
    parser.add_argument("--output", type=Path, default=RESULTS / "spc.md")
    args = parser.parse_args()
    load = os.getloadavg()
    data, specs = generate(args.measurements, args.characteristics, args.size)
    groups = args.measurements // (args.characteristics * args.size)
    phase1 = max(2, groups // 4)
    cpu = time.process_time()
    ours, summary = columnar(data, specs, phase1)
    ours["cpu"] = time.process_time() - cpu
    print(f"columnar: {ours}", file=sys.stderr)
    theirs, agree = None, "not run"
    if not args.no_pandas:
        cpu = time.process_time()
        theirs, result = with_pandas(data, specs, phase1)
        theirs["cpu"] = time.process_time() - cpu
        agree = _agreement(summary, result)
        print(f"pandas: {theirs}; {agree}", file=sys.stderr)
    _write(args, ours, theirs, agree, summary, load, data)


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
    return (
        "the two agree on every characteristic's " + ", ".join(checks) if not bad else f"DISAGREE on {', '.join(bad)}"
    )


def _write(args, ours, theirs, agree, summary, load, data) -> None:  # type: ignore[no-untyped-def]
    points = int(summary.starts.size and summary.xbar_ucl.size)
    flagged = int(sum(v.sum() for k, v in summary.violations.items() if k != "R"))
    met = "yes" if ours["total"] <= GOAL_S else "**no**"
    lines = [
        "## Statistical process control at scale", "",
        f"Command: `python benchmarks/spc.py --measurements {args.measurements} "
        f"--characteristics {args.characteristics} --size {args.size}`. "
        f"Run {datetime.datetime.now():%Y-%m-%d %H:%M}; load average "
        f"{load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f} at the start (2 cores shared with other work).",
        f"{args.measurements:,} measurements of {args.characteristics:,} characteristics in subgroups of {args.size} "
        f"({points:,} subgroups; Parquet {data.stat().st_size / 2**20:,.0f} MiB on local disk) → "
        f"every characteristic's X̄ and R limits per point (phase I: first quarter), "
        f"the four Western Electric rules on X̄ and R beyond its "
        f"limits ({flagged:,} rule hits), Cp…Ppm with 95 % intervals and % out of specification.", "",
        "| implementation | goal | wall time | CPU time | met? |", "|---|---|---|---|---|",
        f"| Pacer columnar: DuckDB pass (subgroup statistics) + numpy (limits, rules, capability) | ≤ {GOAL_S:.0f} s | "
        f"{ours['total']:.2f} s ({ours['stats']:.2f} s + {ours['rest']:.2f} s) | {ours['cpu']:.2f} s | {met} |",
    ]  # fmt: skip
    if theirs:
        lines.append(f"| pandas group-by (same statistics, limits, rules, Cpk/Ppk) | — | {theirs['total']:.2f} s | "
                     f"{theirs['cpu']:.2f} s | {theirs['total'] / ours['total']:.1f}× the columnar time |")  # fmt: skip
    lines += ["", f"Agreement: {agree}."]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
