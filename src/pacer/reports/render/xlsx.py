"""The report's tables as an Excel workbook: one sheet per table, figures as numbers on the
scale their column shows (a percentage as a percentage, percentage points as a number marked
"pp"), each with the decimals and sign the report prints, the text as shown where a cell is a
word (扭亏为盈, "<1%")."""

from __future__ import annotations

import io
import re
from decimal import Decimal

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook

from pacer.kit import xlsx
from pacer.reports.model import Cell, Report, Table
from pacer.reports.render.layout import width

_BAD = re.compile(r"[\[\]:*?/\\]")
# a figure as the report prints it: its sign, digits, decimals and what follows (%, pp)
_FIGURE = re.compile(r"(?P<sign>[+-]?)(?P<digits>[0-9][0-9,]*)(?:\.(?P<decimals>[0-9]+))?(?P<suffix>%|pp)?")
SHEET_NAME = 31  # Excel's limit
# words a sheet's name should not end on once cut short
_DANGLING = frozenset(
    {
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "not",
        "of",
        "on",
        "or",
        "per",
        "than",
        "the",
        "this",
        "to",
        "with",
        "yet",
        "against",
    }
)


def sheet_name(caption: str, used: set[str]) -> str:
    """The table's caption as a sheet name: cut at a word where it is too long (a CJK caption
    anywhere), never on a dangling "in" or "of"; a number added when two would be the same."""
    text = _BAD.sub(" ", caption).strip() or "Sheet"
    base = _cut(text, SHEET_NAME)
    name, n = base, 2
    while name.lower() in used:
        suffix = f" {n}"
        name, n = _cut(text, SHEET_NAME - len(suffix)) + suffix, n + 1
    used.add(name.lower())
    return name


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    if " " not in text[:limit]:
        return text[:limit].rstrip()
    words = text[: limit + 1].split(" ")[:-1]  # whole words only

    def dangles(word: str) -> bool:  # a bracket opened and not closed, or a word that leads on
        return word.strip("(,").lower() in _DANGLING or not word.strip("(,") or ("(" in word and ")" not in word)

    while len(words) > 1 and dangles(words[-1]):
        words.pop()
    return " ".join(words).rstrip(" ,(")


class _Formats:
    """One cell format per way a figure is printed (decimals, sign, % or pp), made once."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.made: dict[tuple[int, bool, str], Format] = {}

    def __call__(self, decimals: int, signed: bool, suffix: str) -> Format:
        key = (decimals, signed, suffix)
        if key not in self.made:
            body = "#,##0" + ("." + "0" * decimals if decimals else "")
            if suffix == "%":
                body = "0" + ("." + "0" * decimals if decimals else "") + "%"
            elif suffix == "pp":
                body += '"pp"'
            code = f"+{body};-{body};{body}" if signed else body
            self.made[key] = self.book.add_format({"num_format": code})
        return self.made[key]


def figure(cell: Cell) -> tuple[float, int, bool, str] | None:
    """The number a figure's cell holds as Excel keeps it (a percentage as a fraction), with its
    decimals, whether it shows its sign and its suffix; None for a word, or where the number and
    the text do not agree."""
    if cell.number is None:
        return None
    m = _FIGURE.fullmatch(cell.text.strip())
    if m is None:
        return None
    decimals = len(m["decimals"] or "")
    shown = Decimal(m["digits"].replace(",", "") + ("." + m["decimals"] if m["decimals"] else ""))
    shown = -shown if m["sign"] == "-" else shown
    if abs(round(cell.number, decimals) - shown) > Decimal(1).scaleb(-decimals):
        return None  # the text says something else than the number (never write a wrong figure)
    suffix = m["suffix"] or ""
    value = float(cell.number) / 100 if suffix == "%" else float(cell.number)
    return value, decimals, m["sign"] == "+", suffix


def xlsx_bytes(report: Report) -> bytes:
    out = io.BytesIO()
    book = xlsx.writer(out)
    head, _ = xlsx.header_formats(book)
    head_right = book.add_format(
        {"bold": True, "bg_color": "#F0F3F7", "text_wrap": True, "valign": "top", "border": 1, "align": "right"}
    )
    title = book.add_format({"bold": True, "font_size": 13})
    formats = _Formats(book)
    used: set[str] = set()
    for table in report.tables():
        sheet = book.add_worksheet(sheet_name(table.caption or table.key, used))
        sheet.write_string(0, 0, report.title, title)
        sheet.write_string(1, 0, table.caption)
        right = [bool(table.align) and table.align[i] == "right" for i in range(len(table.columns))]
        for c, name in enumerate(table.columns):
            sheet.write_string(3, c, name, head_right if right[c] else head)
        sheet.freeze_panes(4, 1)
        for c, chars in enumerate(_widths(table)):
            sheet.set_column(c, c, chars)
        for r, row in enumerate(table.rows, start=4):
            for c, cell in enumerate(row):
                found = figure(cell)
                if found is None:
                    sheet.write_string(r, c, cell.text)
                else:
                    value, decimals, signed, suffix = found
                    sheet.write_number(r, c, value, formats(decimals, signed, suffix))
        if table.note:
            sheet.write_string(len(table.rows) + 5, 0, table.note)
    book.close()
    return out.getvalue()


def _widths(table: Table) -> list[float]:
    """Each column as wide as its longest text (a CJK character counting two), within reason."""
    out = []
    for i, name in enumerate(table.columns):
        longest = max([width(row[i].text) for row in table.rows] + [min(width(name), 24.0)])
        out.append(min(max(longest + 2, 8.0), 48.0 if i < 2 else 24.0))
    return out
