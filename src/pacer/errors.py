"""Domain errors carry their HTTP status and, for imports, where the problem is."""

from __future__ import annotations

from dataclasses import dataclass


class DomainError(Exception):
    status: int = 400
    # the reader's language when the refusal has been given its words in it (see Problem.said)
    language: str | None = None

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, and where: file row (1-based, header = 1) and field."""

    message: str
    row: int | None = None
    field: str | None = None
    sheet: str | None = None
    cell: str | None = None  # a workbook's cell, e.g. "F7"
    zh: str = ""  # the message in Chinese, for pages in Chinese (``message`` is English)

    def text(self, lang: str) -> str:
        """The message alone in ``lang`` (English when it has no Chinese words)."""
        return self.zh if lang == "zh" and self.zh else self.message

    def said(self, lang: str) -> str:
        """The problem in ``lang``, with where it is."""
        if lang == "zh" and self.zh:
            where = [f"工作表 {self.sheet}"] if self.sheet else []
            if self.cell:
                where.append(f"单元格 {self.cell}")
            elif self.row is not None:
                where.append(f"第 {self.row} 行")
            if self.field:
                where.append(f"{self.field}")
            return f"{'，'.join(where)}：{self.zh}" if where else self.zh
        return str(self)

    def __str__(self) -> str:
        where = []
        if self.sheet:
            where.append(f"sheet {self.sheet}")
        if self.cell:
            where.append(f"cell {self.cell}")
        elif self.row is not None:
            where.append(f"row {self.row}")
        if self.field:
            where.append(f"field '{self.field}'")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class ValidationFailed(DomainError):
    """An input was refused as a whole; ``problems`` lists every reason found."""

    status = 422

    def __init__(self, problems: list[Problem], source: str = "input", more: int = 0) -> None:
        self.problems = list(problems)
        self.source = source
        self.more = more  # problems found beyond those listed, only counted
        head = f"{source}: {len(self.problems) + more:,} problem(s), nothing was stored"
        lines = [f"  - {p}" for p in self.problems]
        if more:
            lines.append(f"  ... and {more:,} more")
        super().__init__("\n".join([head, *lines]))
