"""A responsibility statement as a document in the house format (the Word output of
:mod:`pacer.reports`: title, parties, the items table, adjustments and vetoes, grades, signatures
and the change history), and the league table's rows as a workbook, in Chinese or English."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from pacer.assessment import repository, service
from pacer.assessment.league import LeagueRow
from pacer.assessment.service import StatementView, domain_title
from pacer.assessment.shown import Shown, shown
from pacer.assessment.words import MEASURES, RULES
from pacer.assessment.workflow import STATEMENT
from pacer.auth.permissions import Actor
from pacer.kit.numbers import format_scaled
from pacer.models import Person
from pacer.reports.model import Cell, Paragraph, Report, Section, Table
from pacer.reports.render import render

WORDS = {
    "title": ("{year}年度{domain}责任书", "{domain} responsibility statement, {year}"),
    "parties": (
        "签订双方：{issuer}（甲方）与 {unit}（乙方，主要负责人：{leader}）。",
        "Between {issuer} (the issuer) and {unit} (main leader: {leader}).",
    ),
    "state": ("状态：{state}；第 {version} 版。", "State: {state}; version {version}."),
    "items": ("一、考核指标与计分规则", "1. Items, weights and scoring rules"),
    "adjust": ("二、加分、扣分与否决事项", "2. Bonuses, deductions and vetoes"),
    "grades": ("三、考核等级", "3. Grades"),
    "sign": ("四、签署", "4. Signatures"),
    "history": ("五、变更记录", "5. Changes"),
    "sign_text": (
        "甲方（盖章）：__________  负责人签字：__________  日期：__________\n"
        "乙方（盖章）：__________  主要负责人签字：__________  日期：__________",
        "Issuer (seal): __________  Signed: __________  Date: __________\n"
        "Unit (seal): __________  Main leader: __________  Date: __________",
    ),
    "nobody": ("（未登记）", "(not recorded)"),
    "above": ("上级单位", "the unit above"),
    "league": ("{year}年度{domain}考核排名", "{domain} assessment, {year}: league table"),
}
ITEM_COLUMNS = {
    "zh": ("编码", "考核项", "指标或口径", "权重（分）", "计分规则", "计量单位", "门槛值", "力争目标"),
    "en": ("Code", "Item", "Indicator or measure", "Weight", "Rule", "Unit", "Threshold", "Strive target"),
}
ITEM_ALIGN = ("left", "left", "left", "right", "left", "left", "right", "right")
ADJUST_ALIGN = ("left", "left", "left", "right", "right")
ADJUST_COLUMNS = {
    "zh": ("编码", "事项", "类别", "每次分值", "上限 / 否决至"),
    "en": ("Code", "Item", "Kind", "Per event", "Limit / capped at"),
}
KINDS = {"bonus": ("加分", "bonus"), "deduction": ("扣分", "deduction"), "veto": ("否决", "veto")}
LEAGUE_COLUMNS = {
    "zh": ("单位代码", "单位", "对标组", "状态", "得分", "等级", "组内排名", "上年得分", "上年排名", "名次变化"),
    "en": ("Code", "Unit", "Peer group", "State", "Points", "Grade", "Rank", "Last year", "Last rank", "Movement"),
}


def say(key: str, lang: str, **values: object) -> str:
    zh, en = WORDS[key]
    return (zh if lang == "zh" else en).format(**values)


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "zh" else pair[1]


def points(value: int | None) -> str:
    return "—" if value is None else format_scaled(value, 2)


def statement_document(
    v: StatementView, lang: str, names: dict[str, str], scales: dict[int, int], figs: Shown, codes: dict[int, str]
) -> bytes:
    """The statement as a Word document; ``names`` gives the issuer, unit and leader as shown,
    ``figs`` the figures' display scales (money on the group's money scale)."""
    s = v.statement
    domain = domain_title(s.domain, lang)
    rows, adjustments = _item_rows(v, lang, names, scales, figs, codes)
    grades = ("；" if lang == "zh" else "; ").join(f"{g} ≥ {points(m)}" for g, m in s.grades)
    history = [
        Paragraph(f"v{x.version} · {x.changed_at:%Y-%m-%d} · {x.changed_by}" + (f" · {x.reason}" if x.reason else ""))
        for x in v.versions
    ]
    report = Report(
        kind="statement",
        title=say("title", lang, year=s.year, domain=domain),
        subtitle=say(
            "parties", lang, issuer=names["issuer"], unit=names["unit"], leader=names["leader"] or say("nobody", lang)
        ),
        lang=lang,
        unit_code=v.unit.code,
        unit_name=names["unit"],
        period=f"{s.year}-12",
        span="year",
        sections=(
            Section(
                "state", say("state", lang, state=_state(v, lang), version=s.version).rstrip("。."), (Paragraph(""),)
            ),
            Section("items", say("items", lang), (Table("items", "", ITEM_COLUMNS[lang], tuple(rows), ITEM_ALIGN),)),
            Section(
                "adjust",
                say("adjust", lang),
                (Table("adjust", "", ADJUST_COLUMNS[lang], tuple(adjustments), ADJUST_ALIGN),),
            ),
            Section("grades", say("grades", lang), (Paragraph(grades),)),
            Section("sign", say("sign", lang), tuple(Paragraph(line) for line in say("sign_text", lang).split("\n"))),
            Section("history", say("history", lang), tuple(history)),
        ),
    )
    return render(report, "docx", lang)


def _item_rows(
    v: StatementView, lang: str, names: dict[str, str], scales: dict[int, int], figs: Shown, codes: dict[int, str]
) -> tuple[list[tuple[Cell, ...]], list[tuple[Cell, ...]]]:
    """The statement's scored items and its bonus, deduction and veto items, as table rows."""
    rows, adjustments = [], []
    for item in v.items:
        name = (item.name_zh if lang == "zh" else item.name_en) or item.code
        if item.kind in ("quantitative", "qualitative"):
            scale = scales.get(item.indicator_id or 0, 2)
            rule = _pick((RULES[item.rule][0], RULES[item.rule][1]), lang) if item.rule in RULES else item.rule
            measure = _pick(MEASURES.get(item.measure, (item.measure, item.measure)), lang)
            what = names.get(f"indicator:{item.indicator_id}", item.measure) if item.indicator_id else measure
            code = codes.get(item.indicator_id) if item.indicator_id else None
            held = [figs.figure(x, code, scale) for x in (item.threshold, item.target)]
            cells = (item.code, name, what, points(item.weight), rule, figs.label(code), *held)
            rows.append(tuple(Cell(c) for c in cells))
        else:
            limit = item.grade if item.kind == "veto" else points(item.limit)
            row = (
                item.code,
                name,
                _pick(KINDS[item.kind], lang),
                points(item.per_event) if item.kind != "veto" else "—",
                limit,
            )
            adjustments.append(tuple(Cell(c) for c in row))
    return rows, adjustments


