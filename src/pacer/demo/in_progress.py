"""The demo's last month, still being reported: every unit's month moved through the submission
workflow's own service (saves and verbs, audited, as the people concerned would), so that the
reporting monitor shows each status and the figures of record are only the accepted ones.

Which unit is where is fixed by its place in the tree (deterministic): of every ten units with
figures, four accepted, two submitted, one approved, one returned with a comment, one a draft,
one not started. The one unit with its own reporter and approver among the demo accounts
(G0101) has its month returned by its approver, so that its reporter finds it in the inbox.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.auth.permissions import SYSTEM, Actor, load_actor
from pacer.demo.records import DemoGroup
from pacer.kit.numbers import format_scaled
from pacer.kit.tabular import Row
from pacer.models import Indicator
from pacer.submissions import repository, service

PATTERN = ("accepted", "submitted", "accepted", "approved", "accepted", "returned", "submitted", "draft", "accepted")
NOT_STARTED_EVERY = 10  # and the tenth not started
# the units (in tree order) whose month is walked through the workflow; in a larger group the
# others' month is loaded whole and accepted, so that a benchmark-sized group still loads fast
MOST = 60
STEPS = {
    "draft": (),
    "submitted": ("submit",),
    "approved": ("submit", "approve"),
    "accepted": ("submit", "approve", "accept"),
    "returned": ("submit", "return"),
}
# what the demo's people write, in their own language
RETURNED_BECAUSE = "利润总额与上月差异较大，请核实并补充偏差原因。"
SITUATION = "生产经营平稳。"
EXPLAINED = "演示数据：波动来自订单交付节奏。"
OWN_UNIT = "G0101"  # the demo accounts' unit: its reporter lina, its approver zhaoqiang


def plan(group: DemoGroup) -> dict[int, str]:
    """Unit index -> the state its last month reaches: the first ``MOST`` units with figures that month."""
    period = group.as_of[0] * 100 + group.as_of[1]
    reporting = np.unique(group.facts.unit[group.facts.period == period]).tolist()[:MOST]
    out: dict[int, str] = {}
    for k, unit in enumerate(reporting):
        out[unit] = "not_started" if k % NOT_STARTED_EVERY == NOT_STARTED_EVERY - 1 else PATTERN[k % len(PATTERN)]
    own = next((n for n, u in enumerate(group.units) if u.code == OWN_UNIT), None)
    if own in out:
        out[own] = "returned"
    return out


def held_back(group: DemoGroup, states: Mapping[int, str]) -> np.ndarray:
    """Which of the group's facts the bulk load leaves out: the last month's, which go in through
    the workflow (as staged figures, and into the figures of record once accepted)."""
    period = group.as_of[0] * 100 + group.as_of[1]
    left_out: np.ndarray = (group.facts.period == period) & np.isin(group.facts.unit, list(states))
    return left_out


def walk(session: Session, group: DemoGroup, states: Mapping[int, str]) -> dict[str, int]:
    """Each planned unit's month through :mod:`pacer.submissions.service`; counts by state."""
    period = group.as_of[0] * 100 + group.as_of[1]
    facts = group.facts
    scales = dict(session.execute(select(Indicator.code, Indicator.scale)).tuples().all())
    people = _people(session, group)
    hq = people.get("hq", SYSTEM)
    counts: dict[str, int] = {}
    in_month = np.flatnonzero(facts.period == period)
    by_unit: dict[int, list[int]] = {}
    for i in in_month.tolist():
        by_unit.setdefault(int(facts.unit[i]), []).append(i)
    for unit, state in sorted(states.items()):
        counts[state] = counts.get(state, 0) + 1
        if state == "not_started":
            continue
        code = group.units[unit].code
        reporter = people.get("reporter", SYSTEM) if code == OWN_UNIT else SYSTEM
        approver = people.get("approver", SYSTEM) if code == OWN_UNIT else SYSTEM
        rows = [
            Row(
                n,
                {
                    "indicator_code": (ind := group.indicators[facts.indicator[i]]),
                    "value": format_scaled(int(facts.value[i]), scales[ind]),
                    "basis": "monthly",
                },
            )
            for n, i in enumerate(by_unit[unit], start=2)
        ]
        found = service.save_figures(session, reporter, code, period, rows, {"situation": SITUATION})
        # the generated figures' warnings (a year-on-year jump) explained, as a reporter must before submitting
        notes = {c.key: EXPLAINED for c in repository.checks(session, found.submission.id) if not c.explanation}
        if notes:
            service.explain(session, reporter, code, period, notes)
        for verb in STEPS[state]:
            actor = {"submit": reporter, "approve": approver, "return": approver, "accept": hq}[verb]
            service.act(session, actor, code, period, verb, RETURNED_BECAUSE if verb == "return" else None)
    return counts


def _people(session: Session, group: DemoGroup) -> dict[str, Actor]:
    """The demo accounts who act, where the group has them."""
    wanted = {
        "hq": ("hq_analyst", None),
        "reporter": ("unit_reporter", OWN_UNIT),
        "approver": ("unit_approver", OWN_UNIT),
    }
    out = {}
    for key, (role, unit) in wanted.items():
        user = next((u for u in group.users if u.role == role and (unit is None or u.unit_code == unit)), None)
        if user is not None:
            out[key] = load_actor(session, user.username)
    return out
