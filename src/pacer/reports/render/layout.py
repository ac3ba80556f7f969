"""How a table is laid out on a printed page (Word and PDF alike): its font size, its column
widths and its headings' lines. Pure, no I/O.

Figures, units and statuses never wrap; a heading prints on one line, or on two split where a
reader expects (时间/进度, "Time/progress"), never inside a word; only the columns of names wrap
(indicators, units, task titles). When the table is still too wide, its font shrinks (down to
:data:`SMALLEST`) before anything else is squeezed.
"""

from __future__ import annotations

from dataclasses import dataclass

from pacer.reports.model import Table

LATIN = 0.6  # an average Latin character's width in em, with some room
SMALLEST = 6.0  # points
WRAPPING = 16  # a column of names wraps down to this many Latin characters' width


@dataclass(frozen=True)
class Layout:
    points: float
    widths_cm: tuple[float, ...]
    headings: tuple[tuple[str, ...], ...]  # each column's heading, line by line


NARROW = frozenset("fijlrt.,;:'!|() -")
BOLD = 1.1  # a heading is set in bold


def width(text: str) -> float:
    """How wide ``text`` prints, in average Latin characters: a CJK character counts two, a
    capital or an m or w 1.4, a narrow letter or a space 0.6."""
    return sum(
        2.0 if ord(ch) > 0x2E80 else 1.4 if ch.isupper() or ch in "mwMW" else 0.6 if ch in NARROW else 1.0
        for ch in text
    )


def _cjk(text: str) -> bool:
    return any(ord(ch) > 0x2E80 for ch in text)


# a line never starts with these, nor ends with the opening ones (the rules of Chinese typesetting)
CLOSING = frozenset("、，。；：！？）》」』”’%")
OPENING = frozenset("（《「『“‘")
SHORT = 6.0  # three CJK characters (未归零): split, each line would be a fragment


def heading_lines(name: str, data: float) -> tuple[str, ...]:
    """One line when that costs the column little (or the heading is one word, or three CJK
    characters at most), else two lines split near the middle: between CJK characters (after a
    、 where there is one, never before a punctuation mark), or between words."""
    whole = width(name)
    if whole <= data + 2 or whole <= SHORT or (" " not in name and not _cjk(name)) or len(name) < 2:
        return (name,)
    if " " in name:
        words = name.split(" ")
        splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    else:
        breaks = [i for i in range(1, len(name)) if name[i] not in CLOSING and name[i - 1] not in OPENING]
        splits = [(name[:i], name[i:]) for i in breaks]
    if not splits:
        return (name,)

    def cost(pair: tuple[str, str]) -> tuple[float, float]:
        first, second = pair
        if first[-1:] in CLOSING:  # a break after 、 reads as the heading's own pause: preferred
            return max(width(first[:-1]), width(second)) - 1.0, -width(first)
        return max(width(first), width(second)), -width(first)

    return min(splits, key=cost)


def _wraps(table: Table, i: int, data: float) -> bool:
    """A column of names: left-aligned text wider than a short label."""
    left = not table.align or table.align[i] != "right"
    return left and data > WRAPPING


def layout(table: Table, points: float, total_cm: float, pad_cm: float, latin: float = LATIN) -> Layout:
    """The table's font size, widths (summing to ``total_cm``) and headings' lines; ``pad_cm``:
    a cell's left and right margins together; ``latin``: the font's average Latin character in
    em."""
    data = [max([width(row[i].text) for row in table.rows] + [2.0]) for i in range(len(table.columns))]
    whole = tuple((name,) for name in table.columns)
    fits = _shape(table, data, whole, points, total_cm, pad_cm, latin)
    one_line = fits.points == points and all(
        w >= _cm(BOLD * width(name), points, pad_cm, latin)
        for w, name in zip(fits.widths_cm, table.columns, strict=True)
    )
    ideal = sum(_cm(max(d, BOLD * width(n)), points, pad_cm, latin) for d, n in zip(data, table.columns, strict=True))
    if one_line and ideal <= total_cm:
        return fits  # every heading on one line at the size asked, and no name wraps for it
    headings = tuple(heading_lines(name, d) for name, d in zip(table.columns, data, strict=True))
    split = _shape(table, data, headings, points, total_cm, pad_cm, latin)
    # headings on one line only where splitting them would not give the names more room
    if one_line and _names_cm(table, data, split) <= _names_cm(table, data, fits) + 0.05:
        return fits
    return split


def _names_cm(table: Table, data: list[float], shape: Layout) -> float:
    """The width the columns of names (those that wrap) get."""
    return sum(w for i, w in enumerate(shape.widths_cm) if _wraps(table, i, data[i]))


def _cm(units: float, size: float, pad_cm: float, latin: float) -> float:
    return units * latin * size * 2.54 / 72 + pad_cm


def _shape(
    table: Table,
    data: list[float],
    headings: tuple[tuple[str, ...], ...],
    points: float,
    total_cm: float,
    pad_cm: float,
    latin: float,
) -> Layout:
    head = [BOLD * max(width(line) for line in lines) for lines in headings]
    ideal = [max(d, h) for d, h in zip(data, head, strict=True)]
    least = [
        max(h, min(d, WRAPPING)) if _wraps(table, i, d) else max(d, h)
        for i, (d, h) in enumerate(zip(data, head, strict=True))
    ]

    def cm(units: list[float], size: float) -> list[float]:
        return [_cm(u, size, pad_cm, latin) for u in units]

    size = points
    while size > SMALLEST and sum(cm(least, size)) > total_cm:
        size -= 0.5
    want = cm(ideal, size)
    if sum(want) <= total_cm:  # room to spare: shared out in proportion to the text
        spare = total_cm - sum(want)
        return Layout(size, tuple(w + spare * w / sum(want) for w in want), headings)
    floor = cm(least, size)
    if sum(floor) >= total_cm:  # even the smallest print does not fit: everything in proportion
        return Layout(size, tuple(w * total_cm / sum(floor) for w in floor), headings)
    # the names' columns give up what is missing, in proportion to what each can give
    give = [w - f for w, f in zip(want, floor, strict=True)]
    short = (sum(want) - total_cm) / sum(give)
    return Layout(size, tuple(w - g * short for w, g in zip(want, give, strict=True)), headings)
