"""``pacer report economic`` on a committed database: the file it writes, as the user may see it."""

from __future__ import annotations

import io

from docx import Document
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from pacer.analysis.serve import service
from pacer.cli import app
from pacer.db import _engine_for, make_engine
from tests.conftest import Org
from tests.reports.conftest import add_figures

runner = CliRunner()


def _commit_group(url: str) -> None:
    engine = make_engine(url)
    with Session(engine) as session:
        add_figures(session, Org(session))
        session.commit()
    engine.dispose()


def test_the_command_writes_the_report_in_the_format_asked(database_url, tmp_path):
    _commit_group(database_url)
    out = tmp_path / "g.docx"
    try:
        result = runner.invoke(
            app,
            [
                "report",
                "economic",
                "--period",
                "2025-06",
                "--span",
                "half",
                "--format",
                "docx",
                "--lang",
                "en",
                "--output",
                str(out),
            ],
        )
        assert result.exit_code == 0, result.output
        doc = Document(io.BytesIO(out.read_bytes()))
        assert doc.paragraphs[0].text == "Unit G: economic operation analysis, first half of 2025"
        mine = tmp_path / "a.html"
        result = runner.invoke(
            app,
            ["report", "economic", "--period", "2025-06", "--format", "html", "--as", "victor", "--output", str(mine)],
        )
        assert result.exit_code == 0, result.output
        page = mine.read_text(encoding="utf-8")
        assert "单位A2025年6月经济运行分析报告" in page
        assert "单位B" not in page
    finally:
        service.clear()
        _engine_for.cache_clear()


def test_the_quality_command_writes_the_quality_report(database_url, tmp_path):
    _commit_group(database_url)
    out = tmp_path / "q.html"
    try:
        args = ["report", "quality", "--period", "2025-06", "--span", "half", "--format", "html", "--lang", "en"]
        result = runner.invoke(app, [*args, "--output", str(out)])
        assert result.exit_code == 0, result.output
        page = out.read_text(encoding="utf-8")
        assert "Unit G: research and production quality, first half of 2025" in page
        assert "no quality problem is recorded here or below" in page
        bad = runner.invoke(app, ["report", "quality", "--period", "2025-13", "--format", "pdf"])
        assert bad.exit_code != 0
        assert "period" in bad.output
        assert "Traceback" not in bad.output
    finally:
        service.clear()
        _engine_for.cache_clear()
