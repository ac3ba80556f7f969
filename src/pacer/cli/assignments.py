"""``pacer indicators assign | assignments | unassign | assign-import``: who reports what.

The commands join the ``indicators`` group; they are thin shells over
:mod:`pacer.indicators.assignment_service`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pacer.cli import indicators
from pacer.cli.common import (
    AsUser,
    Language,
    actor,
    console,
    ensure_schema,
    import_file,
    language,
    period,
    reports_errors,
)
from pacer.db import unit_of_work

if TYPE_CHECKING:
    from pacer.indicators.assignment_service import RuleRow

# the terminal's words, (中文, English)
WORDS = {
    "id": ("编号", "id"),
    "effect": ("作用", "effect"),
    "what": ("指标集 / 指标", "set / indicator"),
    "who": ("适用单位", "applies to"),
    "from": ("起始月", "from"),
    "to": ("截止月", "to"),
    "reason": ("原因", "reason"),
    "by": ("设置人", "by"),
    "assign": ("填报", "assign"),
    "exclude": ("不填报", "exclude"),
    "kind": ("类型", "kind"),
    "tag": ("标签", "tag"),
    "unit": ("单位", "unit"),
    "none": (
        "没有适用的分配规则（没有规则的单位填报全部填报指标）。",
        "No assignment rule applies (a unit without rules reports every reported indicator).",
    ),
    "reports": ("{unit} 在 {period} 填报 {count} 项指标：", "{unit} reports {count} indicators in {period}:"),
    "added": ("已新增规则 {id}。", "Rule {id} added."),
    "closed": ("规则 {id} 自 {month} 起停止适用。", "Rule {id} no longer applies from {month}."),
}


def word(key: str, lang: str, **values: object) -> str:
    zh, en = WORDS[key]
    return (zh if lang == "zh" else en).format(**values)


def register(app: typer.Typer) -> None:
    """The commands join ``pacer indicators`` (registered by :mod:`pacer.cli.indicators`)."""
    commands = indicators.commands
    commands.command("assign")(assign)
    commands.command("assignments")(assignments)
    commands.command("unassign")(unassign)
    commands.command("assign-import")(assign_import)


Month = Annotated[str, typer.Option("--from", help="First month in force, YYYY-MM.")]
Reason = Annotated[str, typer.Option("--reason", help="Why (kept with the rule and in the audit trail).")]


@reports_errors
def assign(
    from_month: Month,
    reason: Reason,
    set_code: Annotated[str, typer.Option("--set", help="The indicator set to assign or exclude.")] = "",
    indicator: Annotated[str, typer.Option("--indicator", help="One indicator instead of a set.")] = "",
    kind: Annotated[str, typer.Option("--kind", help="Every unit of this kind.")] = "",
    tag: Annotated[str, typer.Option("--tag", help="Every unit with this tag, key=value.")] = "",
    unit: Annotated[str, typer.Option("--unit", help="One unit, by code.")] = "",
    exclude: Annotated[bool, typer.Option("--exclude", help="Exclude instead of assign (an exception).")] = False,
    to_month: Annotated[str, typer.Option("--to", help="Last month in force, YYYY-MM (default: open).")] = "",
    as_user: AsUser = None,
    lang: Annotated[Language | None, typer.Option(help="zh or en (default: PACER_LANGUAGE).")] = None,
) -> None:
    """Assign an indicator set (or one indicator) to units by kind, tag or unit, or exclude it, from a month."""
    from pacer.indicators.assignment_service import AssignmentIn
    from pacer.indicators.assignment_service import assign as add

    ensure_schema()
    item = AssignmentIn(set_code, indicator, kind, tag, unit, exclude, from_month, to_month, reason)
    by = actor(as_user)
    with unit_of_work(writes=True) as session:
        rule = add(session, by, item, "pacer indicators assign")
        rule_id = rule.id
    console().print(word("added", language(lang), id=rule_id))


@reports_errors
def unassign(
    rule_id: Annotated[int, typer.Argument(help="The rule's id (see 'pacer indicators assignments').")],
    from_month: Annotated[str, typer.Option("--from", help="First month the rule no longer applies, YYYY-MM.")],
    reason: Reason,
    as_user: AsUser = None,
    lang: Annotated[Language | None, typer.Option(help="zh or en (default: PACER_LANGUAGE).")] = None,
) -> None:
    """Close a rule from a month; it stays in the history."""
    from pacer.indicators.assignment_service import close

    ensure_schema()
    by = actor(as_user)
    with unit_of_work(writes=True) as session:
        close(session, by, rule_id, from_month, reason)
    console().print(word("closed", language(lang), id=rule_id, month=from_month))


@reports_errors
def assign_import(
    file: Annotated[
        Path, typer.Argument(help="CSV: from,reason and set_code|indicator_code, kind|tag|unit_code[,effect,to].")
    ],
    as_user: AsUser = None,
) -> None:
    """Add assignment rules from a CSV file; a file with any problem adds none."""
    from pacer.indicators.assignment_file import import_rules_file

    import_file("Assignment rules", import_rules_file, file, as_user)


@reports_errors
def assignments(
    unit: Annotated[
        str | None, typer.Option("--unit", help="Only the rules reaching this unit, and what it reports.")
    ] = None,
    month: Annotated[str | None, typer.Option("--period", help="Rules in force in this month, YYYY-MM.")] = None,
    history: Annotated[bool, typer.Option("--history", help="Every rule ever made, closed ones included.")] = False,
    as_user: AsUser = None,
    lang: Annotated[Language | None, typer.Option(help="zh or en (default: PACER_LANGUAGE).")] = None,
) -> None:
    """List the assignment rules (in force in a month, or all); for a unit, what it reports."""
    from pacer.indicators import assignment_service as service
    from pacer.kit import periods

    ensure_schema()
    shown_in = language(lang)
    when = period("--period", month) if month else periods.current_month()
    by = actor(as_user)
    with unit_of_work() as session:
        target = service.unit_for(session, by, unit) if unit else None
        if history:
            rows = service.assignment_history(session, by, target)
        else:
            rows = service.list_rules(session, by, when, target)
        reported = service.reported_indicators(session, target, when) if target else None
        label = target.name(shown_in) if target else ""
    _print_rules(rows, shown_in)
    if reported is not None:
        console().print(word("reports", shown_in, unit=label, period=periods.format_period(when), count=len(reported)))
        console().print(", ".join(reported))


def _print_rules(rows: list[RuleRow], lang: str) -> None:
    from rich.table import Table

    from pacer.kit import periods

    if not rows:
        console().print(word("none", lang))
        return
    table = Table(*(word(k, lang) for k in ("id", "effect", "what", "who", "from", "to", "reason", "by")))
    for r in rows:
        table.add_row(
            str(r.id),
            word(r.effect, lang),
            r.target,
            f"{word(r.selector, lang)} {r.selects}",
            periods.format_period(r.from_period),
            periods.format_period(r.to_period) if r.to_period else "",
            r.reason + (f" / {r.closed_reason}" if r.closed_reason else ""),
            r.created_by,
        )
    console().print(table)
