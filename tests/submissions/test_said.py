"""Refusals in the reader's language: the entry grid's save, the JSON API (``?lang=``,
Accept-Language, else the user's choice) and the Excel upload (``test_workbook_upload``) say what
is wrong in Chinese or English, and store nothing either way."""

import re

import pytest

from pacer.models import PeriodLock, Submission
from pacer.submissions.said import chinese
from pacer.web.deps import accepted_language
from tests.submissions.test_api import URL as API
from tests.submissions.test_api import people  # noqa: F401  (fixture)
from tests.submissions.test_pages import (
    _save,
    _staged,
    grid,  # noqa: F401  (fixture)
)

CJK = re.compile("[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    ("english", "said"),
    [
        ("'1.234' has more than 2 decimal place(s)", "'1.234' 的小数超过 2 位"),
        ("unknown indicator 'nope'", "未知指标“nope”"),
        (
            "period 2025-01 is locked: A1's submission for 2025-01 cannot change",
            "2025-01 已锁定：A1 2025-01 月报不能再修改",
        ),
        ("A1's submission for 2025-01 is submitted: only a draft or a returned one can be changed", None),
        ("the month's amount '9' is out of range: at most 1 either way", "当月数 '9' 超出范围：绝对值至多 1"),
    ],
)
def test_the_english_refusals_have_their_chinese_words_with_their_values(english, said):
    got = chinese(english)
    assert got is not None
    assert CJK.search(got)
    if said is not None:
        assert got == said
    else:
        assert got.startswith("A1 2025-01 月报已提交")  # the state by its Chinese label


def test_a_message_the_table_does_not_know_has_no_chinese_words():
    assert chinese("something nobody wrote") is None
    assert chinese("已经是中文") == "已经是中文"


@pytest.mark.parametrize(
    ("header", "lang"),
    [("zh-CN,zh;q=0.9,en;q=0.8", "zh"), ("en-US,en;q=0.9", "en"), ("fr, en;q=0.5, zh;q=0.7", "zh"), ("fr", None)],
)
def test_accept_language_names_the_language_it_rates_highest(header, lang):
    assert accepted_language(header) == lang


def _line_messages(html: str, code: str) -> str:
    return html.split(f'data-code="{code}"')[1].split("</tr>")[0]


@pytest.mark.parametrize(("lang", "words"), [("zh", "的小数超过 2 位"), ("en", "has more than 2 decimal place(s)")])
def test_the_grids_refused_figure_is_named_beside_its_line_in_the_pages_language(grid, signed_in, session, lang, words):  # noqa: F811
    refused = _save(signed_in("alice"), {"revenue": "0.0000001"}, lang=lang)  # 0.001 yuan: too precise
    assert refused.status_code == 422
    line = _line_messages(refused.text.replace("&#39;", "'"), "revenue")
    assert words in line
    assert bool(CJK.search(line.split(words)[0].rsplit(">", 1)[-1] + words)) == (lang == "zh")
    assert _staged(session, grid) is None


@pytest.mark.parametrize(("lang", "words"), [("zh", "2025-12 已锁定"), ("en", "period 2025-12 is locked")])
def test_the_grids_save_into_a_locked_month_is_refused_in_the_pages_language(grid, signed_in, session, lang, words):  # noqa: F811
    session.add(PeriodLock(period=202512))
    session.commit()
    refused = _save(signed_in("alice"), {"revenue": "1"}, lang=lang)
    assert refused.status_code == 409
    assert words in refused.text
    assert session.query(Submission).filter_by(unit_id=grid.A1.id, period=202512).one_or_none() is None


BAD = {"figures": [{"indicator_code": "nope", "value": "1"}, {"indicator_code": "revenue", "value": "1.234"}]}


@pytest.mark.parametrize(
    ("query", "headers", "lang"),
    [
        ("", {}, "zh"),  # the user's choice
        ("", {"Accept-Language": "en-US,en;q=0.9"}, "en"),
        ("?lang=zh", {"Accept-Language": "en"}, "zh"),  # ?lang= before the header
        ("?lang=en", {}, "en"),
    ],
)
def test_the_apis_refusal_comes_in_the_callers_language_naming_each_row(client, people, session, query, headers, lang):  # noqa: F811
    refused = client.put(f"{API}{query}", headers=people["alice"] | headers, json=BAD | {"version": 0})
    assert refused.status_code == 422
    error = refused.json()["error"]
    by_row = {d["row"]: d for d in error["details"]}
    if lang == "zh":
        assert by_row[1]["message"] == "未知指标“nope”"
        assert by_row[2]["message"] == "'1.234' 的小数超过 2 位"
        assert "第 1 行" in error["message"]
    else:
        assert by_row[1]["message"] == "unknown indicator 'nope'"
        assert by_row[2]["message"] == "'1.234' has more than 2 decimal place(s)"
        assert "row 1" in error["message"]
    assert by_row[1]["message_en"] == "unknown indicator 'nope'"
    assert by_row[1]["message_zh"] == "未知指标“nope”"
    assert session.query(Submission).count() == 0


@pytest.mark.parametrize(("lang", "words"), [("zh", "“return”需要说明理由"), ("en", "'return' needs a reason")])
def test_the_apis_refused_verb_and_unknown_unit_come_in_the_callers_language(client, people, lang, words):  # noqa: F811
    alice, amy = people["alice"], people["amy"]
    client.put(API, headers=alice, json={"figures": [{"indicator_code": "revenue", "value": "1"}], "version": 0})
    client.post(f"{API}/verbs/submit", headers=alice, json={})
    refused = client.post(f"{API}/verbs/return?lang={lang}", headers=amy, json={})
    assert refused.status_code == 422
    message = refused.json()["error"]["message"]
    assert words in message
    missing = client.get(f"/api/submissions/ZZ/2025-01?lang={lang}", headers=alice).json()["error"]["message"]
    assert missing == ("在您可见的单位中没有该单位" if lang == "zh" else "no such unit among those you may see")
