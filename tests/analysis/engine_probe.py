"""What an engine answers with, comparable across processes (imported by the processes that
``test_shared_engine`` starts, so it imports nothing of the suite's)."""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np


def fingerprint(analysis: Any) -> dict[str, object]:
    """The engine's arrays (hashed) and the group's revenue year to date in January 2025."""
    engine = analysis.engine
    cube = engine.cube()
    ytd, seen = cube.dense()
    arrays = {"ytd": ytd, "seen": seen, "facts": engine.facts.dense(), "present": engine.facts.present}
    sums = {name: hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest() for name, a in arrays.items()}
    g = analysis.data.unit_index()["G"]
    rows = engine.measures([g], 2025, 1, ["revenue"]) if engine.n_months > 12 else None
    return {
        **sums,
        "shape": list(engine.facts.shape),
        "revenue_ytd": None if rows is None else repr(rows.ytd.scaled.tolist()),
    }
