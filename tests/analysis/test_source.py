"""Reading the database into the engine's arrays: batch by batch, row-wise or column-wise."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from pacer.analysis import source
from pacer.analysis.source import DenseFacts, _fact_queries, _phasing_rows
from pacer.cli import app

runner = CliRunner()


def dense(n_units: int = 3, n_reported: int = 2) -> DenseFacts:
    unit_ix = np.full(n_units + 2, -1)
    unit_ix[1:n_units + 1] = np.arange(n_units)  # database ids 1..n
    rep = np.full(n_reported + 3, -1)
    rep[1:n_reported + 1] = np.arange(n_reported)  # id n+1 is a derived indicator
    return DenseFacts(unit_ix, rep, n_reported)


def cols(*rows: tuple[int, int, int, int]) -> tuple[np.ndarray, ...]:
    return tuple(np.array(c, dtype=np.int64) for c in zip(*rows, strict=True))


def test_batches_land_in_their_cells_whatever_their_order() -> None:
    d = dense()
    d.add(*cols((2, 1, 202403, 7), (1, 2, 202401, 5)))
    d.add(*cols((3, 1, 202312, 9)))  # an earlier month than any so far: the month axis grows
    facts = d.facts(2023, 15)
    assert facts.values.shape == (3, 2, 15)
    assert facts.values[1, 0, 14] == 7 and facts.values[0, 1, 12] == 5 and facts.values[2, 0, 11] == 9
    assert facts.present.sum() == 3
    assert d.first_year == 2023 and d.last_period == 202403


def test_facts_of_derived_indicators_and_unknown_units_are_ignored() -> None:
    d = dense()
    d.add(*cols((1, 3, 202401, 5), (4, 1, 202401, 6), (1, 1, 202401, 8)))
    facts = d.facts(2024, 1)
    assert facts.present.sum() == 1 and facts.values[0, 0, 0] == 8


def test_no_facts_give_empty_months_from_the_year_asked() -> None:
    d = dense()
    assert d.first_year is None
    facts = d.facts(2026, 4)
    assert facts.values.shape == (3, 2, 4) and not facts.present.any()


def test_phasing_lists_are_parsed_in_one_go() -> None:
    rows = _phasing_rows(["[833, 833, 834, 833, 833, 834, 833, 833, 834, 833, 833, 834]",
                          "[1000,1000,1000,1000,1000,1000,1000,1000,500,500,500,500]"])
    assert rows.shape == (2, 12) and rows.sum(axis=1).tolist() == [10000, 10000]


def test_the_fact_query_is_split_into_disjoint_ranges_of_units(monkeypatch) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    parts = _fact_queries(np.array([5, 1, 3, 9, 7]))
    assert parts == [f"{source.FACT_QUERY} WHERE unit_id < 5", f"{source.FACT_QUERY} WHERE unit_id >= 5"]


@pytest.fixture
def demo_file(tmp_path, monkeypatch):
    # Always a SQLite file, whichever database the suite runs on: the locking it checks is SQLite's.
    from pacer.config import get_settings

    url = f"sqlite:///{tmp_path / 'columnar.db'}"
    monkeypatch.setenv("PACER_DATABASE_URL", url)
    get_settings.cache_clear()
    result = runner.invoke(app, ["demo", "--reset", "--years", "2", "--units", "12", "--as-of", "2026-10",
                                 "--no-summary"])
    assert result.exit_code == 0, result.output
    engine = create_engine(url)
    yield engine
    engine.dispose()
    get_settings.cache_clear()


def test_a_columnar_read_leaves_the_sqlite_file_usable_in_this_process(demo_file) -> None:
    # the ADBC driver's own SQLite runs in a child process: this process's locks stay intact
    with demo_file.connect() as reader:
        reader.execute(text("SELECT count(*) FROM fact")).scalar()
        for _ in range(3):
            columnar = source.load(reader, columnar=True)
    rows_wise = None
    with demo_file.begin() as writer:
        writer.execute(text("UPDATE fact SET value = value WHERE period = 202610"))
    with demo_file.connect() as conn:
        rows_wise = source.load(conn, columnar=False)
    assert np.array_equal(columnar.facts.values, rows_wise.facts.values)
    assert np.array_equal(columnar.facts.present, rows_wise.facts.present)
