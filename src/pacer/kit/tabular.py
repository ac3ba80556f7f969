"""Read tabular input files into rows that remember where they came from."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from pacer.errors import Problem, ValidationFailed


@dataclass(frozen=True)
class Row:
    number: int  # the line in the file; the header is row 1, as a spreadsheet shows it
    values: dict[str, str]

    def get(self, field: str) -> str:
        return (self.values.get(field) or "").strip()


def _decode(data: bytes, source: str) -> str:
    # Spreadsheets in China save CSV as UTF-8 with a BOM or as GB18030; accept both.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed([Problem("the file is neither UTF-8 nor GB18030 text")], source)


def read_csv(path: Path, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> list[Row]:
    """Rows of a CSV file whose header holds every ``required`` column; blank lines skipped."""
    source = str(path)
    if not path.exists():
        raise ValidationFailed([Problem(f"file not found: {path}")], source)
    reader = csv.reader(io.StringIO(_decode(path.read_bytes(), source)))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ValidationFailed([Problem("the file is empty", row=1)], source) from None
    problems = [Problem("required column is missing", row=1, field=c) for c in required if c not in header]
    known = set(required) | set(optional)
    problems += [Problem("unknown column", row=1, field=h) for h in header if h and h not in known]
    if problems:
        raise ValidationFailed(problems, source)
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            problems.append(Problem(f"{len(cells)} cells but the header has {len(header)}", row=number))
            continue
        rows.append(Row(number, dict(zip(header, cells))))
    if problems:
        raise ValidationFailed(problems, source)
    return rows


def write_csv(rows: list[dict[str, object]], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: "" if row.get(c) is None else row.get(c) for c in columns})
    return out.getvalue()
