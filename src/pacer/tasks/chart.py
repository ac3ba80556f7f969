"""The indicator a task should move, month by month from the analysis engine, against the task's
timeline (assigned, milestones, deadline, closed): one Vega-Lite specification, embedded in the
task's page and drawn as SVG where scripts do not run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import altair as alt
from sqlalchemy.orm import Session

from pacer.analysis import Analysis, choose
from pacer.models.followup import Milestone, Task
from pacer.tasks import repository
from pacer.tasks.service import TaskView
from pacer.web.charts import base_config
from pacer.web.i18n import translate

MONTHS_BEFORE = 12  # months of figures shown before the task was assigned (or the latest figures)
COLORS = {"value": "#0b5cad", "assigned": "#5c6b7a", "milestone": "#1b7f3b", "deadline": "#b3261e", "closed": "#6a3d9a"}


@dataclass(frozen=True)
class Trend:
    """The months shown (YYYY-MM, value on the display scale) and the task's dated events."""

    name: str
    unit_label: str
    months: list[tuple[str, float]]
    events: list[tuple[str, str, date]]  # kind, label, date


def _index(analysis: Analysis, day: date) -> int:
    return 12 * (day.year - analysis.data.first_year) + day.month - 1


def trend(analysis: Analysis, task: Task, code: str, name: str, milestones: list[Milestone], lang: str) -> Trend | None:
    """None when the engine knows neither the indicator nor the task's unit."""
    node = analysis.node(task.unit_id)
    catalog = analysis.engine.catalog
    if node is None or code not in catalog.index:
        return None
    hist = analysis.engine.history(node, code)
    numbers, present = hist.value.number.tolist(), hist.value.present.tolist()
    year, month = divmod(analysis.data.last_period, 100)
    latest = _index(analysis, date(year, month, 1))  # a task assigned after the figures still shows them
    start = max(min(_index(analysis, task.assigned_on), latest) - MONTHS_BEFORE, 0)
    last = min(
        max(_index(analysis, task.deadline), _index(analysis, task.closed_on or task.assigned_on)), len(numbers) - 1
    )
    shown = [t for t in range(start, last + 1) if present[t]]
    i = catalog.index[code]
    scale = choose(catalog.defs[i].unit, max((abs(numbers[t]) for t in shown), default=None), int(catalog.scale[i]))
    first = analysis.data.first_year
    months = [(f"{first + t // 12}-{t % 12 + 1:02d}", numbers[t] / float(scale.divisor)) for t in shown]
    events = [("assigned", translate(lang, "tasks.event.assigned"), task.assigned_on)]
    events += [("milestone", m.title, m.due_on) for m in milestones]
    events.append(("deadline", translate(lang, "tasks.event.deadline"), task.deadline))
    if task.closed_on:
        events.append(("closed", translate(lang, "tasks.event.closed"), task.closed_on))
    return Trend(name, scale.label_in(lang), months, events)


def spec(found: Trend, lang: str) -> dict[str, Any]:
    months = [{"month": f"{m}-15", "value": v} for m, v in found.months]
    events = [{"kind": k, "label": label, "date": d.isoformat()} for k, label, d in found.events]
    kinds = [k for k in COLORS if k != "value"]
    kind_names = [
        translate(lang, f"tasks.event.{k}") if k != "milestone" else translate(lang, "tasks.milestone") for k in kinds
    ]
    for e in events:
        e["kind_name"] = kind_names[kinds.index(e["kind"])]
    x = alt.X("month:T", title=None, axis=alt.Axis(format="%Y-%m", labelAngle=0, labelOverlap=True))
    line: Any = alt.Chart(alt.Data(values=months))  # type: ignore[no-untyped-call]  # altair's Data is untyped
    line = line.mark_line(point=True, color=COLORS["value"]).encode(
        x=x,
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False, nice=True)),
        tooltip=[alt.Tooltip("month:T", format="%Y-%m"), alt.Tooltip("value:Q", format=",.2f")],
    )
    rules: Any = alt.Chart(alt.Data(values=events))  # type: ignore[no-untyped-call]  # altair's Data is untyped
    rules = rules.mark_rule(strokeDash=[4, 3], strokeWidth=2).encode(
        x=alt.X("date:T"),
        color=alt.Color(
            "kind_name:N",
            title=None,
            scale=alt.Scale(domain=kind_names, range=[COLORS[k] for k in kinds]),
        ),
        tooltip=[alt.Tooltip("label:N"), alt.Tooltip("date:T", format="%Y-%m-%d")],
    )
    chart = alt.layer(line, rules).properties(
        title={"text": translate(lang, "tasks.chart", name=found.name), "subtitle": found.unit_label}, height=240
    )
    out: dict[str, Any] = chart.to_dict()
    out["config"] = {**base_config(), **out.get("config", {})}
    out["width"], out["autosize"] = "container", {"type": "fit", "contains": "padding"}
    return out


def task_trend(session: Session, analysis: Analysis, view: TaskView, lang: str) -> Trend | None:
    """The trend of the task's indicator, if it has one the engine knows."""
    if view.indicator is None:
        return None
    name = repository.indicator_name(session, view.indicator.id, lang)
    return trend(analysis, view.task, view.indicator.code, name, view.milestones, lang)
