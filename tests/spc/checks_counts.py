"""Checks of the p, np, c and u vectors, their revisions and phase II."""

from __future__ import annotations

from typing import Any

import numpy as np

from pacer.spc import attribute_chart
from tests.spc.checks_variables import ALL_RULES, same_panel
from tests.spc.reference import check, close, rel_close, rows


def _counts(csv_name: str, count: str = "D") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    table = rows(csv_name)
    counts = np.array([float(r[count]) for r in table])
    sizes = np.array([float(r["size"]) for r in table])
    trial = np.array([r.get("trial", "TRUE") == "TRUE" for r in table])
    return counts, sizes, trial


def _published(chart: Any, expected: dict[str, float], what: str) -> None:
    panel = chart.panels[0]
    rel_close(panel.center[0], expected["center"], what=f"{what} center")
    rel_close(panel.ucl[0], expected["UCL"], what=f"{what} UCL")
    rel_close(panel.sigma[0], expected["std_dev"], what=f"{what} sigma")
    if expected["LCL"]:
        rel_close(panel.lcl[0], expected["LCL"], what=f"{what} LCL")


@check("orangejuice_p_np")
def orangejuice(vector: dict[str, Any]) -> None:
    counts, sizes, trial = _counts("orangejuice.csv")
    ref, printed = vector["expected"]["reference_qcc30"], vector["expected"]["published"]
    calib = int(trial.sum())
    p_a = attribute_chart("p", counts[trial], sizes[trial], rules=ALL_RULES)
    same_panel(p_a, "p", ref["p_case_A"], "p A")
    _published(p_a, printed["p_case_A"], "p A")
    np_a = attribute_chart("np", counts[trial], sizes[trial], rules=ALL_RULES)
    same_panel(np_a, "np", ref["np_case_A"], "np A")
    _published(np_a, printed["np_case_A"], "np A")
    keep = np.ones(counts.size, dtype=bool)
    keep[[14, 22]] = False  # samples 15 and 23, the assignable causes, deleted as in the source
    for kind in ("p", "np"):
        case_b = attribute_chart(kind, counts[keep], sizes[keep], phase1=(1, calib - 2), rules=ALL_RULES)
        same_panel(case_b, kind, ref[f"{kind}_case_B"], f"{kind} B")
    _published(attribute_chart("p", counts[keep], sizes[keep], phase1=(1, calib - 2)), printed["p_case_B"], "p B")
    revised = attribute_chart("p", counts, sizes, phase1=(1, calib), exclude=(15, 23), rules=ALL_RULES)
    close(revised.standard.center, ref["p_case_B"]["center"], what="revision keeps the points, drops them from p̄")
    close(revised.panels[0].ucl, ref["p_case_B"]["UCL"][0], what="revised UCL")
    assert revised.panels[0].statistic.size == counts.size


@check("orangejuice2_p")
def orangejuice_negative_lcl(vector: dict[str, Any]) -> None:
    counts, sizes, trial = _counts("orangejuice2.csv")
    assert trial[: trial.sum()].all()
    chart = attribute_chart("p", counts, sizes, phase1=(1, int(trial.sum())), rules=ALL_RULES)
    same_panel(chart, "p", vector["expected"]["reference_qcc30"], "p")
    _published(chart, vector["expected"]["published"], "p")


@check("circuit_c_u")
def circuit(vector: dict[str, Any]) -> None:
    counts, sizes, trial = _counts("circuit.csv", "x")
    ref, printed = vector["expected"]["reference_qcc30"], vector["expected"]["published"]
    c_a = attribute_chart("c", counts[trial], rules=ALL_RULES)
    same_panel(c_a, "c", ref["c_case_A"], "c A")
    _published(c_a, printed["c_case_A"], "c A")
    keep = np.ones(counts.size, dtype=bool)
    keep[[5, 19]] = False
    phase = (1, int(trial.sum()) - 2)
    c_b = attribute_chart("c", counts[keep], phase1=phase, rules=ALL_RULES)
    same_panel(c_b, "c", ref["c_case_B"], "c B")
    _published(c_b, printed["c_case_B"], "c B")
    u_b = attribute_chart("u", counts[keep], sizes[keep], phase1=phase, rules=ALL_RULES)
    same_panel(u_b, "u", ref["u_case_B"], "u B")
    close(u_b.standard.sigma, ref["u_case_B"]["std_dev"], what="u sigma per board")
    rel_close(u_b.panels[0].ucl[0], printed["u_case_B"]["UCL"], what="u B UCL")


@check("pcmanufact_u")
def pcmanufact(vector: dict[str, Any]) -> None:
    counts, sizes, _ = _counts("pcmanufact.csv", "x")
    chart = attribute_chart("u", counts, sizes, rules=ALL_RULES)
    same_panel(chart, "u", vector["expected"]["reference_qcc30"], "u")
    close(chart.standard.sigma, vector["expected"]["reference_qcc30"]["std_dev"], what="u sigma")
    rel_close(chart.panels[0].ucl[0], vector["expected"]["published"]["UCL"], what="u UCL")


@check("dyedcloth_u_varn")
def dyedcloth(vector: dict[str, Any]) -> None:
    counts, sizes, _ = _counts("dyedcloth.csv", "x")
    chart = attribute_chart("u", counts, sizes, rules=ALL_RULES)
    same_panel(chart, "u", vector["expected"]["reference_qcc30"], "u")
    close(chart.standard.sigma, vector["expected"]["reference_qcc30"]["std_dev"], what="u sigma")