def _state(v: StatementView, lang: str) -> str:
    return STATEMENT.state_label(v.item.state, lang)


def league_workbook(rows: Sequence[LeagueRow], lang: str, year: int, domain: str) -> bytes:
    """The league table as a workbook (the reports' Excel output: one sheet per table)."""
    body = []
    for r in rows:
        final = r.result.final if r.result else None
        cells = (
            r.unit.code, r.unit.name(lang), r.peer, STATEMENT.state_label(r.state, lang), points(final), r.grade or "—",
            "—" if r.rank is None else f"{r.rank}/{r.of}", points(r.last_final),
            "—" if r.last_rank is None else str(r.last_rank), "—" if r.move is None else f"{r.move:+d}",
        )  # fmt: skip
        body.append(tuple(Cell(c) for c in cells))
    title = say("league", lang, year=year, domain=domain_title(domain, lang))
    table = Table("league", title, LEAGUE_COLUMNS[lang], tuple(body))
    report = Report("league", title, "", lang, "", "", f"{year}-12", "year", (Section("league", title, (table,)),))
    return render(report, "xlsx", lang)


def document_of(session: Session, actor: Actor, statement_id: int, lang: str) -> tuple[bytes, str]:
    """The statement's Word document, read as the actor sees it, and its file name."""
    v = service.view(session, actor, statement_id)
    s = v.statement
    issuer = repository.visible_unit(session, actor, s.issuer_unit_id)
    leader = session.get(Person, s.leader_person_id) if s.leader_person_id else None
    names = {
        "issuer": issuer.name(lang) if issuer else say("above", lang),
        "unit": v.unit.name(lang),
        "leader": (leader.name_zh if lang == "zh" else leader.name_en) if leader else "",
    }
    codes = repository.indicator_code_by_id(session)
    names |= {f"indicator:{i}": code for i, code in codes.items()}
    facts = repository.indicator_facts(session)
    scales = {i: facts[c].scale for i, c in codes.items() if c in facts}
    held = [
        (codes.get(i.indicator_id or 0), scales.get(i.indicator_id or 0, 2), x)
        for i in v.items
        for x in (i.threshold, i.target)
    ]
    figs = shown(session, lang, held)
    document = statement_document(v, lang, names, scales, figs, codes)
    return document, f"statement-{v.unit.code}-{s.year}-{s.domain}.docx"
