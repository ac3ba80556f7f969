"""The columnar path (DuckDB over Parquet, then numpy over all characteristics) gives what the
core gives one characteristic at a time."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pacer.spc import WESTERN_ELECTRIC, Subgroups, capability, overall_sd, xbar_chart
from pacer.spc.data.columnar import subgroup_table, summarize
from tests.spc.reference import close


def _write(folder: Path) -> tuple[Path, Path, dict[str, np.ndarray]]:
    rng = np.random.default_rng(11)
    rows: dict[str, list] = {"characteristic": [], "subgroup": [], "value": []}
    truth = {}
    for code, shift in (("B-2", 0.0), ("A-1", 1.2), ("C-3", -0.4)):
        sizes = rng.integers(3, 7, 60)
        matrix = np.full((60, 6), np.nan)
        for i, n in enumerate(sizes):
            matrix[i, :n] = rng.normal(5.0 + (shift if i >= 40 else 0.0), 0.2, n)
            rows["characteristic"] += [code] * int(n)
            rows["subgroup"] += [i + 1] * int(n)
            rows["value"] += matrix[i, :n].tolist()
        truth[code] = matrix
    order = rng.permutation(len(rows["value"]))  # the file need not be sorted
    data = pa.table({k: pa.array(np.asarray(v)[order]) for k, v in rows.items()})
    specs = pa.table({"characteristic": ["A-1", "B-2", "C-3"], "lsl": [4.6, 4.5, 4.7], "usl": [5.5, 5.4, 5.3]})
    pq.write_table(data, folder / "m.parquet")
    pq.write_table(specs, folder / "s.parquet")
    return folder / "m.parquet", folder / "s.parquet", truth


def test_every_characteristic_at_once_equals_one_at_a_time(tmp_path: Path):
    measurements, spec_file, truth = _write(tmp_path)
    t = subgroup_table(measurements, spec_file)
    specs = {"lsl": np.array([4.6, 4.5, 4.7]), "usl": np.array([5.5, 5.4, 5.3])}
    summary = summarize(t, specs, phase1=40, rules=WESTERN_ELECTRIC)
    assert summary.characteristics.tolist() == ["A-1", "B-2", "C-3"]
    for i, code in enumerate(summary.characteristics.tolist()):
        groups = Subgroups.from_matrix(truth[code])
        chart = xbar_chart(groups, phase1=(1, 40), rules=WESTERN_ELECTRIC)
        points = slice(summary.starts[i], summary.starts[i] + len(groups))
        close(summary.center[i], chart.standard.center, 1e-12, f"{code} centre")
        close(summary.sigma[i], chart.standard.sigma, 1e-12, f"{code} sigma")
        close(summary.xbar_ucl[points], chart.panel("xbar").ucl, 1e-12, f"{code} X̄ UCL")
        close(summary.r_ucl[points], chart.panel("R").ucl, 1e-12, f"{code} R UCL")
        for rule in WESTERN_ELECTRIC:
            got = (np.flatnonzero(summary.flags[rule.name][points]) + 1).tolist()
            assert got == chart.panel("xbar").violations[rule.name], f"{code} {rule.name}"
            assert summary.violations[rule.name][i] == len(got)
        flat = truth[code][~np.isnan(truth[code])]
        sd, n = overall_sd(groups, np.ones(len(groups), dtype=bool))
        cap = capability(n=n, center=float(flat.mean()), sigma_within=chart.standard.sigma, sigma_overall=sd,
                         lsl=float(specs["lsl"][i]), usl=float(specs["usl"][i]),
                         below=int((flat < specs["lsl"][i]).sum()),
                         above=int((flat > specs["usl"][i]).sum()))  # fmt: skip
        # capability is of every value (centre = their mean) with sigma within from phase I
        for name in ("Cp", "Cpk", "Pp", "Ppk", "Cpm", "Ppm", "Cpl", "Ppu"):
            value, low, high = cap.indices[name]  # type: ignore[misc]
            close([summary.capability[name][i], summary.capability[f"{name}_lower"][i],
                   summary.capability[f"{name}_upper"][i]], [value, low, high], 1e-9, f"{code} {name}")  # fmt: skip
        close(summary.observed_pct[0][i], cap.observed_pct[0], 1e-12, "observed below")
        close(summary.expected_pct[1][i], cap.expected_pct[1], 1e-9, "expected above")


def test_the_engine_is_the_settings_unless_one_is_named(monkeypatch):
    from pacer.config import get_settings
    from pacer.spc.data.columnar import chosen_engine

    monkeypatch.setenv("PACER_SPC_ENGINE", "duckdb")
    get_settings.cache_clear()
    try:
        assert chosen_engine() == "duckdb"
        assert chosen_engine("compiled") == "compiled"
        with pytest.raises(ValueError, match="unknown SPC engine 'pandas'"):
            chosen_engine("pandas")
        monkeypatch.setenv("PACER_SPC_ENGINE", "pandas")
        get_settings.cache_clear()
        with pytest.raises(ValueError, match="spc_engine"):
            get_settings()
    finally:
        monkeypatch.delenv("PACER_SPC_ENGINE")
        get_settings.cache_clear()
