"""Checks of the X̄-R, X̄-S and unequal-size vectors (qcc's 3-decimal d2 where qcc computed them)."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

from pacer.spc import NELSON, WESTERN_ELECTRIC, Chart, Subgroups, sigma_within, xbar_chart
from pacer.spc.constants import table
from pacer.spc.rules import precedence
from tests.spc.reference import (
    check,
    close,
    long_to_matrix,
    pistonrings,
    rel_close,
    rows,
    same_violations,
)

ALL_RULES = WESTERN_ELECTRIC + NELSON
QCC = {"constants": "qcc", "center_line": "constant", "rules": ALL_RULES}


def d3_table_gap(n: Any, scale: float) -> float:
    """How far a limit moves between qcc's rounded d3 and the exact one, for sizes n (plus 1e-9)."""
    sizes = np.atleast_1d(n)
    return float(np.max(np.abs(table(sizes, "d3", "qcc") - table(sizes, "d3")))) * scale + 1e-9


def _rule_number(name: str) -> int:
    return int(name.removeprefix("WE"))


def same_panel(chart: Chart, panel: str, expected: dict[str, Any], what: str) -> None:
    got = chart.panel(panel)
    close(got.center, expected["center"], what=f"{what} center")
    close(got.statistic, expected["statistics"], what=f"{what} statistics")
    close(got.lcl, expected["LCL"], what=f"{what} LCL")
    close(got.ucl, expected["UCL"], what=f"{what} UCL")
    assert got.violations["WE1"] == expected["beyond_limits_1based"], what
    same_violations(got.violations, expected["run_rules_per_rule_1based"], what)
    qcc = expected["qcc_violations_rule_precedence"]
    we = {k: v for k, v in got.violations.items() if k.startswith("WE")}
    points, names = precedence(we)
    assert (points, [_rule_number(n) for n in names]) == (qcc["index_1based"], qcc["rule"]), what


@check("pistonrings_xbar_r")
def xbar_r(vector: dict[str, Any]) -> None:
    values, _ = pistonrings()
    groups = Subgroups.from_matrix(values)
    ref = vector["expected"]["reference_qcc30"]
    chart = xbar_chart(groups, phase1=(1, 25), **QCC)
    close(chart.standard.sigma, ref["xbar"]["std_dev"], what="sigma")
    same_panel(chart, "xbar", ref["xbar"], "xbar")
    same_panel(chart, "R", ref["R"], "R")
    printed = vector["expected"]["published"]
    for panel, key in (("xbar", "xbar"), ("R", "R")):
        rel_close(chart.panel(panel).center[0], printed[key]["center"], what=f"{key} center")
        rel_close(chart.panel(panel).ucl[0], printed[key]["UCL"], what=f"{key} UCL")
    rel_close(chart.panel("xbar").lcl[0], printed["xbar"]["LCL"], what="xbar LCL")
    probability = xbar_chart(groups, phase1=(1, 25), nsigmas=float(stats.norm.ppf(0.995)), **QCC)
    close(probability.panel("xbar").lcl[0], ref["xbar_confidence_0.99"]["LCL"], what="0.99 LCL")
    close(probability.panel("xbar").ucl[0], ref["xbar_confidence_0.99"]["UCL"], what="0.99 UCL")
    whole = xbar_chart(groups, **QCC)
    same_panel(whole, "xbar", ref["all_40_subgroups_as_phase_I"]["xbar"], "all 40 xbar")
    same_panel(whole, "R", ref["all_40_subgroups_as_phase_I"]["R"], "all 40 R")
    exact = xbar_chart(groups, phase1=(1, 25))
    own = vector["expected"]["reference_exact_d2"]
    close(exact.standard.sigma, own["sigma"], what="exact sigma")
    close(exact.panel("xbar").lcl[0], own["xbar_LCL"], what="exact LCL")
    close(exact.panel("xbar").ucl[0], own["xbar_UCL"], what="exact UCL")
    close(exact.panel("R").ucl[0], own["R_UCL"], what="exact R UCL")


@check("pistonrings_xbar_s")
def xbar_s(vector: dict[str, Any]) -> None:
    values, _ = pistonrings()
    groups = Subgroups.from_matrix(values)
    ref = vector["expected"]["reference_qcc30"]
    chart = xbar_chart(groups, "S", phase1=(1, 25), **QCC)
    close(chart.standard.sigma, ref["S"]["std_dev"], what="sigma")
    same_panel(chart, "S", ref["S"], "S")
    same_panel(chart, "xbar", ref["xbar_with_sigma_Sbar_over_c4"], "xbar by S")
    printed = vector["expected"]["published"]["S"]
    rel_close(chart.panel("S").center[0], printed["center"], what="S center")
    rel_close(chart.panel("S").ucl[0], printed["UCL"], what="S UCL")
    rel_close(chart.standard.sigma, printed["std_dev"], what="S sigma")
    use = np.arange(40) < 25
    estimators = ref["sigma_estimators_phase1"]
    close(sigma_within(groups, use, "rbar", "qcc"), estimators["UWAVE-R"], what="UWAVE-R")
    close(sigma_within(groups, use, "rbar", "qcc"), estimators["MVLUE-R"], what="MVLUE-R (equal sizes)")
    close(sigma_within(groups, use, "sbar"), estimators["UWAVE-SD"], what="UWAVE-SD")
    close(sigma_within(groups, use, "sbar"), estimators["MVLUE-SD"], what="MVLUE-SD (equal sizes)")
    close(sigma_within(groups, use, "pooled"), estimators["RMSDF"], what="RMSDF")


@check("pistonrings_varn")
def unequal_sizes(vector: dict[str, Any]) -> None:
    groups = Subgroups.from_matrix(long_to_matrix(rows("pistonrings_varn.csv"), "sample", "diameter"))
    assert groups.n.tolist() == vector["input"]["subgroup_sizes"]
    ref = vector["expected"]["reference_qcc30"]
    by_range = xbar_chart(groups, phase1=(1, 25), **QCC)
    close(by_range.standard.sigma, ref["xbar"]["std_dev"], what="sigma R")
    same_panel(by_range, "xbar", ref["xbar"], "xbar")
    same_panel(by_range, "R", ref["R"], "R")
    by_sd = xbar_chart(groups, "S", phase1=(1, 25), **QCC)
    close(by_sd.standard.sigma, ref["S"]["std_dev"], what="sigma S")
    same_panel(by_sd, "S", ref["S"], "S")
    same_panel(by_sd, "xbar", ref["xbar_sigma_Sbar_c4"], "xbar by S")
    textbook = {"constants": "qcc", "center_line": "per-n"} | {"phase1": (1, 25)}
    for spread, key in (("R", "textbook_R_limits_all_40"), ("S", "textbook_S_limits_all_40")):
        panel = xbar_chart(groups, spread, **textbook).panel(spread)  # type: ignore[arg-type]
        close(panel.center, vector["expected"][key]["CL"], what=f"{key} CL")
        # the vector's own script took qcc's d2 with the exact d3: qcc's 7-decimal d3 differs by ≤ 4e-6
        gap = d3_table_gap(groups.n, 3 * by_range.standard.sigma) if spread == "R" else 1e-9
        close(panel.ucl, vector["expected"][key]["UCL"], gap, f"{key} UCL")
        close(panel.lcl, vector["expected"][key]["LCL"], what=f"{key} LCL")
