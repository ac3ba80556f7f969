"""What the board's and the bulletin's pages, API and exports share: the filters as asked, the
states' words, and the bulletin's tables as rows of words and figures (one source for the page's
downloads in both formats)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from pacer.tasks.board import BoardAsk
from pacer.tasks.bulletin import Bulletin, Item, department_name
from pacer.tasks.bulletin_calc import Tally, shown
from pacer.tasks.workflow import TASK
from pacer.web.i18n import translate

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
Cell = str | int


def board_ask(
    meeting: int | None,
    requirement: int | None,
    unit: str | None,
    owner: str | None,
    status: str | None,
    kind: str | None,
    within: int | None,
    overdue: bool,
) -> BoardAsk:
    """The filters of a request, empty fields left out."""
    return BoardAsk(meeting, requirement, unit or None, owner or None, status or None, overdue, within, kind or None)


def state_words(lang: str) -> Callable[[str], str]:
    def word(state: str) -> str:
        pair = TASK.state_labels.get(state)
        return state if pair is None else pair[0] if lang == "zh" else pair[1]

    return word


RATE_KEYS = ("due", "completed", "completion_rate", "on_time", "on_time_rate", "overdue", "closed")
DEFINITIONS = ("counted", "due", "completion", "on_time", "overdue", "closed", "unit", "department", "none")


def tally_cells(t: Tally) -> list[Cell]:
    return [t.due, t.completed, shown(t.completion_rate), t.on_time, shown(t.on_time_rate), t.overdue, t.closed]


def tables(b: Bulletin, lang: str) -> list[tuple[str, list[str], Sequence[Sequence[Cell]]]]:
    """(sheet or section title, headings, rows) of every table the bulletin holds."""
    t = partial(translate, lang)
    rates = [t(f"bulletin.col.{k}") for k in RATE_KEYS]
    word = state_words(lang)
    total = [t("bulletin.total"), *tally_cells(b.figures.total)]
    units = [[u.name(lang), *tally_cells(v)] for u, v in b.units] + [total]
    departments = [[department_name(d, lang), *tally_cells(v)] for d, v in b.departments] + [total]
    item_cols = ["id", "task", "unit", "owner", "status", "original", "deadline"]

    def label(text: str) -> str:  # a state heads its cell: "In progress"
        return text[:1].upper() + text[1:]

    def item(i: Item, *more: Cell) -> Sequence[Cell]:
        # a tuple of plain values: thousands of them in an export, none kept by the collector
        return (
            i.id,
            i.title,
            i.unit.name(lang),
            i.owner,
            label(word(i.state)),
            str(i.original_deadline),
            str(i.deadline),
            *more,
        )

    yes_no = (t("bulletin.no"), t("bulletin.yes"))
    closed_cols = [t(f"bulletin.col.{k}") for k in (*item_cols, "closed_on", "timely")]
    return [
        (t("bulletin.sheet.units"), [t("bulletin.col.unit"), *rates], units),
        (t("bulletin.sheet.departments"), [t("bulletin.col.department"), *rates], departments),
        (
            t("bulletin.sheet.overdue"),
            [t(f"bulletin.col.{k}") for k in (*item_cols, "late_days")],
            [item(i, i.late_days) for i in b.overdue],
        ),
        (
            t("bulletin.sheet.closed"),
            closed_cols,
            [item(i, str(i.closed_on), yes_no[i.late_days == 0]) for i in b.closed],
        ),
    ]
