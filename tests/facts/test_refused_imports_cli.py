"""A refused import, whatever the reason, leaves every table exactly as it was, and says why in
one line per problem without a traceback."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select
from typer.testing import CliRunner

from pacer.cli import app
from pacer.models import Base
from tests.factories import write_csv

runner = CliRunner()
ORG = (
    "code,name_zh,name_en,kind,parent_code",
    "G,集团,Group,group,",
    "A,研究院,Academy,academy,G",
    "A1,一所,Institute One,institute,A",
    "B,公司,Company,company,G",
)
FACTS = "unit_code,indicator_code,period,value,basis"
ELIMINATIONS = "unit_code,indicator_code,period,value,counterparty"
TARGETS = "unit_code,indicator_code,year,tier,value,growth_pct,phasing,reason"
ORG_HEADER = ORG[0] + ",created_on,dissolved_on"

REFUSED = [
    ("facts", FACTS, ["A1,revenue,2025-01,1e400,monthly"]),
    ("facts", FACTS, ["A1,revenue,2025-01,92233720368547758.07,monthly"]),
    ("facts", FACTS, ["A1,revenue,2025-01,5,monthly", "A1,revenue,2025-02,99999999999999999999999,monthly"]),
    ("facts", FACTS, ["A1,headcount,2025-01,-1,"]),
    ("facts", FACTS, ['A1,revenue,2025-01,"' + "9" * 140_000 + '",monthly']),
    ("facts", FACTS, []),
    ("facts", FACTS, ["B,revenue,2025-01,5,monthly"]),  # outside alice's unit
    ("eliminations", ELIMINATIONS, ["A,revenue,2025-01,1e100000000,x"]),
    ("eliminations", ELIMINATIONS, []),
    ("targets", TARGETS, ["A1,revenue,2025,ensure,,1e400,,"]),
    ("targets", TARGETS, []),
    ("org", ORG_HEADER, ["G,改名,Renamed,group,,,"]),  # alice administers nothing
    ("org", ORG_HEADER, ["B,公司,Company,company,A1,,"]),
    ("org", ORG_HEADER, []),
]
AS = {"facts": "alice", "eliminations": "grace", "targets": "grace", "org": "alice"}


def dump(url: str) -> dict[str, list[tuple]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        tables = {t.name: sorted(conn.execute(select(t)).all(), key=repr) for t in Base.metadata.sorted_tables}
    engine.dispose()
    return tables


@pytest.fixture
def group(database_url, tmp_path):
    def run(*args: str) -> None:
        result = runner.invoke(app, list(args))
        assert result.exit_code == 0, result.output

    run("org", "import", str(write_csv(tmp_path / "org.csv", *ORG)))
    run("users", "add", "alice", "--display-name", "Alice", "--grant", "unit_reporter@A1")
    run("users", "add", "grace", "--display-name", "Grace", "--grant", "group_admin@G")
    run("facts", "import", str(write_csv(tmp_path / "f.csv", FACTS, "A1,revenue,2024-12,7,monthly")))
    return database_url


@pytest.mark.parametrize(("command", "header", "lines"), REFUSED)
def test_a_refused_import_changes_nothing_and_says_why(group, tmp_path, command, header, lines):
    before = dump(group)
    path = write_csv(tmp_path / "in.csv", header, *lines)
    result = runner.invoke(app, [command, "import", str(path), "--as", AS[command]])
    assert result.exit_code == 2, result.output
    assert "nothing was stored" in result.output
    assert "Traceback" not in result.output
    assert len(result.output) < 2_000  # a huge cell is not echoed back
    assert dump(group) == before


def test_a_file_over_the_configured_size_is_refused_at_once(group, tmp_path, monkeypatch):
    from pacer.config import get_settings

    before = dump(group)
    monkeypatch.setenv("PACER_IMPORT_MAX_BYTES", "100")
    get_settings.cache_clear()
    path = write_csv(tmp_path / "in.csv", FACTS, *(f"A1,revenue,2025-{m:02d},5,monthly" for m in range(1, 13)))
    result = runner.invoke(app, ["facts", "import", str(path)])
    assert result.exit_code == 2
    assert "more than the 100 an import takes (PACER_IMPORT_MAX_BYTES)" in " ".join(result.output.split())
    assert dump(group) == before
