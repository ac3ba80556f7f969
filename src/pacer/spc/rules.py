"""Run rules (Western Electric 1–4, Nelson 1–8) on any plotted statistic, vectorised.

A rule looks at the statistic against its centre line and the sigma of the statistic at each
point (both may vary per point). Zones are strict ("beyond 2 sigma" means more than 2 sigma; a point
on a line is not beyond it); a point exactly on the centre line breaks a same-side run. For windowed
rules the flagged point is the one completing the pattern; every further point extending it is
flagged too. Points are numbered from 1 in results.

Many series can be judged at once: pass ``position`` (each point's place in its own series, from 0)
and windows never reach across a series' start. Windows are counted with cumulative sums, so the
cost is linear in the number of points whatever the window lengths.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import numpy as np

KINDS = ("beyond", "zone", "run", "trend", "alternate", "hug", "mixture")


@dataclass(frozen=True)
class Rule:
    """One rule: ``kind`` with its counts. ``m`` of ``k`` points beyond ``zone`` sigma (zone),
    ``k`` in a row (run, trend, alternate, hug within 1 sigma, mixture beyond 1 sigma both sides)."""

    name: str
    kind: str
    k: int = 1
    m: int = 1
    zone: float = 3.0
    label: tuple[str, str] = ("", "")


WESTERN_ELECTRIC = (
    Rule("WE1", "beyond", label=("超出控制限", "beyond a control limit")),
    Rule("WE2", "zone", k=3, m=2, zone=2.0, label=("3点中2点超出2σ", "2 of 3 beyond 2 sigma")),
    Rule("WE3", "zone", k=5, m=4, zone=1.0, label=("5点中4点超出1σ", "4 of 5 beyond 1 sigma")),
    Rule("WE4", "run", k=8, label=("连续8点在同侧", "8 in a row on one side")),
)
NELSON = (
    Rule("N1", "beyond", label=("超出控制限", "beyond a control limit")),
    Rule("N2", "run", k=9, label=("连续9点在同侧", "9 in a row on one side")),
    Rule("N3", "trend", k=6, label=("连续6点递增或递减", "6 in a row increasing or decreasing")),
    Rule("N4", "alternate", k=14, label=("连续14点上下交替", "14 in a row alternating")),
    Rule("N5", "zone", k=3, m=2, zone=2.0, label=("3点中2点超出2σ", "2 of 3 beyond 2 sigma")),
    Rule("N6", "zone", k=5, m=4, zone=1.0, label=("5点中4点超出1σ", "4 of 5 beyond 1 sigma")),
    Rule("N7", "hug", k=15, label=("连续15点在1σ内", "15 in a row within 1 sigma")),
    Rule("N8", "mixture", k=8, label=("连续8点在1σ外且两侧都有", "8 in a row beyond 1 sigma, both sides")),
)
RULE_SETS: dict[str, tuple[Rule, ...]] = {"we": WESTERN_ELECTRIC, "nelson": NELSON, "none": ()}


def rule_set(name: str, counts: Mapping[str, int] | None = None) -> tuple[Rule, ...]:
    """A named set ("we", "nelson", "none"), with the window length of some rules changed,
    e.g. ``{"N2": 8}`` for eight in a row instead of nine."""
    if name not in RULE_SETS:
        raise ValueError(f"unknown rule set {name!r}: use we, nelson or none")
    rules = {r.name: r for r in RULE_SETS[name]}
    for key, k in (counts or {}).items():
        if key not in rules:
            raise ValueError(f"rule {key!r} is not in the {name} set: {', '.join(rules) or 'none'}")
        rule = rules[key]
        if rule.kind == "beyond" or k < 2 or (rule.kind == "zone" and k < rule.m):
            raise ValueError(f"rule {key}: count {k} does not fit a {rule.kind} rule")
        rules[key] = replace(rule, k=int(k))
    return tuple(rules.values())


def _window(flag: np.ndarray, k: int) -> np.ndarray:
    """How many of the last k points (this one included) are flagged, for each point."""
    cs = np.concatenate(([0], np.cumsum(flag, dtype=np.int64)))
    idx = np.arange(1, flag.size + 1)
    return np.asarray(cs[idx] - cs[np.maximum(idx - k, 0)])


def _flags(rule: Rule, z: np.ndarray, stat: np.ndarray, beyond: np.ndarray, pos: np.ndarray) -> np.ndarray:
    return np.asarray(_pattern(rule, z, stat, beyond, pos), dtype=bool)


def _pattern(rule: Rule, z: np.ndarray, stat: np.ndarray, beyond: np.ndarray, pos: np.ndarray) -> object:
    k = rule.k
    full = pos >= k - 1
    if rule.kind == "beyond":
        return beyond
    if rule.kind == "zone":
        hi, lo = z > rule.zone, z < -rule.zone
        return full & ((hi & (_window(hi, k) >= rule.m)) | (lo & (_window(lo, k) >= rule.m)))
    if rule.kind == "run":
        return full & ((_window(z > 0, k) == k) | (_window(z < 0, k) == k))
    if rule.kind == "hug":
        return full & (_window(np.abs(z) <= 1, k) == k)
    if rule.kind == "mixture":
        out = _window(np.abs(z) > 1, k) == k
        return full & out & (_window(z > 1, k) > 0) & (_window(z < -1, k) > 0)
    diff = np.diff(stat, prepend=np.nan)
    diff[pos < 1] = np.nan
    if rule.kind == "trend":
        return full & ((_window(diff > 0, k - 1) == k - 1) | (_window(diff < 0, k - 1) == k - 1))
    turn = diff * np.roll(diff, 1) < 0
    turn[pos < 2] = False
    return full & (_window(turn, k - 2) == k - 2)


def evaluate(
    rules: Iterable[Rule],
    stat: np.ndarray,
    center: np.ndarray | float,
    sigma: np.ndarray | float,
    lcl: np.ndarray | float,
    ucl: np.ndarray | float,
    position: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Boolean flags per rule, one per point. NaN statistics never fire and break every run."""
    stat = np.asarray(stat, dtype=float)
    pos = np.arange(stat.size) if position is None else np.asarray(position)
    missing = np.isnan(stat)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (stat - center) / sigma
    z = np.where(missing, np.nan, z)
    beyond = (stat > ucl) | (stat < lcl)
    if missing.any():  # a gap restarts every window, like the start of a series
        pos = _restart(pos, missing)
    return {rule.name: _flags(rule, z, stat, beyond, pos) & ~missing for rule in rules}


def _restart(pos: np.ndarray, missing: np.ndarray) -> np.ndarray:
    start = (pos == 0) | missing | np.roll(missing, 1)
    start[0] = True
    ids = np.cumsum(start) - 1
    first = np.flatnonzero(start)
    return np.asarray(np.arange(pos.size) - first[ids])


def indices(flags: Mapping[str, np.ndarray]) -> dict[str, list[int]]:
    """Flagged points per rule, numbered from 1."""
    return {name: (np.flatnonzero(f) + 1).tolist() for name, f in flags.items()}


def precedence(violations: Mapping[str, list[int]]) -> tuple[list[int], list[str]]:
    """Each flagged point once (numbered from 1), labelled by the first rule of the set it broke."""
    first: dict[int, str] = {}
    for name, points in violations.items():
        for point in points:
            first.setdefault(point, name)
    ordered = sorted(first)
    return ordered, [first[p] for p in ordered]
