"""Analysis engine: consolidation, period measures, targets, outlook, comparison and checks.

A pure, vectorised core over arrays a loader builds from the database; :class:`Engine` is the
facade the services call.
"""

from pacer.analysis.bridge import Bridge
from pacer.analysis.bridge_derived import NotDecomposable
from pacer.analysis.calc import Thresholds
from pacer.analysis.checks import CheckCodes, CheckRow
from pacer.analysis.display import DisplayUnit, apportion, breakdown, to_display
from pacer.analysis.engine import Cockpit, Engine, Ranking
from pacer.analysis.history import History
from pacer.analysis.holt_winters import Grid
from pacer.analysis.inputs import (
    Eliminations,
    Facts,
    Formula,
    FormulaVersion,
    IndicatorDef,
    Targets,
    TreeHistory,
    TreeSegment,
    Units,
)
from pacer.analysis.outlook_table import Outlook
from pacer.analysis.results import (
    BridgeLine,
    Change,
    ChangeKind,
    CockpitRow,
    Dispersion,
    HistoryRow,
    Need,
    OffTrackRow,
    OutlookRow,
    RankRow,
    SpanRow,
    Status,
    Value,
)

__all__ = [
    "Bridge",
    "BridgeLine",
    "Change",
    "ChangeKind",
    "CheckCodes",
    "CheckRow",
    "Cockpit",
    "CockpitRow",
    "Dispersion",
    "DisplayUnit",
    "Eliminations",
    "Engine",
    "Facts",
    "Formula",
    "FormulaVersion",
    "Grid",
    "History",
    "HistoryRow",
    "IndicatorDef",
    "Need",
    "NotDecomposable",
    "OffTrackRow",
    "Outlook",
    "OutlookRow",
    "RankRow",
    "Ranking",
    "SpanRow",
    "Status",
    "Targets",
    "Thresholds",
    "TreeHistory",
    "TreeSegment",
    "Units",
    "Value",
    "apportion",
    "breakdown",
    "to_display",
]
