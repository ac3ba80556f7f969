"""``pacer meetings``: meetings and their numbered requirements.

``pacer meetings extract FILE`` proposes a meeting record and its requirements from an article
(:mod:`pacer.meetings.extract`); it reads the file and stores nothing. ``list``, ``show`` and
``import-article`` are the register's, a thin shell over :mod:`pacer.meetings.service` (the pages
and the API are others over the same service).
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from pacer.cli.common import AsUser, Language, actor, console, ensure_schema, group, language, reports_errors
from pacer.db import unit_of_work
from pacer.errors import DomainError

if TYPE_CHECKING:
    from pacer.meetings.extract import Extraction

commands = group("Meetings and their numbered requirements.")

# the terminal's words, (中文, English)
WORDS = {
    "title": ("标题", "title"),
    "date": ("日期", "date"),
    "place": ("地点", "place"),
    "kind": ("类型", "kind"),
    "mode": ("形式", "mode"),
    "chair": ("主持", "chair"),
    "speakers": ("讲话人", "speakers"),
    "speaker": ("讲话人", "speaker"),
    "number": ("序号", "no."),
    "text": ("要求", "requirement"),
    "tags": ("主题", "topics"),
    "warnings": ("提示", "warnings"),
    "requirements": ("共 {count} 条要求", "{count} requirements"),
    "economic_analysis": ("经济运行分析会", "economic-operation analysis"),
    "semiannual_conference": ("年中工作会", "semi-annual work conference"),
    "annual_conference": ("年度工作会", "annual work conference"),
    "special_conference": ("专题会议", "special conference"),
    "inspection_feedback": ("巡视（检查）反馈会", "inspection feedback"),
    "on_site": ("现场", "on site"),
    "video": ("视频", "video"),
    "both": ("现场＋视频", "on site and video"),
    "not_found": ("{file}：文件不存在", "{file}: file not found"),
    "not_a_file": ("{file}：不是文件", "{file}: not a file"),
    "too_large": (
        "{file}：文件有 {size:,} 字节，超过上限 {limit:,}（PACER_IMPORT_MAX_BYTES）",
        "{file}: the file has {size:,} bytes, more than the {limit:,} allowed (PACER_IMPORT_MAX_BYTES)",
    ),
}


def word(key: str, lang: str, **values: object) -> str:
    zh, en = WORDS[key]
    return (zh if lang == "zh" else en).format(**values)


class ExtractFormat(str, Enum):
    table = "table"
    json = "json"


def register(app: typer.Typer) -> None:
    app.add_typer(commands, name="meetings")


@commands.command("extract")
@reports_errors
def meetings_extract(
    file: Annotated[Path, typer.Argument(help="The article: .docx (Word), .txt or .md (UTF-8 or GB18030) or .html.")],
    fmt: Annotated[ExtractFormat, typer.Option("--format", help="table (default) or json.")] = ExtractFormat.table,
    lang: Annotated[Language | None, typer.Option("--lang", help="zh or en (default: PACER_LANGUAGE).")] = None,
) -> None:
    """Propose a meeting record and its numbered requirements from a meeting article (Chinese in
    either script, or English), for a person to confirm; nothing is stored."""
    from pacer.meetings.extract import ArticleError, extract_file

    shown_in = language(lang)
    data = _read(file, shown_in)
    try:
        result = extract_file(data, file.suffix)
    except ArticleError as exc:
        raise DomainError(f"{file}: {exc.in_language(shown_in)}", status=422) from None
    if fmt is ExtractFormat.json:
        sys.stdout.write(json.dumps(result.as_dict(shown_in), ensure_ascii=False, indent=2) + "\n")
    else:
        _print(result, shown_in)


def _read(file: Path, lang: str) -> bytes:
    from pacer.kit.tabular import import_max_bytes

    if not file.exists():
        raise DomainError(word("not_found", lang, file=file))
    if not file.is_file():
        raise DomainError(word("not_a_file", lang, file=file))
    size, limit = file.stat().st_size, import_max_bytes()
    if size > limit:
        raise DomainError(word("too_large", lang, file=file, size=size, limit=limit))
    return file.read_bytes()


def _print(result: Extraction, lang: str) -> None:
    from pacer.meetings.extract.tags import label

    meeting = result.meeting
    facts = {
        "title": meeting.title,
        "date": meeting.date,
        "place": meeting.place,
        "kind": word(meeting.kind, lang) if meeting.kind else None,
        "mode": word(meeting.mode, lang) if meeting.mode else None,
        "chair": meeting.chair,
        "speakers": "、".join(meeting.speakers) if lang == "zh" else ", ".join(meeting.speakers),
    }
    for key, value in facts.items():
        console().print(f"[bold]{word(key, lang)}[/]: {escape(value or '—')}", highlight=False)
    table = Table(title=word("requirements", lang, count=len(result.requirements)), show_lines=True, expand=True)
    table.add_column(word("speaker", lang), max_width=16)
    table.add_column(word("number", lang), justify="right")
    table.add_column(word("text", lang), ratio=1)
    table.add_column(word("tags", lang), max_width=18)
    for requirement in result.requirements:
        table.add_row(
            escape(requirement.speaker or "—"),
            str(requirement.number),
            escape(requirement.text),
            escape(", ".join(label(tag, lang) for tag in requirement.tags)),
        )
    console().print(table)
    for warning in result.warnings:
        console().print(f"[yellow]{word('warnings', lang)}[/]: {escape(warning.text(lang))}", highlight=False)


Lang = Annotated[Language | None, typer.Option("--lang", help="Words in zh or en; default: PACER_LANGUAGE.")]


@commands.command("list")
@reports_errors
def meetings_list(
    kind: Annotated[str, typer.Option(help="Only this kind (economic_analysis, special_conference, ...).")] = "",
    year: Annotated[int | None, typer.Option(help="Only meetings held this year.")] = None,
    unit: Annotated[str, typer.Option(help="Held, attended or reported by this unit (its code).")] = "",
    as_user: AsUser = None,
) -> None:
    """The meetings of the units you see, newest first, with how many requirements each has."""
    from pacer.meetings import service
    from pacer.meetings.repository import Filters

    ensure_schema()
    by = actor(as_user)
    with unit_of_work() as session:
        unit_id = service.unit_for_filter(session, by, unit) if unit else None
        total, rows = service.register(session, by, Filters(kind, year, unit_id), limit=10_000)
        for meeting, held_by, count in rows:
            line = f"{meeting.id:>5}  {meeting.held_on}  {meeting.kind:22} {held_by.code:10} {count:>3} req."
            line += f"  {meeting.title}"
            console().print(line, highlight=False)
    console().print(f"{total} meeting(s).")


@commands.command("show")
@reports_errors
def meetings_show(
    meeting_id: Annotated[int, typer.Argument(help="The meeting's id (see pacer meetings list).")],
    lang: Lang = None,
    as_user: AsUser = None,
) -> None:
    """One meeting: its record, agenda, attendance, numbered requirements with their tasks, documents."""
    from pacer.meetings import service

    ensure_schema()
    by, words = actor(as_user), language(lang)
    with unit_of_work() as session:
        d = service.detail(session, by, meeting_id)
        m, out = d.meeting, console()
        out.print(f"{m.title}\n  {m.held_on} · {m.kind} · {m.mode} · {d.unit.name(words)}", highlight=False)
        for label, value in (("place", m.place), ("chair", m.chair), ("attendees", ", ".join(d.attendees))):
            if value:
                out.print(f"  {label}: {value}", highlight=False)
        for label, units in (("attending units", d.attendee_units), ("reporting units", d.reporting_units)):
            if units:
                out.print(f"  {label}: " + ", ".join(u.code for u in units), highlight=False)
        for a in d.agenda:
            out.print(f"  agenda {a.position}. {a.kind}: {a.speaker} {a.title}", highlight=False)
        for r in d.requirements:
            tags = f" [{', '.join(r.tags)}]" if r.tags else ""
            who = f"{r.issuer} " if r.issuer else ""
            out.print(f"  {who}{r.number}. {r.text}{tags} ({d.tasks.get(r.id, 0)} task(s))", highlight=False)
        for f in d.documents:
            out.print(f"  document {f.id}: {f.filename} ({f.size:,} bytes, sha256 {f.sha256[:12]}…)", highlight=False)


@commands.command("import-article")
@reports_errors
def meetings_import_article(
    file: Annotated[Path, typer.Argument(help="The article: .txt, .md or .html, UTF-8 or GB18030.")],
    unit: Annotated[str | None, typer.Option(help="The unit holding the meeting; default: yours (the group).")] = None,
    held_on: Annotated[
        str | None, typer.Option("--held-on", help="The date, YYYY-MM-DD, when the article has none.")
    ] = None,
    kind: Annotated[str | None, typer.Option(help="The kind, when the one proposed is not right.")] = None,
    confirm: Annotated[
        bool, typer.Option("--confirm", help="Register the proposal (else it is only printed).")
    ] = False,
    lang: Lang = None,
    as_user: AsUser = None,
) -> None:
    """Propose the meeting record and numbered requirements of a meeting article, as JSON; with
    --confirm, register them."""
    from pacer.meetings import article, service

    ensure_schema()
    by, words = actor(as_user), language(lang)
    if not file.is_file():
        raise DomainError(f"no file {file}")
    text = article.article_of("", (file.name, file.read_bytes()))
    with unit_of_work(writes=confirm) as session:
        proposal = article.propose(session, by, text, words, unit)
        changes = {k: v for k, v in (("held_on", held_on), ("kind", kind)) if v}
        record = proposal.record.model_copy(update=changes)
        shown = record.model_dump(exclude={"source_text"}) | {"warnings": proposal.warnings}
        console().print_json(json.dumps(shown, ensure_ascii=False))
        if confirm:
            meeting = service.create(session, by, record)
            said = f"meeting {meeting.id} registered with {len(record.requirements or [])} requirement(s)."
    if confirm:
        console().print(said, highlight=False)
