"""Who reports what, read for the engine: the assignment resolved over its months."""

from __future__ import annotations

import numpy as np
from sqlalchemy import Connection

from pacer.analysis.core.assigned import Assigned
from pacer.indicators.assignment_service import assignment_spans


def load_assigned(
    conn: Connection, unit_ids: np.ndarray, reported_ids: np.ndarray, first_year: int, last_period: int
) -> Assigned | None:
    """The assignment of every unit (in ``unit_ids`` order) to the reported indicators (in
    ``reported_ids`` order) from January of ``first_year`` to ``last_period``; None when the
    group has no rules (every unit reports every reported indicator)."""
    spans = assignment_spans(conn, unit_ids.tolist(), reported_ids.tolist(), first_year * 100 + 1, last_period)
    return None if spans is None else Assigned(*spans)
