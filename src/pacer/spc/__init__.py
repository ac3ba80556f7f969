"""Statistical process control: control charts, run rules and capability, without I/O.

Variables charts (X̄-R, X̄-S, I-MR), attributes charts (p, np, c, u) and time-weighted charts
(EWMA, tabular CUSUM) share one shape (:class:`Chart` of :class:`Panel`) and one life cycle: phase I
calibrates a :class:`Standard` on chosen points (less those removed for an assignable cause), which
then judges every point, phase II included. Constants are computed (:mod:`pacer.spc.constants`).
:mod:`pacer.spc.columnar` computes the same statistics for many characteristics at once from
Parquet files.
"""

from pacer.spc.attributes import ATTRIBUTE_CHARTS, attribute_chart
from pacer.spc.capability import Capability, capability
from pacer.spc.constants import c4, d2, d3, factors
from pacer.spc.model import Chart, Panel, Standard, Subgroups
from pacer.spc.rules import NELSON, WESTERN_ELECTRIC, Rule, rule_set
from pacer.spc.summary import arl, oc_beta, pareto, vital_few
from pacer.spc.timeweighted import cusum_chart, ewma_chart
from pacer.spc.variables import SIGMA_METHODS, imr_chart, overall_sd, sigma_within, xbar_chart

__all__ = [
    "ATTRIBUTE_CHARTS",
    "NELSON",
    "SIGMA_METHODS",
    "WESTERN_ELECTRIC",
    "Capability",
    "Chart",
    "Panel",
    "Rule",
    "Standard",
    "Subgroups",
    "arl",
    "attribute_chart",
    "c4",
    "capability",
    "cusum_chart",
    "d2",
    "d3",
    "ewma_chart",
    "factors",
    "imr_chart",
    "oc_beta",
    "overall_sd",
    "pareto",
    "rule_set",
    "sigma_within",
    "vital_few",
    "xbar_chart",
]
