"""``pacer indicators export`` and ``import`` at the terminal."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.test_cli import run


def test_export_then_import_prints_unchanged(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "library.yaml"
    run("indicators", "export", "-o", str(path))

    assert run("indicators", "import", str(path)).output.strip() == "unchanged"


def test_export_writes_yaml_to_stdout_by_default(database_url: str) -> None:
    document = yaml.safe_load(run("indicators", "export").stdout)

    assert document["schema"] == 1
    assert any(i["code"] == "revenue" for i in document["indicators"])


def test_a_dry_run_prints_the_differences_and_a_real_import_applies_them(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "library.yaml"
    run("indicators", "export", "-o", str(path))
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    next(i for i in document["indicators"] if i["code"] == "inventory")["retired_from"] = 2027
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")

    dry = run("indicators", "import", str(path), "--dry-run").output
    assert "retired indicator 'inventory' from 2027" in dry
    assert "would change: 1 entry" in dry
    assert "retired indicator 'inventory' from 2027" in run("indicators", "import", str(path)).output
    assert run("indicators", "import", str(path)).output.strip() == "unchanged"


def test_the_indicator_list_goes_to_excel_and_back(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "indicators.xlsx"
    run("indicators", "export", "--format", "xlsx", "-o", str(path))

    assert path.stat().st_size > 0
    assert run("indicators", "import", str(path)).output.strip() == "unchanged"
