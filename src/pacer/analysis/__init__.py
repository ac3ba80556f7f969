"""Analysis engine: consolidation, period measures, targets, outlook, comparison and checks.

A pure, vectorised core over arrays a loader builds from the database; :class:`Engine` is the
facade the services call. The package is layered, each layer importing only those below it:

- :mod:`~pacer.analysis.core`: the exact core (inputs, tree, cube, windows, measures, outlook);
- :mod:`~pacer.analysis.load`: reading the database into the core's input arrays;
- :mod:`~pacer.analysis.answers`: result rows, views, bridges, checks and history over the core;
- :mod:`~pacer.analysis.shown`: figures and words as shown on pages, in exports and on the terminal;
- :mod:`~pacer.analysis.serve`: the engine assembling core and answers, and the service binding it
  to the database.

Code outside the package imports from ``pacer.analysis`` itself (this module), not from the layers.
"""

from pacer.analysis.answers.bridge import Bridge
from pacer.analysis.answers.bridge_derived import NotDecomposable, largest_remainder
from pacer.analysis.answers.checks import CheckCodes, CheckRow
from pacer.analysis.answers.history import History
from pacer.analysis.answers.outlook_table import Outlook
from pacer.analysis.answers.results import (
    BASES,
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
from pacer.analysis.answers.views import Measure, off_track_rows
from pacer.analysis.core.calc import Thresholds
from pacer.analysis.core.holt_winters import Grid
from pacer.analysis.core.inputs import (
    Eliminations,
    Facts,
    Formula,
    FormulaVersion,
    IndicatorDef,
    Targets,
    TreeHistory,
    TreeSegment,
    UnitOfMeasure,
    Units,
    UnitScale,
)
from pacer.analysis.core.measures import TimeBasis
from pacer.analysis.core.outlook import OutlookMethod
from pacer.analysis.core.tree import Tree
from pacer.analysis.core.windows import Span, Window, evaluate_windows
from pacer.analysis.load.definitions import units_from_rows
from pacer.analysis.serve.cockpit import Cockpit, Ranking
from pacer.analysis.serve.completeness import Missing, assigned_at, default_period, incomplete, missing_figures
from pacer.analysis.serve.engine import Engine
from pacer.analysis.serve.replay import changes_since
from pacer.analysis.serve.service import Analysis, build, change_marker, get_analysis, is_built, restructured
from pacer.analysis.shown import wording
from pacer.analysis.shown.display import (
    DisplayScale,
    DisplayUnit,
    Shown,
    apportion,
    breakdown,
    choose,
    crossed_breakdown,
    to_display,
)
from pacer.analysis.shown.wording import STATUS_WORDS, bridge_line, still_reported

__all__ = [
    "BASES",
    "STATUS_WORDS",
    "Analysis",
    "Bridge",
    "BridgeLine",
    "Change",
    "ChangeKind",
    "CheckCodes",
    "CheckRow",
    "Cockpit",
    "CockpitRow",
    "Dispersion",
    "DisplayScale",
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
    "Measure",
    "Missing",
    "Need",
    "NotDecomposable",
    "OffTrackRow",
    "Outlook",
    "OutlookMethod",
    "OutlookRow",
    "RankRow",
    "Ranking",
    "Shown",
    "Span",
    "SpanRow",
    "Status",
    "Targets",
    "Thresholds",
    "TimeBasis",
    "Tree",
    "TreeHistory",
    "TreeSegment",
    "UnitOfMeasure",
    "UnitScale",
    "Units",
    "Value",
    "Window",
    "apportion",
    "assigned_at",
    "breakdown",
    "bridge_line",
    "build",
    "change_marker",
    "changes_since",
    "choose",
    "crossed_breakdown",
    "default_period",
    "evaluate_windows",
    "get_analysis",
    "incomplete",
    "is_built",
    "largest_remainder",
    "missing_figures",
    "off_track_rows",
    "restructured",
    "still_reported",
    "to_display",
    "units_from_rows",
    "wording",
]
