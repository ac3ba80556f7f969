"""From a file's bytes to the article: the encodings people save in, HTML and Markdown, and the
files that are refused with one clear reason."""

from __future__ import annotations

import pytest

from pacer.meetings.extract import ArticleError, article_text, extract_file

ARTICLE = "集团召开工作会\n\n董事长王强强调，一是抓市场；二是抓质量；三是抓改革。\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_chinese_text_in_the_encodings_people_save_it_in(encoding):
    result = extract_file(ARTICLE.encode(encoding), ".txt")
    assert [r.text for r in result.requirements] == ["抓市场", "抓质量", "抓改革"]
    assert result.meeting.title == "集团召开工作会"


def test_traditional_text_saved_as_gb18030():
    data = "集團召開工作會\n\n董事長王強強調，一是抓市場；二是抓質量。\n".encode("gb18030")
    assert [r.text for r in extract_file(data, ".txt").requirements] == ["抓市場", "抓質量"]


def test_html_is_read_without_its_tags_scripts_and_styles():
    page = (
        "<html><head><title>ignored</title><style>p{color:red}</style></head><body>"
        "<h1>集团召开工作会</h1><script>var 一是 = 1;</script>"
        "<p>董事长王强提出两点要求：</p><p>一是<b>抓市场</b>&amp;订单；</p><p>二是抓质量。</p></body></html>"
    )
    result = extract_file(page.encode("utf-8"), ".html")
    assert [r.text for r in result.requirements] == ["抓市场&订单", "抓质量"]
    assert result.meeting.title == "集团召开工作会"
    assert result.warnings == ()


def test_markdown_marks_are_removed_and_its_numbered_list_read():
    text = (
        "# Plant Holds Quality Meeting\n\nZhang Wei stressed two requirements:\n\n"
        "1. **Stop** the line on any defect.\n2. Review every [audit](http://x) finding.\n"
    )
    result = extract_file(text.encode("utf-8"), ".md")
    assert result.meeting.title == "Plant Holds Quality Meeting"
    assert [r.text for r in result.requirements] == ["Stop the line on any defect", "Review every audit finding"]


@pytest.mark.parametrize(
    ("data", "suffix", "key"),
    [
        (b"", ".txt", "empty"),
        (b"  \n\t\n", ".md", "empty"),
        (b"<html><body><script>x</script></body></html>", ".html", "empty"),
        (b"PK\x03\x04\x14\x00\x06\x00binary", ".txt", "binary"),
        (bytes(range(1, 32)) * 20, ".txt", "binary"),
        (b"\x81\x30\xff\xfe\xfd", ".txt", "encoding"),
        (b"PK\x03\x04", ".docx", "not_docx"),
        (b"\xd0\xcf\x11\xe0", ".doc", "unsupported"),
        (b"%PDF-1.7", ".pdf", "unsupported"),
        ("没有任何编号的文章。".encode(), ".txt", "no_requirements"),
    ],
)
def test_a_file_that_yields_nothing_is_refused_with_its_reason(data, suffix, key):
    with pytest.raises(ArticleError) as refused:
        extract_file(data, suffix)
    assert refused.value.key == key
    assert "\n" not in refused.value.in_language("zh")
    assert "\n" not in refused.value.message


def test_the_suffix_is_read_in_any_case():
    assert article_text(b"<p>a</p><p>b</p>", ".HTML") == "a\n\nb"
