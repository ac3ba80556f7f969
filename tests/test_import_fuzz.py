"""Every import parser fed generated hostile files (Hypothesis): CSV files of figures, units,
targets, eliminations and assignment rules, a target round's rows and a unit-month's figures;
target and indicator workbooks and filled figure templates; the library as YAML; step yields;
SPC measurements as CSV and Parquet (the characteristic's upload and the command line's reader);
meeting articles as text, Markdown, HTML and Word. Headers are the parser's own columns shuffled,
short of one or with an extra one; cells are real codes, months and numbers mixed with what breaks
readers (formulas, NUL, byte-order marks, 1e400, NaN, right-to-left marks, markup, paths); files
come in several encodings, or as random bytes.

Each file is either taken or refused with the project's own error (a DomainError, which the web
answers as 4xx and the command line as one line): any other exception is a failure. Each example
runs in a savepoint rolled back after it."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from datetime import date, datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from pacer.auth.permissions import SYSTEM
from pacer.errors import DomainError
from tests.hostile import record, scaled

TODAY = date(2026, 11, 22)
HOSTILE = [
    "", " ", "0", "-0", "-1", "1e400", "1e-400", "NaN", "nan", "inf", "-Infinity", "=1+1",
    '=HYPERLINK("http://example.invalid")', "@SUM(A1)", "+1", "\x00", "\ufeff", "\u202e", "'", '"', ",", "\n",
    "\r", "A1", "A", "G", "B1", "revenue", "total_profit", "profit_margin", "2025-06", "202506", "2025-13",
    "0000-00", "2025", "2026", "ensure", "stretch", "assign", "9" * 40, "0." + "0" * 40 + "1", "1_000",
    "<script>alert(1)</script>", "../../etc/passwd", "类星集团", "１２３", "1,000", "1 000", "12.345678901234",
    "0x10", "true", "None", "null", "🙂" * 5, "x" * 300, "2025-06-31", "9999-12", "-9223372036854775809",
]  # fmt: skip
CELL = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=20),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats().map(repr),
)


def examples(n: int) -> settings:
    """``n`` examples (times the campaign's scale), the same ones every run."""
    return settings(
        max_examples=scaled(n), deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )


@st.composite
def header(draw, columns: tuple[str, ...]) -> list[str]:
    names = list(draw(st.permutations(columns)))
    change = draw(st.sampled_from(["keep", "keep", "keep", "drop", "extra", "case", "space"]))
    if change == "drop" and names:
        names.pop(draw(st.integers(0, len(names) - 1)))
    elif change == "extra":
        names.append(draw(st.sampled_from(["extra", "", "unit_code", "值", "x" * 100])))
    elif change == "case":
        names = [n.upper() for n in names]
    elif change == "space":
        names = [f" {n} " for n in names]
    return names


@st.composite
def csv_file(draw, columns: tuple[str, ...]) -> bytes:
    if draw(st.integers(0, 11)) == 0:
        return draw(st.binary(max_size=300))
    head = draw(header(columns))
    rows = draw(st.lists(st.lists(CELL, max_size=len(head) + 2), max_size=8))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(head)
    writer.writerows(rows)
    text = out.getvalue()
    if draw(st.integers(0, 7)) == 0:
        text = text[: draw(st.integers(0, len(text)))]  # cut anywhere, a quote left open
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "gb18030", "utf-16", "latin-1"]))
    return text.encode(encoding, errors="replace")


XLSX_CELL = st.one_of(
    CELL,
    st.none(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False),
    st.booleans(),
    st.just(datetime(2025, 6, 30)),
)


