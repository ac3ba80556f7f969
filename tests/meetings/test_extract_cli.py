"""``pacer meetings extract FILE``: the JSON document and the terminal's table, and every file it
cannot use refused on one line in the user's language, never with a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pacer.cli import app
from tests.meetings.test_extract_seeds import SEEDS
from tests.test_cli import assert_one_line_error

runner = CliRunner()
ARTICLES = Path(__file__).parent / "articles"


def run(*args: str):
    return runner.invoke(app, ["meetings", "extract", *args])


def test_json_is_the_meeting_the_requirements_and_the_warnings():
    result = run(str(SEEDS / "000_7d137ef9c19469f9.txt"), "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert set(document) == {"meeting", "requirements", "warnings"}
    assert document["meeting"]["kind"] == "economic_analysis"
    assert document["meeting"]["date"] == "2020-07-16"
    assert [r["number"] for r in document["requirements"]] == list(range(1, 11))
    assert all(set(r) == {"speaker", "number", "text", "tags"} for r in document["requirements"])
    assert document["requirements"][5] == {
        "speaker": "Yuan Jie",
        "number": 6,
        "text": 'we should do a good job in the demonstration of the "14th Five-Year Plan"',
        "tags": ["planning"],
    }
    assert document["warnings"] == []


def test_json_warnings_are_in_the_language_asked_for():
    path = str(ARTICLES / "zh_06_mismatch.txt")
    zh = json.loads(run(path, "--format", "json", "--lang", "zh").stdout)
    en = json.loads(run(path, "--format", "json", "--lang", "en").stdout)
    assert zh["warnings"] == ["郑强提出6条要求，找到5条"]
    assert en["warnings"] == ["郑强 states 6 requirements; 5 were found"]
    assert zh["requirements"] == en["requirements"]
    assert zh["requirements"][0]["text"] == "确保完成全年利润目标"


@pytest.mark.parametrize(
    ("article", "lang", "shown"),
    [
        (
            "zh_05_traditional.txt",
            "zh",
            ["共 3 条要求", "类型: 专题会议", "形式: 视频", "加強頂層設計，制定數字化轉型規劃和路線圖", "数字化"],
        ),
        (
            "en_02_numbered.txt",
            "en",
            [
                "4 requirements",
                "kind: special conference",
                "Move every business system to the group cloud",
                "warnings: Wang Lei states 3 requirements; 4 were found",
            ],
        ),
    ],
)
def test_the_table_shows_the_meeting_each_requirement_and_the_warnings(monkeypatch, article, lang, shown):
    monkeypatch.setenv("COLUMNS", "160")
    result = run(str(ARTICLES / article), "--lang", lang)
    assert result.exit_code == 0, result.output
    for words in shown:
        assert words in result.stdout


@pytest.mark.parametrize(
    ("content", "lang", "message", "code"),
    [
        (None, "en", "file not found", 1),
        (b"", "en", "the article is empty", 2),
        (b"", "zh", "文章是空的", 2),
        (b"\x00\x01\x02binary\x00", "en", "not a text file (binary content)", 2),
        ("今年经营形势总体平稳，第一季度收入增长。".encode(), "zh", "未找到编号的要求", 2),
        (b"The first half of the year went well.", "en", "no numbered requirements found", 2),
    ],
)
def test_a_file_it_cannot_use_is_refused_on_one_line(tmp_path, content, lang, message, code):
    path = tmp_path / "article.txt"
    if content is not None:
        path.write_bytes(content)
    result = run(str(path), "--lang", lang)
    assert_one_line_error(result)
    assert result.exit_code == code
    assert message in result.stderr
    assert str(path) in " ".join(result.stderr.split())


def test_an_unsupported_file_type_and_a_folder_are_refused(tmp_path):
    doc = tmp_path / "minutes.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    result = run(str(doc), "--lang", "en")
    assert_one_line_error(result)
    assert "unsupported file type .doc: save it as .docx" in " ".join(result.stderr.split())
    result = run(str(tmp_path), "--lang", "zh")
    assert_one_line_error(result)
    assert "不是文件" in result.stderr


def test_a_file_over_the_configured_size_is_refused(tmp_path, monkeypatch):
    from pacer.config import get_settings

    monkeypatch.setenv("PACER_IMPORT_MAX_BYTES", "100")
    get_settings.cache_clear()
    try:
        result = run(str(SEEDS / "004_d211a32258dd057e.txt"), "--lang", "en")
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert_one_line_error(result)
    assert "more than the 100 allowed (PACER_IMPORT_MAX_BYTES)" in " ".join(result.stderr.split())
