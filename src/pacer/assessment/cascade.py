"""Statements drafted from templates (domain x unit kind), and a second-level unit's statement
cascaded to its own units: the same items, each unit's thresholds and targets, checked together
(every unit's statement as a statement, and the units' targets adding up to the parent's) before
any is stored."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from pacer.assessment import repository
from pacer.assessment.plan import Content, Context, cascade_problems, content_problems
from pacer.assessment.service import content_of, context_for, draft, problem, refused, with_targets
from pacer.assessment.workflow import SIGNED_STATES
from pacer.audit.service import record
from pacer.auth.permissions import SET_TARGETS, Actor, may_configure, require
from pacer.errors import Conflict, Forbidden, Problem
from pacer.models import Statement, StatementTemplate, Unit
from pacer.models.base import utcnow
from pacer.org.repository import roots_on

Shares = Mapping[str, Mapping[str, Mapping[str, Any]]]  # unit code -> item code -> {threshold, target}


def save_template(
    session: Session, actor: Actor, domain: str, unit_kind: str, names: tuple[str, str], content: Content
) -> StatementTemplate:
    """The group's template for a domain and kind of unit (HQ at the group), replacing the
    previous one; its items are checked as a statement's, but for targets, taken per unit."""
    if not may_configure(session, actor):
        raise Forbidden("only HQ at the group may change statement templates")
    context = context_for(session, _any_root(session), date.today().year)
    context.reported = frozenset(context.indicators)
    problems = content_problems(_targets_later(content), context)
    if problems:
        raise refused(problems)
    template = repository.template(session, domain, unit_kind)
    before = None if template is None else template.content
    if template is None:
        template = StatementTemplate(domain=domain, unit_kind=unit_kind)
        session.add(template)
    template.name_zh, template.name_en = names
    template.content, template.updated_by, template.updated_at = content.as_json(), actor.username, utcnow()
    key = f"{domain}/{unit_kind}"
    record(session, actor.username, "statement_template.save", "statement_template", key, before, template.content)
    session.flush()
    return template


def _targets_later(content: Content) -> Content:
    """A template's linear items leave thresholds and targets to each unit's targets of record:
    checked here with stand-ins that pass, so that only what a template decides is judged."""
    items = []
    for item in content.items:
        if item.get("kind") == "quantitative" and item.get("rule") == "linear" and item.get("target") is None:
            lower = bool(item.get("lower_is_better"))
            item = dict(item) | {"threshold": 2 if lower else 1, "target": 1 if lower else 2}
        items.append(item)
    return Content(tuple(items), content.grades)


def _any_root(session: Session) -> Unit:
    return roots_on(session, date.today())[0]


def draft_from_templates(
    session: Session, actor: Actor, issuer_code: str, year: int, domain: str, lang: str = "en"
) -> list[Statement]:
    """A draft for every unit right below ``issuer_code`` that has none yet for the year and
    domain, each from its kind's template; all or none (every unit's problems named)."""
    issuer = repository.unit_by_code(session, actor, issuer_code)
    if issuer is None:
        raise refused([problem("unit_unknown", "unit_code", code=issuer_code)], lang)
    require(session, actor, SET_TARGETS, issuer.id)
    plans: list[tuple[Unit, StatementTemplate]] = []
    problems: list[Problem] = []
    for unit in repository.children(session, issuer.id, date.today()):
        if repository.exists(session, unit.id, year, domain) is not None:
            continue
        template = repository.template(session, domain, unit.kind)
        if template is None:
            problems.append(problem("no_template", unit.code, domain=domain, kind=unit.kind))
            continue
        problems += _unit_problems(session, unit, year, Content.of(template.content))
        plans.append((unit, template))
    if problems:
        raise refused(problems, lang)
    return [
        draft(session, actor, u.code, year, domain, Content.of(t.content), lang, template_id=t.id) for u, t in plans
    ]


def _unit_problems(session: Session, unit: Unit, year: int, content: Content) -> list[Problem]:
    """``content``'s problems for ``unit``, each prefixed with the unit's code."""
    context = context_for(session, unit, year)
    found = content_problems(with_targets(session, unit, year, content, context), context)
    return [Problem(p.message, field=f"{unit.code}: {p.field}", zh=p.zh) for p in found]


def cascade(session: Session, actor: Actor, statement_id: int, shares: Shares, lang: str = "en") -> list[Statement]:
    """The statement (signed by its unit) cascaded to each of the unit's own units: its items
    with each unit's thresholds and targets (``shares``; a linear item left out takes the unit's
    targets of record). Refused whole, nothing stored, when a unit is missing or not below it,
    a unit's statement is wrong, or the units' targets do not add up to the statement's."""
    parent, unit, item = repository.statement(session, actor, statement_id)
    require(session, actor, SET_TARGETS, unit.id)
    if item.state not in SIGNED_STATES:
        raise Conflict(problem("cascade_unsigned", "state").text(lang))
    codes = repository.indicator_code_by_id(session)
    parent_content = content_of(repository.items(session, [parent.id])[parent.id], codes, parent.grades)
    units = repository.children(session, unit.id, date.today())
    below = {u.code for u in units}
    problems = [problem("cascade_not_child", c, unit=c, parent=unit.code) for c in shares if c not in below]
    contents: dict[str, Content] = {}
    for child in units:
        if repository.exists(session, child.id, parent.year, parent.domain) is not None:
            raise Conflict(problem("cascade_exists", child.code, unit=child.code, year=parent.year).text(lang))
        if child.code not in shares:
            problems.append(problem("cascade_missing", child.code, unit=child.code))
            continue
        context = context_for(session, child, parent.year)
        content = with_targets(
            session, child, parent.year, _with_shares(parent_content, shares[child.code], context), context
        )
        problems += _unit_problems(session, child, parent.year, content)
        contents[child.code] = content
    if not problems:
        problems = cascade_problems(parent_content, contents, context_for(session, unit, parent.year))
    if problems:
        raise refused(problems, lang)
    year, domain = parent.year, parent.domain
    return [draft(session, actor, code, year, domain, c, lang, parent_id=parent.id) for code, c in contents.items()]


def _with_shares(content: Content, shares: Mapping[str, Mapping[str, Any]], context: Context) -> Content:
    """The parent's items with the unit's share of each; an additive item without one is left to
    the unit's targets of record, a ratio's threshold and target hold for every unit."""
    items = []
    for item in content.items:
        mine = shares.get(str(item.get("code")))
        facts = context.indicators.get(str(item.get("indicator")))
        if mine is not None:
            item = dict(item) | dict(mine)
        elif item.get("kind") == "quantitative" and facts is not None and facts.additive:
            item = dict(item) | {"threshold": None, "target": None}
        items.append(item)
    return Content(tuple(items), content.grades)
