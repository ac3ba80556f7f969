"""``pacer tasks``: supervised tasks (督办事项) from assignment to sign-off, a thin shell over
:mod:`pacer.tasks` (the pages and the API are others over the same service)."""

from __future__ import annotations

import json
from datetime import date
from enum import Enum
from typing import Annotated

import typer

from pacer.cli.common import AsUser, Language, actor, console, day, ensure_schema, group, language, reports_errors
from pacer.db import unit_of_work
from pacer.errors import DomainError

commands = group("Supervised tasks: assign, accept, report progress and completion, verify.")

TaskId = Annotated[int, typer.Argument(help="The task's number.", min=1)]
Lang = Annotated[Language | None, typer.Option("--lang", help="The language of refusals; default PACER_LANGUAGE.")]


class Format(str, Enum):
    table = "table"
    json = "json"


FormatOption = Annotated[Format, typer.Option("--format", help="table or json.")]


def register(app: typer.Typer) -> None:
    app.add_typer(commands, name="tasks")


def _print_json(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@commands.command("list")
@reports_errors
def tasks_list(
    unit: Annotated[str | None, typer.Option(help="A unit's code: its tasks and those below it.")] = None,
    state: Annotated[list[str] | None, typer.Option(help="Only this state (repeatable).")] = None,
    mine: Annotated[bool, typer.Option("--mine", help="Only tasks you own or issued.")] = False,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only open tasks past their original deadline.")] = False,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 200,
    fmt: FormatOption = Format.table,
    as_user: AsUser = None,
) -> None:
    """The tasks you may see: late first, then open, soonest deadline first."""
    from pacer.tasks import repository
    from pacer.tasks.repository import TaskFilter
    from pacer.tasks.schemas import summary_out

    ensure_schema()
    by, today, lang = actor(as_user), date.today(), language(None)
    with unit_of_work() as session:
        unit_id = None
        if unit is not None:
            found = repository.unit_by_code(session, by, unit)
            if found is None:
                raise DomainError(f"no unit '{unit}'", status=404)
            unit_id = found.id
        f = TaskFilter(
            unit_id=unit_id,
            states=tuple(state or ()),
            mine=by.username if mine else None,
            overdue_on=today if overdue else None,
        )
        total, rows = repository.tasks(session, by, f, limit, 0, today)
        items = [summary_out(t, u, i, lang, today) for t, u, i in rows]
    if fmt is Format.json:
        _print_json({"total": total, "items": [i.model_dump(mode="json") for i in items]})
        return
    for i in items:
        late = f"+{i.overdue_days}d" if i.overdue_days else ""
        line = f"#{i.id:<6} {i.unit_code:10} {i.state:20} {i.percent:>3}% {i.deadline} {late:6} {i.owner:12} {i.title}"
        console().print(line, highlight=False)
    console().print(f"{total} task(s).")


@commands.command("show")
@reports_errors
def tasks_show(task: TaskId, fmt: FormatOption = Format.table, as_user: AsUser = None) -> None:
    """One task: its plan, milestones, progress, history and the verbs you may take."""
    from pacer.tasks import service
    from pacer.tasks.schemas import task_out

    ensure_schema()
    by = actor(as_user)
    with unit_of_work() as session:
        out = task_out(service.get(session, by, task), language(None), date.today())
    if fmt is Format.json:
        _print_json(out.model_dump(mode="json"))
        return
    c = console()
    c.print(f"#{out.id} {out.title} [{out.state_label}] {out.percent}%", highlight=False)
    c.print(
        f"  unit {out.unit_code}  owner {out.owner}  issuer {out.issuer}  co-units {', '.join(out.co_units) or '-'}"
    )
    c.print(f"  assigned {out.assigned_on}  deadline {out.deadline} (original {out.original_deadline})")
    for m in out.milestones:
        c.print(f"  [{'x' if m.done_on else ' '}] {m.due_on} {m.title}", highlight=False)
    for p in out.progress:
        c.print(f"  {p.reported_at:%Y-%m-%d} {p.percent:>3}% {p.narrative}", highlight=False)
    for e in out.history:
        reason = f" ({e.reason})" if e.reason else ""
        c.print(f"  {e.at:%Y-%m-%d %H:%M} {e.actor:12} {e.verb}{reason}", highlight=False)
    c.print("  verbs: " + (", ".join(out.verbs) or "-"), highlight=False)


@commands.command("create")
@reports_errors
def tasks_create(
    unit: Annotated[str, typer.Option(help="The lead unit's code.")],
    title: Annotated[str, typer.Option(help="What is to be done.")],
    owner: Annotated[str, typer.Option(help="The username of the person responsible.")],
    deadline: Annotated[str, typer.Option(help="YYYY-MM-DD.")],
    assigned_on: Annotated[str | None, typer.Option(help="YYYY-MM-DD; default today.")] = None,
    deliverables: Annotated[str, typer.Option(help="What it delivers.")] = "",
    description: Annotated[str, typer.Option(help="More about it.")] = "",
    co_unit: Annotated[list[str] | None, typer.Option(help="A co-unit's code (repeatable).")] = None,
    milestone: Annotated[list[str] | None, typer.Option(help="YYYY-MM-DD=title (repeatable, in order).")] = None,
    kind: Annotated[str, typer.Option(help="requirement, gap or rectification.")] = "requirement",
    requirement: Annotated[int | None, typer.Option(help="The requirement it carries out.")] = None,
    parent: Annotated[int | None, typer.Option(help="Make it a sub-task of this task.")] = None,
    indicator: Annotated[str | None, typer.Option(help="The indicator it should move.")] = None,
    goal: Annotated[str, typer.Option(help="What the indicator should come to.")] = "",
    source: Annotated[str, typer.Option(help="For a rectification: the inspection or audit it answers.")] = "",
    department: Annotated[str | None, typer.Option(help="The supervising department's unit code.")] = None,
    lang: Lang = None,
    as_user: AsUser = None,
) -> None:
    """Assign a task (as one who supervises its lead unit); every problem is named, nothing stored."""
    from pacer.tasks import service
    from pacer.tasks.validation import MilestonePlan, TaskPlan

    ensure_schema()
    steps = []
    for text in milestone or []:
        when, _, name = text.partition("=")
        steps.append(MilestonePlan(name, day("--milestone", when)))
    plan = TaskPlan(
        unit_code=unit,
        title=title,
        owner=owner,
        deadline=day("--deadline", deadline),
        assigned_on=day("--assigned-on", assigned_on) if assigned_on else None,
        description=description,
        deliverables=deliverables,
        co_unit_codes=tuple(co_unit or ()),
        milestones=tuple(steps),
        kind=kind,
        requirement_id=requirement,
        indicator_code=indicator,
        indicator_goal=goal,
        source=source,
        department_code=department,
    )
    by = actor(as_user)
    with unit_of_work(writes=True, queue=True) as session:
        if parent is not None:
            (made,) = service.decompose(session, by, parent, [plan], language(lang))
        else:
            made = service.create(session, by, plan, language(lang))
        number = made.id
    console().print(f"Task #{number} assigned to {owner}.", highlight=False)


@commands.command("act")
@reports_errors
def tasks_act(
    task: TaskId,
    verb: Annotated[str, typer.Argument(help="accept, start, report_completion, verify, return, ...")],
    reason: Annotated[str | None, typer.Option(help="Why (required to return, refuse, cancel, merge, ...).")] = None,
    deadline: Annotated[str | None, typer.Option(help="The new deadline (extension, carry-over).")] = None,
    into: Annotated[int | None, typer.Option(help="The task to merge into.")] = None,
    lang: Lang = None,
    as_user: AsUser = None,
) -> None:
    """Take a verb on a task; refused, with nothing changed, when it is not yours to take."""
    from pacer.tasks import lifecycle, service

    ensure_schema()
    by, new = actor(as_user), day("--deadline", deadline) if deadline else None
    with unit_of_work(writes=True, queue=True) as session:
        lifecycle.act(session, by, task, verb, reason, language(lang), new, into)
        state = service.get(session, by, task).item.state
    console().print(f"Task #{task} is {state}.", highlight=False)


@commands.command("progress")
@reports_errors
def tasks_progress(
    task: TaskId,
    percent: Annotated[int, typer.Option(help="How far, 0 to 100 (never below the last report).")],
    narrative: Annotated[str, typer.Option(help="What was done.")] = "",
    milestone: Annotated[int | None, typer.Option(help="The number (1, 2, ...) of the milestone reached.")] = None,
    lang: Lang = None,
    as_user: AsUser = None,
) -> None:
    """Report progress on your task (its owner)."""
    from pacer.tasks import lifecycle, service

    ensure_schema()
    by = actor(as_user)
    with unit_of_work(writes=True, queue=True) as session:
        steps = service.get(session, by, task).milestones
        chosen = None
        if milestone is not None:
            if not 1 <= milestone <= len(steps):
                raise DomainError(f"--milestone: task #{task} has {len(steps)} milestone(s)")
            chosen = steps[milestone - 1].id
        lifecycle.report_progress(session, by, task, percent, narrative, chosen, language(lang))
    console().print(f"Task #{task}: {percent} % reported.", highlight=False)
