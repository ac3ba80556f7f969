"""Reports leaders read: drafted from the analysis engine's figures as the reader may see them,
rendered as Word, PDF, HTML or Excel.

- :func:`build_economic` draws the economic-operation analysis report's content
  (:class:`~pacer.reports.model.Report`, a plain tree) for an :class:`EconomicRequest`;
- :func:`render` turns a report into a file.
"""

from pacer.reports.economic import EconomicRequest, build_economic
from pacer.reports.model import Cell, Chart, Narrative, Paragraph, Report, Section, Table
from pacer.reports.render import FORMATS, MEDIA_TYPES, render

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "Cell",
    "Chart",
    "EconomicRequest",
    "Narrative",
    "Paragraph",
    "Report",
    "Section",
    "Table",
    "build_economic",
    "render",
]
