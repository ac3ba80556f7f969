"""Typed results of the analysis engine.

Amounts travel as exact scaled integers (``Value.scaled`` with ``Value.scale`` decimals) plus
convenience views: ``decimal`` (exact) and ``number`` (float). A derived indicator's value is a
float rounded half away from zero to its scale, marked ``exact=False``. Percentages are in
percent (44.7 means 44.7 %), gaps and ratio changes in percentage points (pp).

The small value types are named tuples because a cockpit builds thousands of them per request.
"""

from __future__ import annotations

import math
from decimal import Decimal
from enum import StrEnum
from typing import Literal, NamedTuple

from pacer.analysis.core.calc import ChangeCode, StatusCode
from pacer.analysis.core.measures import BasisCode
from pacer.analysis.core.outlook import OutlookMethod


class ChangeKind(StrEnum):
    """How a value compares with its base (see :class:`pacer.analysis.core.calc.ChangeCode`)."""

    NO_DATA = "no_data"
    PERCENT = "percent"
    PP = "pp"
    NEW = "new"
    BOTH_ZERO = "both_zero"
    TURNED_PROFITABLE = "turned_profitable"
    TURNED_LOSS = "turned_loss"
    LOSS_NARROWED = "loss_narrowed"
    LOSS_WIDENED = "loss_widened"
    LOSS_UNCHANGED = "loss_unchanged"


class Status(StrEnum):
    ON_TRACK = "on_track"
    WATCH = "watch"
    OFF_TRACK = "off_track"


CHANGE_KINDS: dict[int, ChangeKind] = {int(code): ChangeKind[code.name] for code in ChangeCode}
STATUSES: dict[int, Status | None] = {
    StatusCode.NONE: None,
    StatusCode.ON_TRACK: Status.ON_TRACK,
    StatusCode.WATCH: Status.WATCH,
    StatusCode.OFF_TRACK: Status.OFF_TRACK,
}
BASES: dict[int, str | None] = {
    BasisCode.NONE: None,
    BasisCode.LINEAR: "linear",
    BasisCode.PHASING: "phasing",
    BasisCode.HISTORY: "history",
}
METHODS: dict[int, str] = {int(m): m.name.lower() for m in OutlookMethod}


class Value(NamedTuple):
    """An indicator value: ``scaled / 10**scale`` in the indicator's unit."""

    scaled: int
    scale: int
    exact: bool
    number: float

    @property
    def decimal(self) -> Decimal:
        return Decimal(self.scaled).scaleb(-self.scale)


class Change(NamedTuple):
    """A comparison with a base period. ``change`` is current - base in the indicator's unit
    (pp for percent units) and ``change_scaled`` the same as a scaled integer (exact for
    reported indicators); ``percent`` exists only for kind ``percent``."""

    kind: ChangeKind
    change: float | None
    change_scaled: int | None
    percent: float | None


class Need(NamedTuple):
    """What the rest of the year needs to reach one target tier: ``remaining`` = target - YTD,
    its average over the remaining months (None in December), and the growth that average
    implies over the same months of last year."""

    tier: str
    remaining: Value
    monthly_average: Value | None
    implied_growth: Change


class CockpitRow(NamedTuple):
    """One indicator of a cockpit; ``value`` is the month's own value."""

    code: str
    value: Value | None
    ytd: Value | None
    ytd_last_year: Value | None
    yoy: Change
    mom: Change
    target_ensure: Value | None
    target_strive: Value | None
    completion_pct: float | None
    completion_strive_pct: float | None
    time_progress_pct: float | None
    time_basis: str | None
    gap_pp: float | None
    status: Status | None
    needs: tuple[Need, ...]


class RankRow(NamedTuple):
    """One node in a ranking; ``measure`` is what it was ranked on, ``rank`` is None for a
    node without that measure (ranked last)."""

    node: int
    rank: int | None
    measure: float | None
    ytd: Value | None
    yoy: Change
    completion_pct: float | None
    gap_pp: float | None
    status: Status | None


class Dispersion(NamedTuple):
    n_values: int
    min: float
    max: float
    mean: float
    std: float
    cv: float


BridgeLineKind = Literal["child", "own", "eliminations"]


class BridgeLine(NamedTuple):
    """One contributor to a node's change: a child (``node``, ``kind`` 'child'), the node's
    own figures (``node`` None, 'own') or the elimination entries booked on the node (``node``
    None, 'eliminations', negative: they reduce the total). ``share_pct`` is its share of the
    total change, ``contribution_pp`` its part of the node's YoY percentage.

    For a derived ratio, ``change`` is the line's contribution to the ratio's change (in pp for
    a percent indicator) and ``current``/``previous`` the line's own ratio, None where it has
    none; they do not add up to the node's."""

    node: int | None
    current: Value | None
    previous: Value | None
    change: Value
    share_pct: float | None
    contribution_pp: float | None
    kind: BridgeLineKind = "child"


class OffTrackRow(NamedTuple):
    node: int
    code: str
    status: Status
    gap_pp: float
    completion_pct: float | None
    ytd: Value | None
    target_ensure: Value | None


class OutlookRow(NamedTuple):
    """Year-end outlook of one node x indicator, in the indicator's unit (floats: forecasts are
    not exact). ``low``/``high`` bound the 80 % interval."""

    node: int
    code: str
    method: str
    ytd: float | None
    run_rate: float | None
    seasonal: float | None
    statistical: float | None
    point: float | None
    low: float | None
    high: float | None
    p_ensure: float | None
    p_strive: float | None
    target_ensure: float | None
    target_strive: float | None


class SpanRow(NamedTuple):
    """One indicator over a span (month, quarter, half, YTD or year) against the same span of
    last year."""

    code: str
    value: Value | None
    last_year: Value | None
    yoy: Change


class HistoryRow(NamedTuple):
    year: int
    month: int
    value: Value | None
    ytd: Value | None
    ytd_last_year: Value | None
    yoy: Change
    mom: Change


def opt(x: float) -> float | None:
    """A float, or None for NaN."""
    return None if math.isnan(x) else x
