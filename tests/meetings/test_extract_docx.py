"""Articles uploaded as Word documents (.docx): read with their paragraphs and tables in order,
at the terminal (``pacer meetings extract FILE.docx``) and on the "from an article" page; a file
that is not a Word document, binary or empty is refused clearly and nothing is stored."""

from __future__ import annotations

import io
import json

import pytest
from docx import Document
from sqlalchemy import func, select
from typer.testing import CliRunner

from pacer.cli import app
from pacer.meetings.extract import ArticleError, article_text, extract_file
from pacer.models.followup import Meeting
from tests.test_cli import assert_one_line_error
from tests.webclient import page_token

runner = CliRunner()
SPEECH = [
    "集团公司召开2026年年中工作会",
    "7月10日，集团公司在北京召开2026年年中工作会。董事长张明出席会议并讲话。",
    "张明对下半年工作提出四点要求：",
    "一是坚定不移抓好经营指标，确保全年目标实现。",
    "二是持续压降两金，提升资产运营效率。",
    "三是深化改革创新，增强发展动力。",
    "四是守牢安全底线，防范化解重大风险。",
]


def word_file(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
        document.add_paragraph("会议要求各单位认真抓好落实。")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_word_articles_paragraphs_and_tables_are_read_in_order():
    text = article_text(word_file(SPEECH[:2], [["单位", "发言题目"], ["一院", "以改革促发展"]]), ".DOCX")
    lines = text.splitlines()
    assert lines[:2] == SPEECH[:2]
    assert lines[2:4] == ["单位\t发言题目", "一院\t以改革促发展"]
    assert lines[-1] == "会议要求各单位认真抓好落实。"


def test_a_word_article_yields_its_numbered_requirements():
    found = extract_file(word_file(SPEECH), ".docx")
    assert [r.number for r in found.requirements] == [1, 2, 3, 4]
    assert found.requirements[1].text.startswith("持续压降两金")


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02\x03 binary", "binary"),
        (b"just some text named .docx", "not_docx"),
        (b"PK\x03\x04 a broken zip", "not_docx"),
    ],
)
def test_a_file_that_is_not_a_readable_word_document_is_refused(data, key):
    with pytest.raises(ArticleError) as refused:
        article_text(data, ".docx")
    assert refused.value.key == key


def test_an_empty_word_document_is_refused_as_empty():
    with pytest.raises(ArticleError) as refused:
        article_text(word_file(["", "   "]), ".docx")
    assert refused.value.key == "empty"


def test_the_terminal_extracts_from_a_word_file_and_refuses_a_bad_one_on_one_line(tmp_path):
    path = tmp_path / "年中工作会.docx"
    path.write_bytes(word_file(SPEECH))
    result = runner.invoke(app, ["meetings", "extract", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert [r["number"] for r in document["requirements"]] == [1, 2, 3, 4]
    assert document["requirements"][0]["text"].startswith("坚定不移抓好经营指标")
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"\x00\x00binary\x00")
    result = runner.invoke(app, ["meetings", "extract", str(bad), "--lang", "en"])
    assert_one_line_error(result)
    assert "not a text file (binary content)" in result.stderr
    bad.write_bytes(b"plain words, not Word")
    result = runner.invoke(app, ["meetings", "extract", str(bad), "--lang", "zh"])
    assert_one_line_error(result)
    assert "文件不是可读取的 Word 文档（.docx）" in result.stderr


def test_the_article_page_reads_an_uploaded_word_file_and_refuses_a_bad_one(session, signed_in, org):
    grace = signed_in("grace")
    token = page_token(grace, "/meetings/from-article")
    files = {"file": ("年中工作会.docx", word_file(SPEECH), "application/octet-stream")}
    page = grace.post("/meetings/from-article?lang=zh", data={"csrf_token": token, "unit_code": "G"}, files=files)
    assert page.status_code == 200, page.text
    assert "持续压降两金，提升资产运营效率。" in page.text
    assert 'name="proposal" value="1"' in page.text
    files = {"file": ("空.docx", word_file([""]), "application/octet-stream")}
    refused = grace.post("/meetings/from-article?lang=en", data={"csrf_token": token}, files=files)
    assert refused.status_code == 422
    assert "the article is empty" in refused.text
    files = {"file": ("坏.docx", b"\x00\x01\x02 binary", "application/octet-stream")}
    refused = grace.post("/meetings/from-article?lang=zh", data={"csrf_token": token}, files=files)
    assert refused.status_code == 422
    assert "不是文本文件（二进制内容）" in refused.text
    assert session.scalar(select(func.count()).select_from(Meeting)) == 0
