"""The published SPC reference vectors (shared/reference/spc beside the checkout) and their data."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

CHECKS: dict[str, Callable[[dict[str, Any]], None]] = {}


def reference_dir() -> Path:
    """PACER_SPC_REFERENCE_DIR, else the nearest shared/reference/spc above the checkout."""
    if "PACER_SPC_REFERENCE_DIR" in os.environ:
        return Path(os.environ["PACER_SPC_REFERENCE_DIR"])
    for parent in Path(__file__).resolve().parents:
        if (parent / "shared" / "reference" / "spc").is_dir():
            return parent / "shared" / "reference" / "spc"
    raise AssertionError("the SPC reference vectors (shared/reference/spc) are not beside this checkout")


def vector_names() -> list[str]:
    return sorted(p.name.removesuffix(".expected.json") for p in reference_dir().glob("*.expected.json"))


@cache
def load(name: str) -> dict[str, Any]:
    return json.loads((reference_dir() / f"{name}.expected.json").read_text(encoding="utf-8"))


def rows(csv_name: str) -> list[dict[str, str]]:
    with (reference_dir() / csv_name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def check(name: str) -> Callable[[Callable[[dict[str, Any]], None]], Callable[[dict[str, Any]], None]]:
    def register(fn: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
        CHECKS[name] = fn
        return fn

    return register


def close(got: Any, expected: Any, tol: float = 1e-9, what: str = "") -> None:
    """Equal within an absolute tolerance, element by element (None stays None)."""
    if expected is None:
        assert got is None, what
        return
    got_arr, exp_arr = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    if exp_arr.ndim == 0 and got_arr.ndim == 1:
        exp_arr = np.full(got_arr.shape, float(exp_arr))
    assert got_arr.shape == exp_arr.shape, f"{what}: shape {got_arr.shape} != {exp_arr.shape}"
    worst = float(np.max(np.abs(got_arr - exp_arr))) if got_arr.size else 0.0
    assert worst <= tol, f"{what}: off by {worst:.3g} (tolerance {tol:g})"


def rel_close(got: float, expected: float, rel: float = 5e-7, what: str = "") -> None:
    assert abs(got - expected) <= rel * abs(expected) + 1e-12, f"{what}: {got} vs printed {expected}"


def printed_close(got: float, printed: float, what: str = "", units: float = 0.5) -> None:
    """Within half a unit (or ``units``) of the last printed decimal."""
    text = repr(float(printed))
    decimals = len(text.split(".")[1]) if "." in text and "e" not in text else 0
    assert abs(got - printed) <= units * 10.0**-decimals + 1e-12, f"{what}: {got} vs printed {printed}"


def pistonrings() -> tuple[np.ndarray, list[str]]:
    table = rows("pistonrings.csv")
    return np.array([[float(r[f"x{i}"]) for i in range(1, 6)] for r in table]), [r["phase"] for r in table]


def long_to_matrix(table: Sequence[dict[str, str]], key: str, value: str) -> np.ndarray:
    groups: dict[str, list[float]] = {}
    for row in table:
        groups.setdefault(row[key], []).append(float(row[value]))
    width = max(len(v) for v in groups.values())
    return np.array([v + [np.nan] * (width - len(v)) for v in groups.values()])


RULE_NAMES = {f"WER{i}": f"WE{i}" for i in range(1, 5)} | {f"NEL{i}": f"N{i}" for i in range(1, 9)}


def same_violations(got: dict[str, list[int]], expected: dict[str, dict[str, list[int]]], what: str) -> None:
    """Compare per-rule indices given as {"western_electric": {"WER1": [...]}, "nelson": {...}}."""
    for family in expected.values():
        for key, indices in family.items():
            assert got[RULE_NAMES[key]] == indices, f"{what} {key}"
