"""The assessment's pages: the group's league table of a year (points, grades, ranks within peer
groups, movement) and a unit's statement with its scorecard, what-if, versions and signing."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from pacer.assessment import assess, league, readings, repository, service, whatif
from pacer.assessment.document import points
from pacer.assessment.shown import shown
from pacer.assessment.words import MEASURES, PEERS, RULES
from pacer.assessment.workflow import STATEMENT
from pacer.auth.deps import CurrentViewer, protect
from pacer.auth.permissions import SET_TARGETS, visible_unit_ids
from pacer.errors import DomainError, Problem, ValidationFailed
from pacer.kit.numbers import parse_scaled
from pacer.web import i18n
from pacer.web.deps import CurrentAnalysis, Db
from pacer.web.params import RowId
from pacer.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)
Protected = [Depends(protect)]
Year = Annotated[int | None, Query(ge=2000, le=2100)]
Choice = Annotated[str, Query(max_length=32)]


def _issues(db: Db, viewer: CurrentViewer) -> bool:
    units = visible_unit_ids(db, viewer.actor, SET_TARGETS)
    return units is None or bool(units)


def _helpers(lang: str) -> dict[str, Any]:
    return {
        "pts": points,
        "rule_name": lambda kind: RULES.get(kind, (kind, kind))[0 if lang == "zh" else 1],
        "measure_name": lambda code: MEASURES.get(code, (code, code))[0 if lang == "zh" else 1],
        "peer_name": lambda peer: "/".join(PEERS.get(p, (p, p))[0 if lang == "zh" else 1] for p in peer.split("/")),
        "month_of": lambda through: i18n.period(through // 100, through % 100, lang),
        "domain_name": lambda code: service.DOMAINS.get(code, (code, code))[0 if lang == "zh" else 1],
        # a title opens with the domain's name: capitalised in English
        "domain_title": lambda code: service.domain_title(code, lang),
    }


@router.get("/assessment")
def league_page(
    request: Request, viewer: CurrentViewer, db: Db, year: Year = None, domain: Choice = "business",
    stage: Choice = "yearend", grading: Choice = "bands",
) -> Response:  # fmt: skip
    year = year or date.today().year - 1
    stage = stage if stage in assess.STAGE_MONTH else "yearend"
    grading = grading if grading in league.GRADINGS else "bands"
    rows = league.league(db, viewer.actor, year, domain, stage, grading)
    filters = {"year": year, "domain": domain, "stage": stage, "grading": grading}
    context = {"rows": rows, "filters": filters, "flow": STATEMENT, "issues": _issues(db, viewer)}
    context |= {"domains": service.DOMAINS, "stages": assess.STAGE_MONTH, "gradings": league.GRADINGS}
    return render(request, "assessment/league.html", context | _helpers(lang_of(request)))


@router.post("/assessment/compute", dependencies=Protected)
def compute(
    viewer: CurrentViewer, db: Db, analysis: CurrentAnalysis, year: Annotated[int, Form(ge=2000, le=2100)],
    domain: Annotated[str, Form(max_length=32)], stage: Annotated[str, Form(max_length=10)],
) -> Response:  # fmt: skip
    assess.record_results(db, viewer.actor, analysis, year, domain, stage)
    return RedirectResponse(f"/assessment?year={year}&domain={domain}&stage={stage}", status_code=303)


def _page(
    request: Request, viewer: CurrentViewer, db: Db, analysis: CurrentAnalysis, statement_id: int, **extra: Any
) -> Response:
    status = extra.pop("status", 200)
    lang = lang_of(request)
    v = service.view(db, viewer.actor, statement_id)
    codes, facts = repository.indicator_code_by_id(db), repository.indicator_facts(db)
    results = {stage: repository.results(db, [statement_id], stage).get(statement_id) for stage in assess.STAGE_MONTH}
    stage = extra.pop("stage", None) or ("yearend" if results["yearend"] else "midyear")
    result = results.get(stage)
    scales = {i: facts[c].scale for i, c in codes.items() if c in facts}
    what_if = whatif.what_if(db, viewer.actor, analysis, statement_id)
    indicator_of = {i.code: codes.get(i.indicator_id) if i.indicator_id else None for i in v.items}
    figures = [
        (codes.get(i.indicator_id or 0), scales.get(i.indicator_id or 0, 2), x)
        for i in v.items
        for x in (i.threshold, i.target)
    ]
    for w in result.working["items"] if result else []:
        figures += [(indicator_of.get(w["code"]), w["scale"], w[k]) for k in ("value", "threshold", "target")]
    figures += [(w.indicator, w.scale, x) for w in what_if for x in (w.value, w.heading, w.needed)]
    context = {
        "v": v,
        "flow": STATEMENT,
        "codes": codes,
        "scales": scales,
        "indicator_of": indicator_of,
        "figs": shown(db, lang, figures),
        "open_month": readings.open_month(analysis, v.statement.year),
        "result": result,
        "stage": stage,
        "stages": assess.STAGE_MONTH,
        "adjustments": repository.adjustments(db, result.id) if result else [],
        "what_if": what_if,
        "issues": _issues(db, viewer),
        "problems": [],
    }
    return render(request, "assessment/statement.html", context | _helpers(lang) | extra, status_code=status)


@router.get("/statements/{statement_id}")
def statement_page(
    request: Request, viewer: CurrentViewer, db: Db, analysis: CurrentAnalysis, statement_id: RowId,
    stage: Annotated[str | None, Query(max_length=10)] = None,
) -> Response:  # fmt: skip
    return _page(request, viewer, db, analysis, statement_id, stage=stage if stage in assess.STAGE_MONTH else None)


def _refusal(exc: DomainError, lang: str) -> list[str]:
    return [p.said(lang) for p in exc.problems] if isinstance(exc, ValidationFailed) else [exc.message]


@router.post("/statements/{statement_id}/verbs/{verb}", dependencies=Protected)
def take_verb(
    request: Request, viewer: CurrentViewer, db: Db, analysis: CurrentAnalysis, statement_id: RowId, verb: str,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:  # fmt: skip
    try:
        service.act(db, viewer.actor, statement_id, verb[:32], reason)
    except DomainError as exc:
        if exc.status in (401, 404):
            raise
        db.rollback()
        problems = _refusal(exc, lang_of(request))
        return _page(request, viewer, db, analysis, statement_id, problems=problems, status=exc.status)
    return RedirectResponse(f"/statements/{statement_id}", status_code=303)


@router.post("/assessment/results/{result_id}/adjust", dependencies=Protected)
def adjust(
    request: Request, viewer: CurrentViewer, db: Db, analysis: CurrentAnalysis, result_id: RowId,
    statement_id: Annotated[int, Form(ge=1, le=2**31 - 1)], change: Annotated[str, Form(max_length=20)],
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:  # fmt: skip
    lang = lang_of(request)
    try:
        try:
            change_points = parse_scaled(change, 2)
        except ValueError as exc:
            raise ValidationFailed([Problem(str(exc), field="change", zh=f"调整分值：{exc}")], "assessment") from None
        adjusted = assess.adjust(db, viewer.actor, result_id, change_points, reason, lang)
    except DomainError as exc:
        if exc.status in (401, 404):
            raise
        db.rollback()
        return _page(request, viewer, db, analysis, statement_id, problems=_refusal(exc, lang), status=exc.status)
    return RedirectResponse(f"/statements/{adjusted.statement_id}?stage={adjusted.stage}", status_code=303)
