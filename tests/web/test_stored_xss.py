"""Stored markup in every free-text field is shown as text on every page.

Every free-text column of every table (unit, person and indicator names, meeting titles, articles
and requirements, task titles, descriptions and progress narratives, comments and reasons, report
narratives, quality problems, SPC characteristics, notifications, file names…) gets a payload that
breaks out of an attribute and opens an element of its own, in the group of the cross-unit test
(every route's path parameters known); then every GET route is read as the group administrator in
both languages. An HTML page or SVG drawing holding the payload's markup unescaped is a failure; a
column whose payload no answer showed at all is reported, so the count says what was reached.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import String, Text, func, literal, update

from pacer.analysis.serve.service import build
from pacer.audit import service as audit
from pacer.models import Base
from pacer.web.deps import get_analysis_dep
from tests.hostile import record
from tests.web import test_cross_unit
from tests.web.test_bad_input import bearer
from tests.web.test_cross_unit import UNITS, WIDER, call, requests_for, routes
from tests.webclient import page_token

pytestmark = pytest.mark.slow

group = test_cross_unit.group  # the cross-unit test's group, a fixture here too

# table -> its free-text columns: what a person types (names, titles, texts, reasons, notes)
FREE_TEXT = {
    "unit": ("name_zh", "name_en"),
    "person": ("name_zh", "name_en"),
    "user_account": ("display_name",),
    "commendation_award": ("name_zh", "name_en"),
    "commendation": ("distinction_zh", "distinction_en", "citation_zh", "citation_en"),
    "indicator_category": ("name_zh", "name_en"),
    "indicator_set": ("name_zh", "name_en", "description_zh", "description_en"),
    "indicator_version": ("name_zh", "name_en", "definition_zh", "definition_en"),
    "measure_unit": ("name_zh", "name_en", "symbol_zh", "symbol_en"),
    "statement_template": ("name_zh", "name_en"),
    "elimination_entry": ("counterparty", "description"),
    "indicator_assignment": ("reason", "closed_reason"),
    "meeting": ("title", "place", "chair", "summary", "source_text"),
    "meeting_agenda_item": ("speaker", "title"),
    "meeting_attendance": ("name",),
    "requirement": ("issuer", "text"),
    "spc_characteristic": ("name_zh", "name_en", "product", "product_en"),
    "spc_excluded_point": ("reason", "reason_en"),
    "spc_subgroup": ("batch",),
    "stored_file": ("filename",),
    "submission": ("situation", "problems", "deviations", "measures"),
    "submission_check": ("explanation",),
    "target": ("reason",),
    "unit_leader": ("portfolio_zh", "portfolio_en"),
    "workflow_item": ("title_zh", "title_en"),
    "workflow_event": ("reason",),
    "job": ("title_zh", "title_en", "message", "error"),
    "notification": ("title_zh", "title_en", "body_zh", "body_en"),
    "quality_problem": ("title", "programme", "product", "description", "supplier"),
    "quality_sister_check": ("finding",),
    "report_record": ("problems", "countermeasures", "plan"),
    "statement_event": ("note",),
    "statement_version": ("reason",),
    "statement_item": ("name_zh", "name_en"),
    "task": ("title", "description", "deliverables", "indicator_goal", "source"),
    "task_milestone": ("title",),
    "task_progress": ("narrative",),
    "zeroing_criterion": ("evidence", "sign_note"),
    "assessment_adjustment": ("reason",),
}
MARK = re.compile(r"<x-xss-(\d+)")
SHOWN = re.compile(r"x-xss-(\d+)")
MARKUP = ("text/html", "image/svg+xml")
READ_AT = (None, "G", "A1", "A2")  # the units whose routes are read (the group, a unit, the moved unit)


def payload(number: int) -> str:
    """Closes a quoted attribute and opens an element named by ``number`` (the column's)."""
    return f"\"'><x-xss-{number}>"


def poison(session) -> dict[int, str]:
    """Every free-text value of every row starts with its column's payload; number -> table.column."""
    fields: dict[int, str] = {}
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    for name, columns in FREE_TEXT.items():
        table = tables[name]
        for column in columns:
            col = table.c[column]
            assert isinstance(col.type, (String, Text)), f"{name}.{column}"
            number = len(fields) + 1
            fields[number] = f"{name}.{column}"
            value = literal(payload(number)).concat(func.coalesce(col, ""))
            if getattr(col.type, "length", None):
                value = func.substr(value, 1, col.type.length)
            session.execute(update(table).values({column: value}))
    # the audit trail takes no change: a new entry's note and changed value
    number = len(fields) + 1
    fields[number] = "audit_entry.note"
    unit = UNITS["A1"][0]
    audit.record(
        session, WIDER, "unit.update", "unit", unit, {"name_en": "x"}, {"name_en": payload(number)}, payload(number)
    )
    session.flush()
    return fields


def _narratives(session) -> None:
    """A1's monthly narrative and a progress report on its task: the narratives the pages show."""
    from pacer.auth.permissions import load_actor
    from pacer.submissions.service import NARRATIVE, save_figures
    from pacer.tasks.lifecycle import act, report_progress

    alice = load_actor(session, "alice")
    save_figures(session, alice, UNITS["A1"][0], 202506, None, dict.fromkeys(NARRATIVE, "text"))
    task_id = int(test_cross_unit.FILL["task_id"][0])
    act(session, alice, task_id, "accept", today=date(2026, 1, 6))
    report_progress(session, alice, task_id, 10, "what was done", now=datetime(2026, 1, 6, tzinfo=UTC))


def test_stored_markup_is_shown_as_text_on_every_page(app, group, signed_in, session):
    _narratives(session)
    fields = poison(session)
    analysis = build(session.connection())  # names in the engine's answers too
    app.dependency_overrides[get_analysis_dep] = lambda: analysis
    client = signed_in(WIDER)
    api, csrf = bearer(session, WIDER), page_token(client)
    failures: list[str] = []
    shown: Counter[int] = Counter()
    read = 0
    for method, path in routes(app):
        if method != "GET":
            continue
        for url, unit in requests_for(method, path, WIDER):
            if unit not in READ_AT or ".png" in url:
                continue  # every unit's names are on the group's pages; a PNG's text cannot be read
            response = call(client, method, url, api, csrf)
            read += 1
            kind = response.headers.get("content-type", "")
            if response.status_code >= 500 and path != "/readyz":  # 503 while not ready: its answer
                failures.append(f"GET {url} -> {response.status_code}")
                continue
            if not kind.startswith(("text/", "application/json", "image/svg")):
                continue
            body = response.text
            shown.update(int(n) for n in set(SHOWN.findall(body)))
            if kind.startswith(MARKUP):
                for n in sorted(set(MARK.findall(body))):
                    failures.append(f"GET {url}: {fields[int(n)]} unescaped")
    reached = sorted(fields[n] for n in shown)
    missed = sorted(set(fields.values()) - set(reached))
    tried = (
        f"{len(fields)} free-text columns poisoned, {len(reached)} of them shown by some answer; {read} answers read"
    )
    record("stored XSS", "every GET route, every free-text column", tried, read, failures)
    print(f"free-text columns no answer showed: {missed}")
    assert not failures, "\n".join(failures[:20])
    # the crawl reached the fields the issue names: narratives, comments, task texts, meeting
    # articles and requirements, unit names
    named = ("unit.name_en", "unit.name_zh", "task.title", "task_progress.narrative", "submission.situation")
    for needed in (*named, "requirement.text", "meeting.title", "meeting.source_text", "notification.title_en"):
        assert needed in reached, (needed, missed)