@st.composite
def xlsx_file(draw, columns: tuple[str, ...], sheet: str) -> bytes:
    if draw(st.integers(0, 11)) == 0:
        return draw(st.binary(max_size=300))
    book = Workbook()
    ws = book.active
    ws.title = draw(st.sampled_from([sheet, sheet, "Sheet1"]))
    for _ in range(draw(st.integers(0, 2))):  # the header lower down, under a title
        ws.append([draw(st.sampled_from(["", "title", "标题"]))])
    head = draw(header(columns))
    ws.append(head)
    for row in draw(st.lists(st.lists(XLSX_CELL, max_size=len(head) + 1), max_size=6)):
        ws.append(_storable(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _storable(row: list[object]) -> list[object]:
    # what openpyxl refuses to write (control characters) is what no workbook holds either
    return [c.translate({i: None for i in range(32) if i not in (9, 10, 13)}) if isinstance(c, str) else c for c in row]


@st.composite
def filled_template(draw, template: bytes) -> bytes:
    """The figure template of A1 with a few cells of its sheets overwritten by hostile values."""
    if draw(st.integers(0, 11)) == 0:
        return draw(st.binary(max_size=300))
    book = load_workbook(io.BytesIO(template))
    for _ in range(draw(st.integers(1, 8))):
        ws = book[draw(st.sampled_from(book.sheetnames))]
        row = draw(st.integers(1, max(ws.max_row, 1) + 2))
        column = draw(st.integers(1, max(ws.max_column, 1) + 1))
        ws.cell(row=row, column=column).value = _storable([draw(XLSX_CELL)])[0]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@st.composite
def parquet_file(draw, columns: tuple[str, ...]) -> bytes:
    if draw(st.integers(0, 11)) == 0:
        return draw(st.binary(max_size=300))
    names = draw(header(columns))
    size = draw(st.integers(0, 6))
    arrays = {}
    for name in dict.fromkeys(names):
        kind = draw(st.sampled_from(["int", "float", "text", "bool", "time", "null"]))
        if kind == "int":
            values = draw(st.lists(st.integers(-(2**63), 2**63 - 1) | st.none(), min_size=size, max_size=size))
            arrays[name] = pa.array(values, pa.int64())
        elif kind == "float":
            arrays[name] = pa.array(draw(st.lists(st.floats() | st.none(), min_size=size, max_size=size)), pa.float64())
        elif kind == "text":
            arrays[name] = pa.array(draw(st.lists(CELL, min_size=size, max_size=size)), pa.string())
        elif kind == "bool":
            arrays[name] = pa.array(draw(st.lists(st.booleans(), min_size=size, max_size=size)), pa.bool_())
        elif kind == "time":
            arrays[name] = pa.array([datetime(2025, 6, 30)] * size, pa.timestamp("us"))
        else:
            arrays[name] = pa.nulls(size)
    out = io.BytesIO()
    pq.write_table(pa.table(arrays), out)
    return out.getvalue()


LINE = st.one_of(
    st.sampled_from(
        [
            "一、",
            "（一）",
            "1.",
            "2、",
            "第三，",
            "## 要求",
            "王总指出：",
            "会议要求：",
            "<script>x</script>",
            "<p>",
            "</li><li>",
            "**",
            "\x00",
            "\ufeff",
            "  ",
            "一是",
            "二是",
            "三要",
        ]
    ),
    st.text(max_size=30),
)


@st.composite
def article_file(draw) -> tuple[bytes, str]:
    suffix = draw(st.sampled_from([".txt", ".md", ".html", ".docx", ".pdf"]))
    text = "\n".join(draw(st.lists(st.lists(LINE, max_size=5).map("".join), max_size=12)))
    if suffix == ".docx":
        return draw(st.one_of(st.binary(max_size=300), st.just(_docx(text)))), suffix
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300)), suffix
    return text.encode(draw(st.sampled_from(["utf-8", "gb18030", "utf-16"])), errors="replace"), suffix


