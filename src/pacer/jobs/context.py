"""What a job's work is given: its parameters, who asked, a session to read with, and a way to
say how far it got (committed at once in a short transaction of its own, so that the page
polling the job sees it while the work goes on)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from pacer.auth.permissions import Actor

# how often progress is written at most (seconds); the last step is always written
PROGRESS_EVERY = 0.25


@dataclass
class JobContext:
    job_id: int
    kind: str
    parameters: dict[str, Any]
    actor: Actor
    unit_id: int
    session: Session
    report: Callable[[float, str], None]  # writes (fraction, message) in its own transaction
    # what the job's page says once it is done (a step's key, with values after "|"): an
    # import's counts, where there is no file to show
    summary: str = ""
    _last: float = field(default=0.0, repr=False)

    @property
    def lang(self) -> str:
        lang = self.parameters.get("lang")
        return lang if lang in ("zh", "en") else "zh"

    def progress(self, fraction: float, message: str = "") -> None:
        """How far the work got (0–1) and what it is doing: a step's key, which pages show in
        their language from the kind's ``steps`` (other text shows as it is)."""
        now = time.monotonic()
        if fraction < 1 and now - self._last < PROGRESS_EVERY:
            return
        self._last = now
        self.report(min(max(float(fraction), 0.0), 1.0), message[:300])

    def part(self, start: float, end: float) -> Callable[[float, str], None]:
        """A progress callback for one stage of the work, mapping its 0–1 onto start–end."""

        def step(fraction: float, message: str = "") -> None:
            self.progress(start + (end - start) * min(max(float(fraction), 0.0), 1.0), message)

        return step
