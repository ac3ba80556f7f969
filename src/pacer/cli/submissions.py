"""``pacer submissions``: a unit's monthly figures from draft to accepted, a thin shell over
:mod:`pacer.submissions.service` (the pages and the API are others over the same service)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pacer.cli.common import AsUser, Language, actor, console, ensure_schema, group, language, period, reports_errors
from pacer.db import unit_of_work
from pacer.errors import DomainError

if TYPE_CHECKING:
    from pacer.submissions.service import Found

commands = group("Monthly submissions: save, submit, approve, accept, return, reopen.")

UnitCode = Annotated[str, typer.Argument(help="The unit's code.")]
Month = Annotated[str, typer.Argument(help="The month, YYYY-MM.")]
Reason = Annotated[str | None, typer.Option(help="Why (required to return or reopen).")]
Version = Annotated[
    int | None, typer.Option(help="The version you read (refused if it changed meanwhile); default: the stored one.")
]


def register(app: typer.Typer) -> None:
    app.add_typer(commands, name="submissions")


@commands.command("list")
@reports_errors
def submissions_list(
    month: Annotated[str | None, typer.Option("--period", help="Only this month, YYYY-MM.")] = None,
    state: Annotated[str | None, typer.Option(help="Only this state (draft, submitted, approved, ...).")] = None,
    as_user: AsUser = None,
) -> None:
    """The submissions of the units you may see, newest month first."""
    from pacer.kit import periods
    from pacer.submissions import service

    ensure_schema()
    by, chosen = actor(as_user), period("--period", month) if month else None
    with unit_of_work() as session:
        total, rows = service.submissions(session, by, chosen, state)
        for sub, unit, item in rows:
            due = item.due_at.date().isoformat() if item and item.due_at else "-"
            line = f"{unit.code:12} {periods.format_period(sub.period)}  {sub.state:10} v{sub.version:<4} due {due:10}"
            console().print(f"{line} {sub.source}", highlight=False)
    console().print(f"{total} submission(s).")


@commands.command("show")
@reports_errors
def submissions_show(unit: UnitCode, month: Month, as_user: AsUser = None) -> None:
    """One submission: state, version, figures, narrative, the rules' errors and warnings with
    their explanations, history and the verbs you may take."""
    from pacer.cli.common import language
    from pacer.kit.numbers import format_scaled
    from pacer.submissions import service

    ensure_schema()
    by, chosen = actor(as_user), period("MONTH", month)
    with unit_of_work() as session:
        found = service.get(session, by, unit, chosen)
        out = console()
        out.print(f"{found.name}: {found.state}, version {found.submission.version}", highlight=False)
        for ind, fig in found.figures:
            out.print(f"  {ind.code:28} {format_scaled(fig.value, ind.scale):>18} {fig.basis}", highlight=False)
        for field in service.NARRATIVE:
            out.print(f"  {field}: {getattr(found.submission, field)}", highlight=False)
        _print_checks(found, language(None))
        for e in found.history:
            reason = f" ({e.reason})" if e.reason else ""
            out.print(f"  {e.at:%Y-%m-%d %H:%M} {e.actor:12} {e.verb}{reason}", highlight=False)
        out.print("  verbs: " + (", ".join(t.verb for t in found.verbs) or "-"), highlight=False)


@commands.command("save")
@reports_errors
def submissions_save(
    unit: UnitCode,
    month: Month,
    file: Annotated[Path, typer.Argument(help="CSV: indicator_code,value[,basis] (basis: monthly or ytd).")],
    situation: Annotated[str | None, typer.Option(help="Narrative: the situation (经营情况).")] = None,
    problems: Annotated[str | None, typer.Option(help="Narrative: problems (存在问题).")] = None,
    deviations: Annotated[str | None, typer.Option(help="Narrative: reasons for deviations (偏差原因).")] = None,
    measures: Annotated[str | None, typer.Option(help="Narrative: measures taken (采取措施).")] = None,
    explain: Annotated[
        list[str] | None, typer.Option("--explain", help="RULE:INDICATOR=TEXT: explain a warning (repeatable).")
    ] = None,
    version: Version = None,
    as_user: AsUser = None,
) -> None:
    """Save a draft's (or a returned submission's) figures and narrative, as the unit's reporter;
    the rules' warnings are listed by 'show' and each needs an explanation before submitting."""
    from pacer.cli.common import language
    from pacer.submissions import service

    ensure_schema()
    by, chosen = actor(as_user), period("MONTH", month)
    rows, read = service.read_figures(file)
    given = {"situation": situation, "problems": problems, "deviations": deviations, "measures": measures}
    narrative = {k: v for k, v in given.items() if v is not None}
    with unit_of_work(writes=True, queue=True) as session:
        found = service.save_figures(
            session, by, unit, chosen, rows, narrative, version, read, _notes(explain), language=language(None)
        )
        saved = f"{found.name}: {len(found.figures)} figure(s) saved, version {found.submission.version}"
    console().print(saved, highlight=False)


def _print_checks(found: Found, lang: str) -> None:
    out, zh = console(), lang == "zh"
    if found.checks:
        out.print("  检查结果：" if zh else "  checks:", highlight=False)
    for c in found.checks:
        out.print(f"  [{c.key}] {c.message(lang)}", highlight=False, markup=False)
        if c.severity == "warning" and c.explanation:
            said = "说明" if zh else "explained"
            when = f"{c.explained_at:%Y-%m-%d %H:%M}" if c.explained_at else ""
            out.print(f"    {said} ({c.explained_by}, {when}): {c.explanation}", highlight=False, markup=False)
        elif c.severity == "warning":
            out.print("    尚未说明" if zh else "    not explained yet", highlight=False)


