"""CSV input read as a stream, with bounded problems and a bounded size."""

from __future__ import annotations

import inspect
import tracemalloc

import pytest

from pacer.errors import ValidationFailed
from pacer.kit.tabular import MAX_CELL_CHARS, PROBLEM_LIMIT, Problems, read_csv, write_csv

COLUMNS = ("unit_code", "indicator_code", "period", "value")


def big_file(path, rows: int):
    with path.open("w", encoding="utf-8") as out:
        out.write(",".join(COLUMNS) + "\n")
        for n in range(rows):
            out.write(f"U{n % 997},revenue,2025-{n % 12 + 1:02d},{n}.25\n")
    return path


def test_rows_are_read_one_at_a_time_in_memory_that_does_not_grow_with_the_file(tmp_path):
    path = big_file(tmp_path / "big.csv", 60_000)  # about 2 MB
    assert path.stat().st_size > 1_500_000
    tracemalloc.start()
    try:
        rows = read_csv(path, COLUMNS, max_bytes=10**8)
        for _ in range(5_000):
            next(rows)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert inspect.isgenerator(rows)
    assert peak < 300_000  # the file alone, decoded, would be several times this
    assert sum(1 for _ in rows) == 55_000


def test_a_file_beyond_the_configured_size_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from pacer.config import get_settings

    path = big_file(tmp_path / "f.csv", 1_000)
    monkeypatch.setenv("PACER_IMPORT_MAX_BYTES", "10000")
    get_settings.cache_clear()
    try:
        with pytest.raises(ValidationFailed, match=r"more than the 10,000 an import takes \(PACER_IMPORT_MAX_BYTES\)"):
            read_csv(path, COLUMNS)
    finally:
        get_settings.cache_clear()


def test_problems_beyond_the_limit_are_counted_not_kept():
    problems = Problems()
    from pacer.errors import Problem

    problems += (Problem(f"bad {n}", n) for n in range(PROBLEM_LIMIT + 250))
    assert len(problems) == PROBLEM_LIMIT + 250
    assert len(list(problems)) == PROBLEM_LIMIT
    failure = problems.failure("f.csv")
    assert failure.more == 250
    assert failure.message.startswith(f"f.csv: {PROBLEM_LIMIT + 250:,} problem(s), nothing was stored")
    assert failure.message.endswith("... and 250 more")
    assert failure.message.count("\n  - ") == PROBLEM_LIMIT


def test_a_header_without_rows_is_refused(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(",".join(COLUMNS) + "\n\n", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="a header but no rows"):
        list(read_csv(path, COLUMNS))


def test_a_cell_over_the_csv_modules_bound_is_a_problem_with_its_row(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(
        ",".join(COLUMNS) + "\nU1,revenue,2025-01,1\nU1,revenue,2025-02," + "9" * 200_000 + "\n", encoding="utf-8"
    )
    with pytest.raises(
        ValidationFailed, match="row 3: the row cannot be read: field larger than field limit"
    ) as caught:
        list(read_csv(path, COLUMNS))
    assert len(caught.value.message) < 500


def test_a_long_cell_is_a_problem_with_its_row_and_field(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(",".join(COLUMNS) + "\nU1," + "x" * (MAX_CELL_CHARS + 1) + ",2025-01,1\n", encoding="utf-8")
    with pytest.raises(
        ValidationFailed, match=f"row 2, field 'indicator_code': longer than {MAX_CELL_CHARS:,} characters"
    ):
        list(read_csv(path, COLUMNS))


def test_gb18030_files_are_read(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes((",".join(COLUMNS) + "\n集团,revenue,2025-01,1\n").encode("gb18030"))
    assert [r.get("unit_code") for r in read_csv(path, COLUMNS)] == ["集团"]


def test_text_protected_by_the_export_reads_back_as_it_was_written(tmp_path):
    names = ["=SUM(A1)", "+1 plus", "@x", "-12.50", "'quoted", "plain"]
    text = write_csv(
        [{"unit_code": n, "indicator": "revenue", "period": "2025-01", "value": "1"} for n in names], list(COLUMNS)
    )
    path = tmp_path / "f.csv"
    path.write_text(text, encoding="utf-8")
    assert [r.get("unit_code") for r in read_csv(path, COLUMNS)] == names