def _docx(text: str) -> bytes:
    """A minimal Word document whose body is ``text`` (unescaped: broken XML is part of the test)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        paragraphs = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in text.split("\n"))
        z.writestr(
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body>{paragraphs}</w:body></w:document>",
        )
    return out.getvalue()


# -- the parsers --------------------------------------------------------------------------------


def _facts(session, path):
    from pacer.facts.service import import_facts_file

    import_facts_file(session, path, SYSTEM, today=TODAY)


def _org(session, path):
    from pacer.org.service import import_units_file

    import_units_file(session, path, SYSTEM, today=TODAY)


def _targets(session, path):
    from pacer.targets.service import import_targets_file

    import_targets_file(session, path, SYSTEM)


def _eliminations(session, path):
    from pacer.eliminations.service import import_eliminations_file

    import_eliminations_file(session, path, SYSTEM, today=TODAY)


def _rules(session, path):
    from pacer.indicators.assignment_file import import_rules_file

    import_rules_file(session, path, SYSTEM)


def _round(session, path):
    from pacer.targets.round import read_rows

    read_rows(path)


def _figures(session, path):
    from pacer.submissions.service import read_figures

    read_figures(path)


def _indicators_workbook(session, path):
    from pacer.indicators.excel import import_workbook

    import_workbook(session, path, SYSTEM, dry_run=True)


def _library(session, path):
    from pacer.indicators.transfer import import_library

    import_library(session, path, SYSTEM, dry_run=True)


def _facts_workbook(session, path):
    from pacer.facts.workbook_import import import_workbook_file

    import_workbook_file(session, path, SYSTEM, today=TODAY)


def _yields(session, path):
    from pacer.quality import yields

    yields.record(session, SYSTEM, yields.read_csv(path.read_bytes(), path.name))


def _spc_upload(session, path):
    from pacer.characteristics import ingest

    content = path.read_bytes()
    ingest.read(path.name, content, 0, 3)
    ingest.read(path.name, content, 5, 1, counted=True)


def _spc_reader(session, path):
    from pacer.spc.data.measurements import read_counts, read_subgroups

    read_subgroups(path, "value", subgroup="subgroup")
    read_subgroups(path, "value", size=3)
    read_counts(path, "count", size="size", label="subgroup")


def _article(session, path):
    from pacer.meetings.extract import extract_file

    extract_file(path.read_bytes(), path.suffix)


FACTS = ("unit_code", "indicator_code", "period", "value", "basis")
SPC = ("value", "count", "size", "subgroup", "time", "batch")
INDICATOR_COLUMNS = ("code", "category", "unit", "scale", "direction", "kind", "from_year", "name_zh", "name_en")
YAML = st.sampled_from(["indicators: []", "units: {a: 1}", "- 1", "{", "indicators: [{code: x}]", "!!python/none", ""])

# name -> (file suffix, the file's strategy, the parser); the template's strategy needs the session
PARSERS: dict[str, tuple[str, st.SearchStrategy[bytes] | None, Callable]] = {
    "facts CSV": (".csv", csv_file(FACTS), _facts),
    "units CSV": (".csv", csv_file(("code", "name_zh", "name_en", "kind", "parent_code", "tags", "effective")), _org),
    "targets CSV": (".csv", csv_file(("unit_code", "indicator_code", "year", "tier", "value", "phasing")), _targets),
    "targets workbook": (
        ".xlsx",
        xlsx_file(("unit_code", "indicator_code", "year", "tier", "value", "growth_pct", "unit_name"), "targets"),
        _targets,
    ),
    "eliminations CSV": (
        ".csv",
        csv_file(("unit_code", "indicator_code", "period", "value", "counterparty")),
        _eliminations,
    ),
    "assignment rules CSV": (".csv", csv_file(("from", "reason", "set_code", "unit_code", "effect", "to")), _rules),
    "target round CSV": (".csv", csv_file(("unit_code", "indicator_code", "tier", "year", "value")), _round),
    "unit-month figures CSV": (".csv", csv_file(("indicator_code", "value", "basis")), _figures),
    "indicators workbook": (".xlsx", xlsx_file(INDICATOR_COLUMNS, "indicators"), _indicators_workbook),
    "library YAML": (".yaml", st.one_of(YAML.map(str.encode), st.binary(max_size=200)), _library),
    "figure template": (".xlsx", None, _facts_workbook),
    "step yields CSV": (".csv", csv_file(("unit", "month", "product", "step", "entered", "passed")), _yields),
    "SPC upload CSV": (".csv", csv_file(SPC), _spc_upload),
    "SPC upload Parquet": (".parquet", parquet_file(SPC), _spc_upload),
    "SPC reader CSV": (".csv", csv_file(SPC), _spc_reader),
    "SPC reader Parquet": (".parquet", parquet_file(SPC), _spc_reader),
}
EXAMPLES = 25  # per parser in the suite (times PACER_HOSTILE_SCALE in a campaign)


@pytest.mark.parametrize("name", PARSERS)
def test_a_hostile_file_is_taken_or_refused_with_a_clear_error(name, org, session, tmp_path):
    suffix, files, parse = PARSERS[name]
    if files is None:
        from tests.facts.workbooks import template

        files = filled_template(template(session, tmp_path).read_bytes())
    failures: list[str] = []
    attempts, taken = [0], [0]

    @examples(EXAMPLES)
    @given(data=files)
    def attempt(data: bytes) -> None:
        attempts[0] += 1
        path = tmp_path / f"upload{suffix}"
        path.write_bytes(data)
        savepoint = session.begin_nested()
        try:
            parse(session, path)
            taken[0] += 1
        except DomainError:
            pass
        except Exception as exc:  # what the parser let through: a 500 on the web
            failures.append(f"{type(exc).__name__}: {str(exc)[:200]} <- {data[:200]!r}")
        finally:
            if savepoint.is_active:
                savepoint.rollback()

    attempt()
    tried = f"generated files ({taken[0]} taken, the rest refused)"
    record("parser fuzzing (Hypothesis)", name, tried, attempts[0], failures)
    assert not failures, "\n".join(failures[:10])


def test_a_hostile_meeting_article_is_read_or_refused_with_a_clear_error(tmp_path):
    failures: list[str] = []
    attempts = [0]

    @examples(EXAMPLES * 4)
    @given(file=article_file())
    def attempt(file: tuple[bytes, str]) -> None:
        attempts[0] += 1
        data, suffix = file
        path = tmp_path / f"article{suffix}"
        path.write_bytes(data)
        try:
            _article(None, path)
        except DomainError:
            pass
        except Exception as exc:
            failures.append(f"{type(exc).__name__}: {str(exc)[:200]} <- {suffix} {data[:200]!r}")

    attempt()
    record(
        "parser fuzzing (Hypothesis)",
        "meeting article (.txt/.md/.html/.docx)",
        "generated articles",
        attempts[0],
        failures,
    )
    assert not failures, "\n".join(failures[:10])
