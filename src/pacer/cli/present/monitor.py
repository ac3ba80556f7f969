"""The reporting monitor on the terminal (``pacer submissions monitor``): the counts per level and
status, then the units with their status, in Chinese or English."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table

from pacer.kit import periods
from pacer.submissions.monitor import Reminded
from pacer.submissions.monitor_calc import STATUSES, Board, Line
from pacer.workflow.deadlines import as_utc

WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "{month} 月报报送情况：{unit}（截止 {due} UTC）",
        "counts": "按层级和状态统计（需报送的单位）",
        "level": "层级",
        "level_n": "第 {n} 级",
        "total": "合计",
        "unit": "单位",
        "code": "代码",
        "status": "状态",
        "due": "截止",
        "subtree": "含下属单位",
        "subtree_line": "{done}/{total} 已接受，{late} 个逾期",
        "not_reporting": "无需报送",
        "not_started": "未开始",
        "draft": "草稿",
        "submitted": "已提交",
        "approved": "已审核",
        "accepted": "已接受",
        "returned": "已退回",
        "late": "逾期",
        "units": "单位（{count} 个）",
        "reminded": "已提醒 {units} 个单位，共 {people} 人：{codes}",
        "already": "今天已提醒过、未重复发送的单位：{codes}",
        "unreachable": "没有填报人、无法提醒的单位：{codes}",
    },
    "en": {
        "title": "Monthly reports for {month}: {unit} (due {due} UTC)",
        "counts": "By level and status (units that must report)",
        "level": "Level",
        "level_n": "Level {n}",
        "total": "Total",
        "unit": "Unit",
        "code": "Code",
        "status": "Status",
        "due": "Due",
        "subtree": "With the units below",
        "subtree_line": "{done}/{total} accepted, {late} late",
        "not_reporting": "does not report",
        "not_started": "not started",
        "draft": "draft",
        "submitted": "submitted",
        "approved": "approved",
        "accepted": "accepted",
        "returned": "returned",
        "late": "late",
        "units": "Units ({count})",
        "reminded": "Reminded {units} unit(s), {people} people in all: {codes}",
        "already": "Already reminded today, not reminded again: {codes}",
        "unreachable": "No reporter to remind: {codes}",
    },
}


def monitor_tables(board: Board, lines: list[Line], language: str) -> RenderableType:
    w = WORDS[language]
    month = periods.format_period(board.period)
    due = as_utc(board.due_at).strftime("%Y-%m-%d %H:%M")
    counts = Table(title=w["counts"], title_justify="left")
    for k, head in enumerate([w["level"], *(w[s] for s in STATUSES), w["late"], w["total"]]):
        counts.add_column(head, justify="left" if k == 0 else "right", no_wrap=True)
    for level, c in board.levels.items():
        counts.add_row(
            w["level_n"].format(n=level), *(str(c.by_status[s]) for s in STATUSES), str(c.late), str(c.total)
        )
    t = board.totals
    counts.add_row(w["total"], *(str(t.by_status[s]) for s in STATUSES), str(t.late), str(t.total), style="bold")
    units = Table(title=w["units"].format(count=len(lines)), title_justify="left")
    for head in (w["unit"], w["code"], w["status"], w["due"], w["subtree"]):
        units.add_column(head)
    for line in lines:
        status = w[line.status] if line.status else w["not_reporting"]
        if line.late:
            status += f" · {w['late']}"
        sub = line.subtree
        rolled = sub.by_status["accepted"]
        summary = w["subtree_line"].format(done=rolled, total=sub.total, late=sub.late) if line.has_children else ""
        due_day = as_utc(line.due_at).date().isoformat() if line.due_at else "—"
        units.add_row("  " * line.depth + line.name(language), line.unit.code, status, due_day, summary)
    title = w["title"].format(month=month, unit=board.root.name(language), due=due)
    return Group(title, counts, units)


def reminded_lines(done: Reminded, language: str) -> list[str]:
    w = WORDS[language]
    out = [w["reminded"].format(units=len(done.reminded), people=done.people, codes=", ".join(done.reminded) or "—")]
    if done.already:
        out.append(w["already"].format(codes=", ".join(done.already)))
    if done.unreachable:
        out.append(w["unreachable"].format(codes=", ".join(done.unreachable)))
    return out