def _notes(given: list[str] | None) -> dict[str, str]:
    notes = {}
    for text in given or []:
        key, sep, note = text.partition("=")
        if not sep or not key.strip():
            raise DomainError(f"--explain '{text[:40]}': write RULE:INDICATOR=TEXT (or INDICATOR=TEXT)", status=422)
        notes[key.strip()] = note
    return notes


@commands.command("explain")
@reports_errors
def submissions_explain(
    unit: UnitCode,
    month: Month,
    warning: Annotated[str, typer.Argument(help="The warning: RULE:INDICATOR (or INDICATOR), as 'show' lists it.")],
    text: Annotated[str, typer.Argument(help="The written explanation ('' withdraws it).")],
    version: Version = None,
    as_user: AsUser = None,
) -> None:
    """Explain a warning of a draft or returned month (the unit's reporter); submit needs every warning explained."""
    from pacer.cli.common import language
    from pacer.submissions import service

    ensure_schema()
    by, chosen, lang = actor(as_user), period("MONTH", month), language(None)
    with unit_of_work(writes=True, queue=True) as session:
        found = service.explain(session, by, unit, chosen, {warning: text}, version, lang)
        left = sum(1 for c in found.checks if c.severity == "warning" and not c.explanation)
        at = found.submission.version
        said = (
            f"{found.title(lang)}：已说明，尚有 {left} 条警告未说明（版本 {at}）"
            if lang == "zh"
            else f"{found.name}: explained; {left} warning(s) left unexplained (version {at})"
        )
    console().print(said, highlight=False)


def _act(unit: str, month: str, verb: str, as_user: str | None, reason: str | None, version: int | None) -> None:
    from pacer.cli.common import language
    from pacer.submissions import service

    ensure_schema()
    by, chosen = actor(as_user), period("MONTH", month)
    with unit_of_work(writes=True, queue=True) as session:
        found = service.act(session, by, unit, chosen, verb, reason, version, language(None))
        said = f"{found.name} is {found.state} (version {found.submission.version})."
    console().print(said, highlight=False)


@commands.command("submit")
@reports_errors
def submissions_submit(unit: UnitCode, month: Month, version: Version = None, as_user: AsUser = None) -> None:
    """Submit a draft or returned month to the unit's approver (the unit's reporter)."""
    _act(unit, month, "submit", as_user, None, version)


@commands.command("approve")
@reports_errors
def submissions_approve(unit: UnitCode, month: Month, version: Version = None, as_user: AsUser = None) -> None:
    """Approve a submitted month (the unit's approver); HQ accepts it next."""
    _act(unit, month, "approve", as_user, None, version)


@commands.command("accept")
@reports_errors
def submissions_accept(unit: UnitCode, month: Month, version: Version = None, as_user: AsUser = None) -> None:
    """Accept an approved month (HQ): its figures become the figures of record."""
    _act(unit, month, "accept", as_user, None, version)


@commands.command("return")
@reports_errors
def submissions_return(
    unit: UnitCode, month: Month, reason: Reason = None, version: Version = None, as_user: AsUser = None
) -> None:
    """Return a submitted month (its approver) or an approved one (HQ) to the reporter, with the reason."""
    _act(unit, month, "return", as_user, reason, version)


@commands.command("reopen")
@reports_errors
def submissions_reopen(
    unit: UnitCode, month: Month, reason: Reason = None, version: Version = None, as_user: AsUser = None
) -> None:
    """Reopen an accepted month (HQ), with the reason: the reporter may change it again."""
    _act(unit, month, "reopen", as_user, reason, version)


@commands.command("monitor")
@reports_errors
def submissions_monitor(
    month: Annotated[str, typer.Option("--period", help="The month, YYYY-MM.")],
    node: Annotated[str | None, typer.Option(help="The unit whose subtree is shown (default: your top unit).")] = None,
    late: Annotated[bool, typer.Option("--late", help="Only the late units.")] = False,
    remind: Annotated[
        bool, typer.Option("--remind", help="Remind the late units' reporters (HQ; each unit once a day).")
    ] = False,
    lang: Annotated[Language | None, typer.Option(help="zh or en (default: PACER_LANGUAGE).")] = None,
    as_user: AsUser = None,
) -> None:
    """Who has reported a month: each unit's status and lateness, counts per level and status."""
    from pacer.cli.present.monitor import monitor_tables, reminded_lines
    from pacer.config import get_settings
    from pacer.db import get_engine, session_factory
    from pacer.notifications.mail import send_outbox
    from pacer.submissions import monitor

    ensure_schema()
    by, chosen, words = actor(as_user), period("--period", month), language(lang)
    with unit_of_work(writes=remind, queue=remind) as session:
        board = monitor.monitor(session, by, chosen, node)
        done = monitor.remind_late(session, by, chosen, node, board.now) if remind else None
        console().print(monitor_tables(board, monitor.shown(board, "late" if late else None), words))
    if done is not None:
        sent = send_outbox(session_factory(get_engine()), get_settings())  # the e-mails, once committed
        for line in reminded_lines(done, words):
            console().print(line, highlight=False)
        if sent.sent or sent.failed:
            console().print(f"e-mails: {sent.sent} sent, {sent.failed} failed", highlight=False)
