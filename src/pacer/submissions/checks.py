"""The validation rules' findings kept with a submission (``submission_check``).

They are recomputed on each save from the staged figures; a warning's written explanation (who
gave it, when) stays through later saves while the same rule still warns on the same indicator.
A submission may be submitted only when no error remains and every warning is explained.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy.orm import Session

from pacer.auth.permissions import Actor
from pacer.errors import Problem, ValidationFailed
from pacer.models import Submission, SubmissionCheck, Unit
from pacer.models.base import utcnow
from pacer.submissions import earlier, repository, rule_config
from pacer.submissions.rule_context import build_context
from pacer.submissions.rules import ERROR, WARNING, Finding, RuleContext, check

MAX_EXPLANATION = 4000


def monthly(figures: Sequence[repository.Staged], context: RuleContext) -> dict[str, int]:
    """The staged figures in the rules' stored form: a year-to-date flow less the earlier months."""
    out = {}
    for ind, fig in figures:
        ytd = fig.basis == "ytd" and ind.kind == "flow"
        out[ind.code] = fig.value - context.ytd_before.get(ind.code, 0) if ytd else fig.value
    return out


def context(session: Session, actor: Actor, unit: Unit, period: int, pending: Mapping[earlier.Key, int]) -> RuleContext:
    """The rules' context of the unit's month, ``pending`` (its earlier months not yet
    accepted) laid over the stored figures; ``actor`` must see the unit."""
    return build_context(session, actor, unit, period, rule_config.configured(), pending)


def refresh(
    session: Session,
    actor: Actor,
    unit: Unit,
    sub: Submission,
    cells: Mapping[str, str] | None = None,
    given: RuleContext | None = None,
    figures: Sequence[repository.Staged] | None = None,
    rows: Sequence[SubmissionCheck] | None = None,
) -> list[SubmissionCheck]:
    """Recompute the submission's findings; explanations of warnings that still hold are kept.
    ``cells`` name where each figure came from (None: as the stored findings said). What the
    caller has read already as it stands: ``given``, the month's :func:`context`; ``figures``,
    the staged figures; ``rows``, the stored findings."""
    stored = {c.key: c for c in (repository.checks(session, sub.id) if rows is None else rows)}
    if cells is None:
        cells = {c.indicator: c.cell for c in stored.values() if c.cell and c.cell != c.indicator}
    if given is None:
        given = context(session, actor, unit, sub.period, earlier.pending(session, unit.id, sub.period))
    figures = repository.figures(session, sub.id) if figures is None else figures
    findings = check(monthly(figures, given), given, cells=cells)
    kept: list[SubmissionCheck] = []
    seen: set[str] = set()
    for finding in findings:
        if finding.key in seen:
            continue  # one finding per rule and indicator
        seen.add(finding.key)
        row = stored.pop(finding.key, None)
        if row is None:
            row = SubmissionCheck(submission_id=sub.id, rule=finding.rule, indicator=finding.indicator)
            session.add(row)
        _fill(row, finding)
        kept.append(row)
    for gone in stored.values():
        session.delete(gone)
    session.flush()
    return kept


def _fill(row: SubmissionCheck, finding: Finding) -> None:
    if finding.severity != WARNING:  # only a warning is explained
        row.explanation, row.explained_by, row.explained_at = "", None, None
    row.severity, row.cell = finding.severity, finding.cell[:100]
    row.message_zh, row.message_en = finding.message_zh, finding.message_en
    row.values = dict(finding.values)


def explain(
    session: Session,
    actor: Actor,
    sub: Submission,
    notes: Mapping[str, str],
    name: str,
    language: str = "en",
    rows: Sequence[SubmissionCheck] | None = None,
) -> Sequence[SubmissionCheck]:
    """Give (or, with empty text, withdraw) the explanations of warnings, by ``rule:indicator``
    or by indicator code when one warning is on it. Each key must name a current warning.
    ``rows``: the submission's findings in order, when the caller has read them as they stand."""
    rows = repository.checks(session, sub.id) if rows is None else rows
    problems: list[Problem] = []
    chosen: list[tuple[SubmissionCheck, str]] = []
    for key, text in notes.items():
        row, problem = _target(rows, key, text, language)
        if problem is not None:
            problems.append(problem)
        elif row is not None:
            chosen.append((row, text.strip()))
    if problems:
        raise ValidationFailed(problems, name)
    now = utcnow()
    for row, text in chosen:
        row.explanation = text
        row.explained_by, row.explained_at = (actor.username, now) if text else (None, None)
    session.flush()
    return rows


def _target(
    rows: Sequence[SubmissionCheck], key: str, text: str, language: str
) -> tuple[SubmissionCheck | None, Problem | None]:
    zh = language == "zh"
    matching = [r for r in rows if key in (r.key, r.indicator)]
    warned = [r for r in matching if r.severity == WARNING]
    if len(text) > MAX_EXPLANATION:
        limit = f"{MAX_EXPLANATION:,}"
        return None, Problem(f"说明超过 {limit} 个字符" if zh else f"longer than {limit} characters", field=key)
    if len(warned) == 1:
        return warned[0], None
    if len(warned) > 1:
        keys = ", ".join(r.key for r in warned)
        said = f"该指标有多条警告，请写明规则：{keys}" if zh else f"several warnings on it; name one: {keys}"
        return None, Problem(said, field=key)
    if matching:
        said = "错误不能以说明代替，请改正数值" if zh else "an error cannot be explained away: correct the figure"
        return None, Problem(said, field=key)
    said = "没有这条警告（请重新载入）" if zh else "no such warning on this submission (reload it)"
    return None, Problem(said, field=key)


def unready(rows: Sequence[SubmissionCheck], language: str = "en") -> list[Problem]:
    """What stops a submission: each error, and each warning without an explanation."""
    zh = language == "zh"
    out = []
    for row in rows:
        if row.severity == ERROR:
            out.append(Problem(row.message(language), field=row.indicator))
        elif not row.explanation.strip():
            need = (
                f"（尚未说明：请对 {row.key} 给出书面说明）"
                if zh
                else f" (not explained: give a written explanation for {row.key})"
            )
            out.append(Problem(row.message(language) + need, field=row.indicator))
    return out
