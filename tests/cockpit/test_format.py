"""One way of showing a figure: the formatters of the pages, the exports and the terminal agree,
never show a negative zero, use one word per status and one unit label per language."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from pacer.analysis import choose
from pacer.analysis.answers.results import Change, ChangeKind, Status
from pacer.analysis.shown import wording
from pacer.analysis.shown.display import DisplayUnit
from pacer.cli.present import text as report_text
from pacer.cockpit import format as fmt
from pacer.cockpit.schemas import Display
from pacer.kit.tabular import csv_safe, write_csv
from pacer.web import i18n
from pacer.web.messages import MESSAGES
from tests.analysis.support import BUILTIN_UNITS

CJK = re.compile(r"[\u3400-\u9fff]")
YI_SCREEN = report_text.Screen(DisplayUnit.YI_YUAN, BUILTIN_UNITS)
TINY_NEGATIVES = (-0.0, -0.001, -0.0049, Decimal("-0.004"), Decimal("-0.00"))


@pytest.mark.parametrize("x", TINY_NEGATIVES)
def test_no_formatter_shows_a_negative_zero(x):
    shown = [
        wording.number(x, 2),
        wording.number(x, 2, signed=True),
        wording.percent(x, 1),
        wording.percent(x, 1, signed=True),
        wording.pp(x, "zh"),
        wording.pp(x, "en"),
        wording.pp(x, "en", compact=True),
        wording.gap(float(x)),
        i18n.number(x, 2),
        i18n.number(x, 2, signed=True),
        i18n.percent(x, 1, signed=True),
        i18n.pp(x, "zh"),
        i18n.pp(x, "en"),
        i18n.scaled(x, i18n.PERCENT, signed=True),
        i18n.scaled(Decimal(x) * 1000, i18n.YI, signed=True),
        fmt.amount(Decimal(x) * 100, Display(label="万元", divisor=1e4, decimals=1), signed=True),
        report_text.pct(float(x)),
        report_text.pp(float(x)),
        report_text.amount(
            {"value": str(Decimal(x).quantize(Decimal("0.0001"))), "unit": "pp"}, YI_SCREEN, signed=True
        ),
        report_text.amount({"value": "-400.00", "unit": "yuan"}, YI_SCREEN, signed=True),
        wording.change(Change(ChangeKind.PERCENT, float(x), 0, float(x)), "en"),
        wording.change(Change(ChangeKind.PP, float(x), 0, None), "zh"),
    ]
    assert not [s for s in shown if s.startswith(("-", "−"))], shown


@pytest.mark.parametrize(
    ("kind", "change", "percent"), [(ChangeKind.PERCENT, -1.0, -0.04), (ChangeKind.PP, -0.001, None)]
)
def test_a_change_that_reads_as_zero_is_neither_good_nor_bad(kind, change, percent):
    out = fmt.change(Change(kind, change, -1, percent), Display(label="亿元", divisor=1e8, decimals=2), "zh")
    assert out.good is None
    assert not out.text.startswith("-")


def test_rounding_is_half_away_from_zero_from_the_exact_value_like_the_terminal():
    # 2.675 亿元 is 2.67499999... as a binary float: formatting the float would show 2.67
    exact = Decimal("267500000.00")
    assert f"{float(exact) / 1e8:.2f}" == "2.67"
    assert i18n.scaled(exact, i18n.YI) == "2.68"
    assert fmt.amount(exact, Display(label="亿元", divisor=1e8, decimals=2)) == "2.68"
    assert report_text.amount({"value": "267500000.00", "unit": "yuan"}, YI_SCREEN) == "2.68"


def test_one_word_per_status_on_pages_and_in_the_terminal():
    for status in Status:
        for lang in ("zh", "en"):
            assert (
                i18n.translate(lang, f"status.{status.value}")
                == wording.status(status, lang)
                == i18n.status(status.value, lang)
            )
    assert wording.status(Status.OFF_TRACK, "zh") == "滞后"
    assert not [k for k, (zh, _) in MESSAGES.items() if "落后" in zh]  # not a second word for it


@pytest.mark.parametrize("unit", ["yuan", "percent", "pp", "person", "count", "yuan_per_person"])
def test_an_english_unit_label_has_no_chinese(unit):
    if unit in BUILTIN_UNITS:
        assert not CJK.search(wording.unit_label(choose(BUILTIN_UNITS[unit], 1e9), "en"))
        assert not CJK.search(wording.unit_label(choose(BUILTIN_UNITS[unit], 1), "en"))
    screen = report_text.Screen(DisplayUnit.WAN_YUAN, BUILTIN_UNITS)
    assert not CJK.search(report_text.unit_label(unit, screen, report_text.WORDS["en"]))
    assert not [w for w in report_text.WORDS["en"].values() if CJK.search(w)]
    assert i18n.scale_for(BUILTIN_UNITS["yuan"], 1e9).label("en") == "RMB 100m"


def test_ranking_lines_add_up_to_the_total_shown():
    from pacer.cockpit import schemas

    display = Display(label="亿元", divisor=1e8, decimals=2)
    ref = schemas.IndicatorRef(
        code="revenue", name="营业收入", unit="yuan", kind="flow", direction="higher", display=display
    )
    no_change = schemas.ChangeOut(kind="no_data", text="—")
    parts = [Decimal("1110500000.00"), Decimal("1110500000.00"), Decimal("1110500000.00")]
    rows = [
        schemas.RankRow(
            rank=i,
            unit=schemas.UnitRef(code=f"U{i}", name=f"U{i}"),
            ytd=p,
            yoy=no_change,
            completion_pct=None,
            gap_pp=None,
            status=None,
            trend=[],
        )
        for i, p in enumerate(parts, 1)
    ]
    own = Decimal("-12345678.90")
    ranking = schemas.Ranking(indicator=ref, measure="ytd", rows=rows, total=sum(parts) + own, own=own)
    shown, own_shown, total_shown = fmt.ranking_shown(ranking)
    assert total_shown == "33.19"
    assert sum(Decimal(s) for s in shown) + Decimal(own_shown) == Decimal(total_shown)


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-2+3", "'-2+3"),
        ("-12.50", "-12.50"),
        ("+12", "+12"),
        ("单位A", "单位A"),
        (12, 12),
    ],
)
def test_csv_text_that_would_run_as_a_formula_is_quoted(text, safe):
    assert csv_safe(text) == safe
    assert write_csv([{"name": text}], ["name"]).splitlines()[1].strip('"').startswith(str(safe)[:1])
    doc = {"command": "rank", "rows": [{"rank": 1, "unit": {"code": "U", "name": text}, "value": None}]}
    assert report_text.rows_csv(doc).splitlines()[1].split(",", 2)[2].strip('"').startswith(str(safe)[:1])
