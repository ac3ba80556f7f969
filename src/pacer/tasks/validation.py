"""A task's plan checked before anything is stored (no I/O), every problem named by its field,
in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pacer.errors import Problem
from pacer.models.followup import TASK_KINDS

TITLE_LIMIT = 300
TEXT_LIMIT = 20_000

WORDS: dict[str, tuple[str, str]] = {
    "title_missing": ("请填写事项名称", "a title is needed"),
    "title_long": ("事项名称不能超过 {limit} 个字", "the title is longer than {limit} characters"),
    "text_long": ("内容不能超过 {limit} 个字", "longer than {limit} characters"),
    "kind_unknown": ("未知的事项类型“{kind}”", "unknown kind '{kind}'"),
    "source_missing": (
        "整改事项须写明所整改的巡视、检查或审计（来源）",
        "a rectification item names the inspection or audit it answers (source)",
    ),
    "deadline_before_assigned": (
        "截止日期 {deadline} 早于交办日期 {assigned}",
        "the deadline {deadline} is before the assignment date {assigned}",
    ),
    "milestone_title": ("第 {n} 个节点缺少名称", "milestone {n} has no title"),
    "milestone_after_deadline": (
        "第 {n} 个节点的日期 {due} 晚于截止日期 {deadline}",
        "milestone {n} is due on {due}, after the deadline {deadline}",
    ),
    "milestone_before_assigned": (
        "第 {n} 个节点的日期 {due} 早于交办日期 {assigned}",
        "milestone {n} is due on {due}, before the assignment date {assigned}",
    ),
    "milestones_out_of_order": (
        "第 {n} 个节点的日期 {due} 早于上一个节点",
        "milestone {n} is due on {due}, before the milestone above it",
    ),
    "milestone_line": ("第 {n} 行应为“日期 名称”，如 2026-09-30 完成方案", "line {n}: expected 'YYYY-MM-DD title'"),
    "unit_unknown": ("没有单位“{code}”", "no unit '{code}'"),
    "owner_unknown": ("没有在用的用户“{owner}”", "no active user '{owner}'"),
    "owner_no_access": (
        "责任人 {owner} 没有单位 {code} 的报送权限",
        "the owner {owner} may not report for unit {code}",
    ),
    "not_supervisor": ("您没有单位 {code} 的督办权限", "you may not supervise unit {code}"),
    "co_unit_is_lead": ("协办单位 {code} 就是牵头单位", "the co-unit {code} is the lead unit"),
    "indicator_unknown": ("没有指标“{code}”", "no indicator '{code}'"),
    "not_below": ("单位 {code} 不在牵头单位 {lead} 之下", "unit {code} is not below the lead unit {lead}"),
    "deadline_after_parent": (
        "截止日期 {deadline} 晚于上级事项的截止日期 {parent}",
        "the deadline {deadline} is after the parent task's deadline {parent}",
    ),
    "percent_range": ("进度应在 0 到 100 之间", "the percent must be between 0 and 100"),
    "percent_backwards": ("进度 {percent}% 低于上次报告的 {last}%", "{percent} % is below the last report's {last} %"),
    "milestone_unknown": ("本事项没有这个节点", "no such milestone of this task"),
    "progress_empty": ("请填写进展情况或选择达到的节点", "write what was done or choose the milestone reached"),
    "not_owner": ("只有责任人 {owner} 可以办理此操作", "only the owner {owner} may do this"),
    "owner_signs_off": (
        "责任人不能对自己的事项执行「{verb}」",
        "the owner of a task may not {verb} it: that is the issuer's or the supervising department's",
    ),
    "extension_late": (
        "截止日期 {deadline} 已过，不能再申请延期",
        "the deadline {deadline} has passed: an extension is asked for before it",
    ),
    "extension_not_later": (
        "新的截止日期 {asked} 应晚于当前截止日期 {deadline}",
        "the new deadline {asked} must be after the present deadline {deadline}",
    ),
    "date_needed": ("请填写新的截止日期", "a new deadline is needed"),
    "carry_next_year": (
        "结转后的截止日期 {asked} 应在 {year} 年以后",
        "the carried-over deadline {asked} must be in a year after {year}",
    ),
    "merge_target": ("请选择要合并到的事项", "choose the task to merge into"),
    "merge_self": ("不能合并到自身", "a task cannot be merged into itself"),
    "merge_closed": ("事项 #{id} 已关闭，不能合并到它", "task #{id} is closed: nothing merges into it"),
}


def say(lang: str, key: str, **values: object) -> str:
    zh, en = WORDS[key]
    return (zh if lang == "zh" else en).format(**values)


@dataclass(frozen=True)
class MilestonePlan:
    title: str
    due_on: date


@dataclass(frozen=True)
class TaskPlan:
    """What a new task is made of, as given (codes and usernames, not ids)."""

    unit_code: str
    title: str
    owner: str
    deadline: date
    assigned_on: date | None = None  # default: today
    description: str = ""
    deliverables: str = ""
    co_unit_codes: tuple[str, ...] = ()
    milestones: tuple[MilestonePlan, ...] = ()
    kind: str = "requirement"
    requirement_id: int | None = None
    indicator_code: str | None = None
    indicator_goal: str = ""
    source: str = ""
    department_code: str | None = None  # the supervising department; default: the issuer's


def plan_problems(plan: TaskPlan, assigned_on: date, lang: str) -> list[Problem]:
    """Every problem of the plan's own fields and dates."""
    out: list[Problem] = []
    if not plan.title.strip():
        out.append(Problem(say(lang, "title_missing"), field="title"))
    elif len(plan.title) > TITLE_LIMIT:
        out.append(Problem(say(lang, "title_long", limit=TITLE_LIMIT), field="title"))
    for name in ("description", "deliverables"):
        if len(getattr(plan, name)) > TEXT_LIMIT:
            out.append(Problem(say(lang, "text_long", limit=TEXT_LIMIT), field=name))
    if plan.kind not in TASK_KINDS:
        out.append(Problem(say(lang, "kind_unknown", kind=plan.kind), field="kind"))
    elif plan.kind == "rectification" and not plan.source.strip():
        out.append(Problem(say(lang, "source_missing"), field="source"))
    if plan.deadline < assigned_on:
        out.append(
            Problem(
                say(lang, "deadline_before_assigned", deadline=plan.deadline, assigned=assigned_on), field="deadline"
            )
        )
    out += milestone_problems(plan.milestones, assigned_on, plan.deadline, lang)
    return out


