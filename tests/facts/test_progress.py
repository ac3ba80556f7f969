"""A long import tells how far it has come: rows (or workbooks) read, then figures stored, each
stage ending at its total; the terminal draws it on standard error only when that is a terminal."""

from __future__ import annotations

import io
from datetime import date

from rich.console import Console
from typer.testing import CliRunner

from pacer.cli import common
from pacer.facts.service import import_facts_file
from pacer.facts.workbook_import import import_workbook_files
from pacer.kit import progress
from pacer.kit.progress import counted, data_lines
from tests.factories import write_csv
from tests.facts.test_refused_imports_cli import group  # noqa: F401  (fixture)
from tests.facts.test_workbook_batch import books

TODAY = date(2026, 11, 22)


def test_the_count_is_told_every_chunk_and_at_the_end_with_the_total():
    told: list[tuple[str, int, int]] = []
    assert list(counted(range(10), "read", 10, lambda *a: told.append(a), every=3)) == list(range(10))
    assert told == [("read", 0, 10), ("read", 3, 10), ("read", 6, 10), ("read", 9, 10), ("read", 10, 10)]


def test_an_estimate_below_the_count_ends_at_the_count_found():
    told: list[tuple[str, int, int]] = []
    list(counted(range(5), "read", 2, lambda *a: told.append(a), every=2))
    assert told[-1] == ("read", 5, 5)
    assert all(done <= total for _, done, total in told)


def test_nothing_is_told_without_a_listener():
    assert list(counted(iter("abc"), "read", 3, None)) == ["a", "b", "c"]


def test_a_files_data_lines_are_its_lines_after_the_header(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b"h\n1\n2\n3")  # no line break at the end
    assert data_lines(path) == 3
    path.write_bytes(b"h\n1\n2\n")
    assert data_lines(path) == 2
    path.write_bytes(b"")
    assert data_lines(path) == 0


def test_a_multi_chunk_csv_import_reads_then_stores_up_to_its_totals(session, org, tmp_path, monkeypatch):
    monkeypatch.setattr(progress, "EVERY", 4)  # chunks of 4 rows, so 10 rows are three chunks
    lines = [f"{unit},revenue,2025-{m:02d},{m}00" for unit in ("A1", "A2") for m in range(1, 6)]
    path = write_csv(tmp_path / "f.csv", "unit_code,indicator_code,period,value", *lines)
    told: list[tuple[str, int, int]] = []
    counts = import_facts_file(session, path, org.group_admin, TODAY, progress=lambda *a: told.append(a))
    assert counts["created"] == 10
    read = [(done, total) for stage, done, total in told if stage == "read"]
    assert read == [(0, 10), (4, 10), (8, 10), (10, 10)]
    stored = [(done, total) for stage, done, total in told if stage == "store"]
    assert stored[0] == (0, 10)
    assert stored[-1] == (10, 10)
    assert [s for s, *_ in told] == sorted((s for s, *_ in told), key=["read", "store"].index)  # read, then store


def test_several_workbooks_are_counted_as_they_are_read(session, org, tmp_path):
    told: list[tuple[str, int, int]] = []
    paths = books(session, tmp_path)
    import_workbook_files(session, paths, org.group_admin, progress=lambda *a: told.append(a))
    assert [(d, t) for s, d, t in told if s == "read"] == [(0, 2), (1, 2), (2, 2)]
    assert [(d, t) for s, d, t in told if s == "store"][-1] == (3, 3)


def test_the_command_draws_no_bar_when_its_output_is_not_a_terminal(group, tmp_path):  # noqa: F811
    from pacer.cli import app

    path = write_csv(tmp_path / "f.csv", "unit_code,indicator_code,period,value", "A1,revenue,2025-01,1")
    result = CliRunner().invoke(app, ["facts", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Figures imported: rows 1, created 1")
    assert result.stderr == ""


def test_on_a_terminal_each_stage_is_a_bar_in_the_language_asked(monkeypatch):
    out = io.StringIO()
    monkeypatch.setitem(common._consoles, "err", Console(file=out, force_terminal=True, width=80))
    with common.progress_bar("zh") as report:
        assert report is not None
        report("read", 0, 10)
        report("read", 10, 10)
        report("store", 10, 10)
    drawn = out.getvalue()
    assert "读取" in drawn
    assert "写入" in drawn
    assert "10/10" in drawn
    monkeypatch.setitem(common._consoles, "err", Console(file=io.StringIO()))  # not a terminal
    with common.progress_bar("en") as report:
        assert report is None
