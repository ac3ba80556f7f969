"""A statement that cannot be scored is refused as a whole, each problem named in both languages."""

import pytest

from pacer.assessment.rules import Adjustment, Band, Grades, Item, Rule, Statement, Veto
from pacer.assessment.scoring import Reading, assess
from pacer.assessment.validation import check_statement, statement_problems
from pacer.errors import ValidationFailed

LINEAR = Rule("linear", threshold=8000, target=10000)


def problems(*items: Item, **kw) -> list[tuple[str | None, str, str]]:
    return [(p.field, p.message, p.zh) for p in statement_problems(Statement(items=items, **kw))]


def test_a_sound_statement_has_no_problem():
    assert problems(Item("a", 6000, LINEAR), Item("b", 4000, Rule("zero_defects"))) == []


def test_weights_that_do_not_add_up_to_full_marks_are_refused():
    assert problems(Item("a", 6000, LINEAR), Item("b", 3000, LINEAR)) == [
        ("weight", "the items' weights add up to 90.00 points, not 100.00", "各考核项权重合计 90.00 分，应为 100.00 分")
    ]


def test_a_rule_without_its_target_or_threshold_is_refused_naming_the_item():
    found = problems(Item("a", 5000, Rule("linear", threshold=8000)), Item("b", 5000, Rule("linear", target=9000)))
    assert found == [
        ("a", "the linear rule needs a strive target", "线性计分（门槛值至力争目标，封顶）需要力争目标"),
        ("b", "the linear rule needs a threshold", "线性计分（门槛值至力争目标，封顶）需要门槛值"),
    ]
    growth = problems(Item("g", 10000, Rule("growth", threshold=0)))
    assert growth[0][:2] == ("g", "the growth rule needs a threshold growth and a target growth")
    assert problems(Item("s", 10000, Rule("stepwise")))[0][1] == "the stepwise rule needs at least one band"


def test_a_target_on_the_wrong_side_of_its_threshold_is_refused():
    wrong = Rule("linear", threshold=40000, target=50000, lower_is_better=True)
    assert problems(Item("two_funds", 10000, wrong)) == [
        (
            "two_funds",
            "the strive target 500.00 must be below the threshold 400.00",
            "力争目标 500.00 应低于门槛值 400.00",
        )
    ]
    assert problems(Item("flat", 10000, Rule("linear", threshold=1, target=1)))[0][1].endswith(
        "above the threshold 0.01"
    )


@pytest.mark.parametrize(
    "bands",
    [
        (Band(8000, 5000), Band(10000, 10000)),  # worst band first
        (Band(10000, 5000), Band(8000, 10000)),  # shares rising as the bar falls
        (Band(10000, 12000),),  # above the cap
    ],
)
def test_bands_out_of_order_are_refused(bands):
    assert [f for f, _, _ in problems(Item("s", 10000, Rule("stepwise", bands=bands)))] == ["s"]


def test_other_problems_are_each_named():
    found = problems(
        Item("a", 0, LINEAR),
        Item("a", 10000, Rule("magic")),
        Item("c", 0, Rule("linear", threshold=1, target=2, cap=30000)),
        adjustments=(Adjustment("x", "gift", -1, 0),),
        vetoes=(Veto("v", "E"),),
        grades=Grades((("A", 80), ("B", 90), ("C", 0))),
    )
    fields = [f for f, _, _ in found]  # a twice, a weight zero, a rule unknown; c weight, c cap …
    assert fields == ["a", "a", "a", "c", "c", "x", "x", "grades", "v"]
    assert all(zh for _, _, zh in found)  # every problem has its Chinese words


def test_scoring_a_bad_statement_raises_and_lists_every_problem():
    bad = Statement(items=(Item("a", 5000, Rule("linear", threshold=1)),))
    with pytest.raises(ValidationFailed) as raised:
        assess(bad, {"a": Reading(1)})
    assert raised.value.status == 422
    assert len(raised.value.problems) == 2
    assert "nothing was stored" in raised.value.message
    with pytest.raises(ValidationFailed):
        check_statement(bad)
