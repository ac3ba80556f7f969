"""Reading the database into the engine's arrays: batch by batch, row-wise or column-wise."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from pacer.analysis.load import copy_reader, source
from pacer.analysis.load.source import DenseFacts, _fact_queries, _phasing_rows
from pacer.cli import app
from pacer.db import make_engine
from pacer.models import Fact
from tests.factories import create_unit, indicator

runner = CliRunner()


def dense(n_units: int = 3, n_reported: int = 2) -> DenseFacts:
    unit_ix = np.full(n_units + 2, -1)
    unit_ix[1 : n_units + 1] = np.arange(n_units)  # database ids 1..n
    rep = np.full(n_reported + 3, -1)
    rep[1 : n_reported + 1] = np.arange(n_reported)  # id n+1 is a derived indicator
    return DenseFacts(unit_ix, rep, n_reported)


def cols(*rows: tuple[int, int, int, int]) -> tuple[np.ndarray, ...]:
    return tuple(np.array(c, dtype=np.int64) for c in zip(*rows, strict=True))


def test_batches_land_in_their_cells_whatever_their_order() -> None:
    d = dense()
    d.add(*cols((2, 1, 202403, 7), (1, 2, 202401, 5)))
    d.add(*cols((3, 1, 202312, 9)))  # an earlier month than any so far: the month axis grows
    facts = d.facts(2023, 15)
    assert facts.shape == (3, 2, 15)
    assert facts.dense()[1, 0, 14] == 7
    assert facts.dense()[0, 1, 12] == 5
    assert facts.dense()[2, 0, 11] == 9
    assert facts.present.sum() == 3
    assert d.first_year == 2023
    assert d.last_period == 202403


def test_facts_of_derived_indicators_and_unknown_units_are_ignored() -> None:
    d = dense()
    d.add(*cols((1, 3, 202401, 5), (4, 1, 202401, 6), (1, 1, 202401, 8)))
    facts = d.facts(2024, 1)
    assert facts.present.sum() == 1
    assert facts.dense()[0, 0, 0] == 8


def test_no_facts_give_empty_months_from_the_year_asked() -> None:
    d = dense()
    assert d.first_year is None
    facts = d.facts(2026, 4)
    assert facts.shape == (3, 2, 4)
    assert not facts.present.any()


def test_phasing_lists_are_parsed_in_one_go() -> None:
    rows = _phasing_rows(
        [
            "[833, 833, 834, 833, 833, 834, 833, 833, 834, 833, 833, 834]",
            "[1000,1000,1000,1000,1000,1000,1000,1000,500,500,500,500]",
        ]
    )
    assert rows.shape == (2, 12)
    assert rows.sum(axis=1).tolist() == [10000, 10000]


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
    result = runner.invoke(
        app, ["demo", "--reset", "--years", "2", "--units", "12", "--as-of", "2026-10", "--no-summary"]
    )
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
    assert np.array_equal(columnar.facts.dense(), rows_wise.facts.dense())
    assert np.array_equal(columnar.facts.present, rows_wise.facts.present)


# -- PostgreSQL: facts packed per unit by the server, read with binary COPY --------------------

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def copy_output(*units: tuple[int, list[tuple[int, int, int]]], extension: bytes = b"") -> bytes:
    """What the COPY of the unit query sends: a row per unit of its (indicator, period, value)."""
    out = [copy_reader._SIGNATURE, struct.pack(">ii", 0, len(extension)), extension]
    for unit, facts in units:
        keys = b"".join(struct.pack(">q", (i << 32) + p) for i, p, _ in facts)
        values = b"".join(struct.pack(">q", v) for _, _, v in facts)
        out.append(struct.pack(">hii", 3, 4, unit))
        out += [struct.pack(">i", len(keys)), keys, struct.pack(">i", len(values)), values]
    out.append(struct.pack(">h", -1))
    return b"".join(out)


def parsed(chunks, **options) -> list[tuple[int, int, int, int]]:
    batches = list(copy_reader.parse(chunks, **options))
    return sorted(zip(*(np.concatenate([b[k] for b in batches]).tolist() for k in range(4)), strict=True))


def test_the_copy_output_is_parsed_whatever_its_chunks() -> None:
    units = [
        (7, [(3, 202401, 5), (3, 202402, -6), (4, 202401, INT64_MAX)]),
        (9, [(3, 202312, INT64_MIN), (2**31 - 1, -1, 1), (-5, 2**31 - 1, 0)]),
    ]
    data = copy_output(*units, extension=b"ext")
    expected = sorted((u, i, p, v) for u, facts in units for i, p, v in facts)
    assert parsed([data]) == expected
    assert parsed([data[k : k + 1] for k in range(len(data))], batch_facts=2) == expected
    assert parsed([data[:5], b"", data[5:40], data[40:]]) == expected


def test_an_empty_copy_output_gives_no_batches() -> None:
    assert list(copy_reader.parse([copy_output()])) == []


def test_a_null_value_or_a_cut_output_is_refused() -> None:
    data = bytearray(copy_output((7, [(3, 202401, 5)])))
    values_length = len(data) - 2 - 8 - 4
    data[values_length : values_length + 4] = struct.pack(">i", -1)  # values: NULL
    with pytest.raises(copy_reader.CopyFormatError, match="NULL"):
        list(copy_reader.parse([bytes(data[: values_length + 4]) + struct.pack(">h", -1)]))
    with pytest.raises(copy_reader.CopyFormatError, match="ends before"):
        list(copy_reader.parse([copy_output((7, [(3, 202401, 5)]))[:-2]]))


@pytest.fixture
def committed(database_url):
    """A private database on the test server, committed to as the application would."""
    if not database_url.startswith("postgresql"):
        pytest.skip("reading facts with COPY is for PostgreSQL")
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def write_facts(engine, values: list[int], months: int = 60) -> None:
    with Session(engine) as session:
        units = [create_unit(session, code) for code in ("G", "A", "B")]
        revenue, cost = indicator(session, "revenue"), indicator(session, "operating_cost")
        k = 0
        for unit in units:
            for ind in (revenue, cost):
                for m in range(months):
                    if (k * 7) % 11:  # gaps, so some months have no figure
                        session.add(
                            Fact(
                                unit_id=unit.id,
                                indicator_id=ind.id,
                                period=(2023 + m // 12) * 100 + m % 12 + 1,
                                value=values[k % len(values)],
                            )
                        )
                    k += 1
        session.commit()


def same_facts(engine) -> None:
    with engine.connect() as conn:
        rows, bulk = source.load(conn, columnar=False), source.load(conn, columnar=True)
    assert np.array_equal(rows.facts.dense(), bulk.facts.dense())
    assert np.array_equal(rows.facts.present, bulk.facts.present)
    assert (rows.first_year, rows.last_period) == (bulk.first_year, bulk.last_period)


def test_copy_reads_the_same_facts_as_the_rows(committed, monkeypatch) -> None:
    write_facts(committed, [0, 1, -1, 123_456_789_012, -987_654_321, INT64_MAX, INT64_MIN, INT64_MAX - 1])
    with committed.connect() as conn:
        assert copy_reader.supported(conn)
    same_facts(committed)
    monkeypatch.setattr(copy_reader, "RANGE_BLOCKS", 1)  # many ranges, taken in turn by the readers
    same_facts(committed)


def test_copy_reads_an_empty_fact_table(committed) -> None:
    with Session(committed) as session:
        create_unit(session, "G")
        session.commit()
    same_facts(committed)


def test_a_copy_read_stopped_early_leaves_the_engine_usable(committed, monkeypatch) -> None:
    write_facts(committed, [1, 2, 3], months=120)
    monkeypatch.setattr(copy_reader, "RANGE_BLOCKS", 1)
    batches = copy_reader.fact_batches(committed, 2)
    assert len(next(batches)[0])
    batches.close()
    with committed.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM fact")).scalar()


def test_a_database_without_indicators_loads_as_empty(session) -> None:
    """A group that has not set up its indicators yet (pages that read the engine still open)."""
    from sqlalchemy import delete

    from pacer.models import Indicator, IndicatorVersion

    session.execute(delete(IndicatorVersion))
    session.execute(delete(Indicator))
    create_unit(session, "G")
    loaded = source.load(session.connection(), columnar=False)
    assert loaded.facts.shape[1] == 0
