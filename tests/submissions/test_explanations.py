"""Warnings travel with the submission: kept on each save, explained in writing (service, API,
terminal), the explanation kept while the same warning holds, and submitting refused until every
warning is explained and no error remains."""

import pytest
from sqlalchemy import select

from pacer.errors import Conflict, Forbidden, NotFound, ValidationFailed
from pacer.models import AuditEntry, Fact, PeriodLock, SubmissionCheck
from pacer.submissions import service
from tests.factories import create_user, indicator
from tests.submissions.test_service import MONTH, assigned, figures  # noqa: F401  (the autouse fixture)

LAST_YEAR = MONTH - 100


@pytest.fixture
def last_year(session, org):
    """A1's revenue a year before: 100 (scale 2), so 1,000 now is a +900 % jump."""
    session.add(Fact(unit_id=org.A1.id, indicator_id=indicator(session, "revenue").id, period=LAST_YEAR, value=10000))
    session.flush()


def save(session, org, *pairs, **more):
    return service.save_figures(session, org.unit_reporter, "A1", MONTH, figures(*pairs), **more)


def test_a_year_on_year_jump_is_kept_with_the_submission_in_both_languages(session, org, last_year):
    found = save(session, org, "revenue=1000", "total_profit=1")
    [warning] = found.checks
    assert (warning.key, warning.severity, warning.explanation) == ("yoy_jump:revenue", "warning", "")
    assert "同比异动" in warning.message_zh
    assert "year-on-year jump" in warning.message_en
    assert warning.values["change"] == "+900.0 %"
    stored = session.scalars(select(SubmissionCheck)).all()
    assert [(c.submission_id, c.rule) for c in stored] == [(found.submission.id, "yoy_jump")]


def test_submitting_an_unexplained_warning_is_refused_naming_it_and_changes_nothing(session, org, last_year):
    found = save(session, org, "revenue=1000", "total_profit=1")
    for language, words in (("en", "not explained"), ("zh", "尚未说明")):
        edge = session.begin_nested()  # the request's or command's transaction
        with pytest.raises(ValidationFailed) as refused:
            service.act(session, org.unit_reporter, "A1", MONTH, "submit", language=language)
        edge.rollback()
        [problem] = refused.value.problems
        assert words in problem.message
        assert "yoy_jump:revenue" in problem.message
        assert problem.field == "revenue"
    again = service.get(session, org.unit_reporter, "A1", MONTH)
    assert (again.state, again.submission.version) == ("draft", found.submission.version)


def test_an_explained_warning_lets_the_month_go_up_and_the_reviewer_sees_it(session, org, last_year):
    save(session, org, "revenue=1000", "total_profit=1")
    explained = service.explain(session, org.unit_reporter, "A1", MONTH, {"yoy_jump:revenue": "新合同投产"})
    [warning] = explained.checks
    assert (warning.explanation, warning.explained_by) == ("新合同投产", "alice")
    assert warning.explained_at is not None
    service.act(session, org.unit_reporter, "A1", MONTH, "submit")
    seen = service.get(session, org.hq_analyst, "A1", MONTH)
    assert (seen.state, seen.checks[0].explanation) == ("submitted", "新合同投产")
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "submission.explain")).one()
    assert audit.after["explanations"] == {"yoy_jump:revenue": "新合同投产"}


def test_an_explanation_survives_a_resave_while_the_warning_holds_and_goes_with_it(session, org, last_year):
    save(session, org, "revenue=1000", "total_profit=1", explanations={"revenue": "新合同投产"})
    kept = save(session, org, "revenue=1200", "total_profit=2")
    assert [(c.key, c.explanation) for c in kept.checks] == [("yoy_jump:revenue", "新合同投产")]
    assert kept.checks[0].values["value"].startswith("1200")  # recomputed on the new figure
    calm = save(session, org, "revenue=110", "total_profit=2")
    assert calm.checks == []
    back = save(session, org, "revenue=1000", "total_profit=2")
    assert [c.explanation for c in back.checks] == [""]  # a new warning needs a new explanation


def test_errors_cannot_be_explained_and_unknown_warnings_are_named(session, org, last_year):
    service.save_figures(session, org.unit_reporter, "A1", MONTH, figures("revenue=1000"))
    edge = session.begin_nested()
    with pytest.raises(ValidationFailed) as refused:
        service.explain(
            session, org.unit_reporter, "A1", MONTH, {"required:total_profit": "下月补报", "cash": "x"}, language="zh"
        )
    edge.rollback()
    assert [
        (p.field, "错误不能以说明代替" in p.message or "没有这条警告" in p.message) for p in refused.value.problems
    ] == [
        ("required:total_profit", True),
        ("cash", True),
    ]
    assert session.scalars(select(SubmissionCheck.explanation)).all() == ["", ""]


def test_a_missing_required_figure_is_an_error_kept_and_blocking(session, org, last_year):
    found = service.save_figures(session, org.unit_reporter, "A1", MONTH, figures("revenue=1000"))
    assert {(c.key, c.severity) for c in found.checks} == {
        ("required:total_profit", "error"),
        ("yoy_jump:revenue", "warning"),
    }
    service.explain(session, org.unit_reporter, "A1", MONTH, {"revenue": "新合同投产"})
    with pytest.raises(ValidationFailed) as refused:
        service.act(session, org.unit_reporter, "A1", MONTH, "submit")
    assert [p.field for p in refused.value.problems] == ["total_profit"]


def test_explanations_are_the_reporters_and_only_while_editable(session, org, last_year):
    approver = create_user(session, "amy", [("unit_approver", org.A1)])
    save(session, org, "revenue=1000", "total_profit=1", explanations={"revenue": "新合同投产"})

    with pytest.raises(Forbidden):
        service.explain(session, approver, "A1", MONTH, {"revenue": "改"})
    with pytest.raises(NotFound):
        service.explain(session, org.other_reporter, "A1", MONTH, {"revenue": "改"})
    service.act(session, org.unit_reporter, "A1", MONTH, "submit")
    with pytest.raises(Conflict, match="submitted"):
        service.explain(session, org.unit_reporter, "A1", MONTH, {"revenue": "改"})


def test_a_locked_month_takes_no_explanation(session, org, last_year):
    save(session, org, "revenue=1000", "total_profit=1")
    session.add(PeriodLock(period=MONTH))
    session.flush()
    with pytest.raises(Conflict, match="locked"):
        service.explain(session, org.unit_reporter, "A1", MONTH, {"revenue": "新合同投产"})