def milestone_problems(
    milestones: tuple[MilestonePlan, ...], assigned_on: date, deadline: date, lang: str
) -> list[Problem]:
    out: list[Problem] = []
    previous: date | None = None
    for n, m in enumerate(milestones, start=1):
        where = f"milestones[{n}]"
        if not m.title.strip():
            out.append(Problem(say(lang, "milestone_title", n=n), field=where))
        if m.due_on > deadline:
            out.append(
                Problem(say(lang, "milestone_after_deadline", n=n, due=m.due_on, deadline=deadline), field=where)
            )
        if m.due_on < assigned_on:
            out.append(
                Problem(say(lang, "milestone_before_assigned", n=n, due=m.due_on, assigned=assigned_on), field=where)
            )
        elif previous is not None and m.due_on < previous:
            out.append(Problem(say(lang, "milestones_out_of_order", n=n, due=m.due_on), field=where))
        previous = m.due_on
    return out


def overdue_days(original_deadline: date, closed_on: date | None, today: date) -> int:
    """Days past the original deadline (an extension does not move it): until the task closed,
    or until today while it is open; 0 when on time."""
    end = closed_on or today
    return max((end - original_deadline).days, 0)


def parse_milestones(text: str, lang: str) -> tuple[tuple[MilestonePlan, ...], list[Problem]]:
    """Milestones typed one per line as ``YYYY-MM-DD title``; each unreadable line a problem."""
    found, problems = [], []
    for n, line in enumerate((x.strip() for x in text.splitlines() if x.strip()), start=1):
        when, _, title = line.partition(" ")
        try:
            found.append(MilestonePlan(title.strip(), date.fromisoformat(when)))
        except ValueError:
            problems.append(Problem(say(lang, "milestone_line", n=n), field="milestones"))
    return tuple(found), problems
