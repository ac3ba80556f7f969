"""The demo's quality problems (``quality.yaml``): each recorded by its owner through the quality
service and walked to its state through the zeroing workflow at the dates it would have
happened (evidence, a reviewer's sign-offs, 举一反三 checks answered at sister units and confirmed
above them, returns, closures), so that the problem lists, the Pareto and trend charts, the
audit trail and the inboxes read as a group's real quality work.

The workflow tells people as it goes. Its notifications are dated when their step happened, and
those more than a fortnight old have been read by now: the inboxes hold only the last weeks'
quality news unread, not the whole history's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from pacer.auth.permissions import Actor, load_actor
from pacer.models import Notification, Unit, User
from pacer.models.quality import QualityProblem, SisterCheck
from pacer.quality import service, sisters, zeroing
from pacer.quality.validation import ProblemPlan
from pacer.quality.words import CRITERION_CODES

QUALITY = Path(__file__).with_name("quality.yaml")
READ_AFTER = timedelta(days=14)  # older notifications have been read
LANG = "zh"  # the group's people write in Chinese
FOUND_IN = {
    "design": "设计评审中发现",
    "process": "工艺评审中发现",
    "procurement": "入厂复验中发现",
    "manufacturing": "生产过程中发现",
    "test": "试验中发现",
    "use": "用户使用中发现",
}
RESPONSIBLE = {
    "design": "设计",
    "process": "工艺",
    "procurement": "采购与供方管理",
    "manufacturing": "生产操作",
    "test": "试验",
    "use": "使用保障",
}
SIGN_NOTES = ("同意。", "证据充分，同意。", "已核查原始记录，同意。", "同意，请按期落实。")
FOUND_THERE = "经排查，发现同批次产品存在同类问题，已隔离并纳入本问题的纠正措施。"
NOT_THERE = "经排查，本单位同类产品和在制批次未发现该问题。"
Day = Callable[[float], date]  # the day a share of a problem's life has passed


@dataclass(frozen=True)
class People:
    """Who does what for a problem (``quality.yaml``'s ``hq``, ``engineers`` and ``leads``)."""

    hq: str  # HQ's quality department: reviews what no academy lead reviews, confirms checks
    engineers: dict[str, str]  # second-level unit code -> its quality engineer
    leads: dict[str, str]  # second-level unit code -> its quality lead, who reviews its engineers

    @classmethod
    def of(cls, raw: dict[str, Any]) -> People:
        return cls(raw["hq"], dict(raw["engineers"]), dict(raw.get("leads") or {}))

    def owner(self, spec: dict[str, Any]) -> str:
        return str(spec.get("owner") or self.engineers[spec["unit"][:3]])

    def reviewer(self, unit: str, owner: str) -> str:
        lead = self.leads.get(unit[:3])
        return lead if lead and lead != owner else self.hq

    def answerer(self, unit: str) -> str:
        return self.engineers.get(unit[:3], self.hq)

    def confirmer(self, unit: str) -> str:
        """Someone above the unit checked: its academy's lead for a third-level unit, else HQ."""
        lead = self.leads.get(unit[:3])
        return lead if lead and len(unit) > 3 else self.hq


def moment(day: date, hour: int = 10) -> datetime:
    """When a step of the day happened (steps of one day at different hours)."""
    return datetime.combine(day, time(9 + hour % 9, 30), UTC)


class Clock:
    """Runs a verb at its moment, then dates what the verb told people at that moment (and
    marks it read when it is more than :data:`READ_AFTER` old). Evidence and sign-offs tell
    nobody: they run at their moment without it."""

    def __init__(self, session: Session, today: date) -> None:
        self.session, self.today = session, today
        self.mark = self._last()

    def _last(self) -> int:
        return int(self.session.scalar(select(func.coalesce(func.max(Notification.id), 0))) or 0)

    @contextmanager
    def at(self, day: date, hour: int = 10) -> Iterator[datetime]:
        when = moment(day, hour)
        yield when
        read = when + timedelta(hours=5) if day <= self.today - READ_AFTER else None
        self.session.execute(
            update(Notification)
            .where(Notification.id > self.mark)
            .values(created_at=when, read_at=read)
            .execution_options(synchronize_session=False)
        )
        self.mark = self._last()


def load_quality(session: Session, today: date | None = None, path: Path = QUALITY) -> list[QualityProblem]:
    """Store the file's problems whose units and people the group has, dated back from
    ``today`` (default: the real today, which the pages, deadlines and reminders go by, whatever
    month the demo's figures end in); returns them."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    today = today or date.today()
    people = People.of(raw)
    names = dict(session.execute(select(Unit.code, Unit.name_zh)).tuples().all())
    users = set(session.scalars(select(User.username)))
    walker = Walker(session, Clock(session, today), people, names)
    stored = []
    for spec in raw["problems"]:
        owner = people.owner(spec)
        needed = {owner, people.reviewer(spec["unit"], owner)}
        needed |= {name for c in spec.get("checks", {}) for name in (people.answerer(c), people.confirmer(c))}
        if {spec["unit"], *spec.get("checks", {})} <= names.keys() and needed <= users:
            stored.append(walker.problem(spec, today))
    session.flush()
    return stored


def _plan(spec: dict[str, Any], found: date, owner: str) -> ProblemPlan:
    return ProblemPlan(
        unit_code=spec["unit"],
        title=spec["title"],
        found_stage=spec["found_stage"],
        severity=spec["severity"],
        found_on=found,
        owner=owner,
        deadline=found + timedelta(days=int(spec.get("days", 30))),
        programme=spec.get("programme", ""),
        product=spec.get("product", ""),
        origin_stage=spec.get("origin_stage", ""),
        cause=spec.get("cause", ""),
        description=f"{FOUND_IN[spec['found_stage']]}：{spec['title']}。已隔离相关产品并按程序上报。",
        supplier=spec.get("supplier", ""),
    )


def _last_day(spec: dict[str, Any], problem: QualityProblem, today: date) -> date:
    """The day of the problem's last step: its closure, or yesterday for one still open."""
    if spec["state"] != "closed":
        return today - timedelta(days=1)
    return problem.deadline + timedelta(days=int(spec.get("late", -3)))


@dataclass(frozen=True)
class Walker:
    """Takes the file's problems through the quality services, as their people would."""

    session: Session
    clock: Clock
    people: People
    names: dict[str, str]  # unit code -> its Chinese name

    def problem(self, spec: dict[str, Any], today: date) -> QualityProblem:
        found = today - timedelta(days=int(spec["found"]))
        owner_name = self.people.owner(spec)
        owner = load_actor(self.session, owner_name)
        reviewer = load_actor(self.session, self.people.reviewer(spec["unit"], owner_name))
        with self.clock.at(found, 1) as when:
            plan = _plan(spec, found, owner_name)
            problem = service.open_problem(self.session, owner, plan, lang=LANG, today=today, now=when)
        if spec["state"] == "cancelled":
            with self.clock.at(found + timedelta(days=1)) as when:
                zeroing.act(self.session, reviewer, problem.id, "cancel", spec["reason"], lang=LANG, now=when)
        else:
            self.walk(problem, spec, owner, reviewer, _last_day(spec, problem, today))
        return problem

    def walk(self, problem: QualityProblem, spec: dict[str, Any], owner: Actor, reviewer: Actor, end: date) -> None:
        """The zeroing from the record to the problem's state: checks asked for at a fifth of
        its life, answered and confirmed by its middle, the evidence written by then (or over its
        whole life while it is being zeroed), submitted, signed off, returned or closed last."""
        state, found, session = spec["state"], problem.found_on, self.session

        def day(share: float) -> date:
            return found + timedelta(days=round((end - found).days * share))

        self.checks(problem, spec, reviewer, day)
        written = spec.get("evidence", 0) if state == "open" else len(CRITERION_CODES)
        last = end if state == "open" else day(0.55)
        for n, code in enumerate(CRITERION_CODES[:written], start=1):
            when, text = moment(found + (last - found) * n / (written + 1), n), self.evidence(code, spec, found)
            zeroing.write_evidence(session, owner, problem.id, code, text, lang=LANG, now=when)
        if state == "open":
            return
        with self.clock.at(day(0.6), 2) as when:
            zeroing.act(session, owner, problem.id, "submit", lang=LANG, now=when)
        signed = len(CRITERION_CODES) if state == "closed" else int(spec.get("signed", 0))
        for n, code in enumerate(CRITERION_CODES[:signed]):
            when, note = moment(day(0.62 + 0.28 * n / len(CRITERION_CODES)), n), SIGN_NOTES[(problem.id + n) % 4]
            zeroing.sign_off(session, reviewer, problem.id, code, note, lang=LANG, now=when)
        if state in ("returned", "closed"):
            verb, reason = ("return", spec["reason"]) if state == "returned" else ("close", None)
            with self.clock.at(end, 7) as when:
                zeroing.act(session, reviewer, problem.id, verb, reason, lang=LANG, now=when)

    def checks(self, problem: QualityProblem, spec: dict[str, Any], reviewer: Actor, day: Day) -> None:
        """举一反三: the reviewer asks the sister units to check; each answers, and someone above
        it confirms the answer, as far as the file says."""
        wanted: dict[str, str] = spec.get("checks") or {}
        if not wanted:
            return
        with self.clock.at(day(0.2), 3) as when:
            made = sisters.spawn_checks(self.session, reviewer, problem.id, list(wanted), lang=LANG, now=when)
        for check, code in zip(made, wanted, strict=True):
            if wanted[code] != "open":
                self.answer(check, code, code in spec.get("affected", []), day(0.4))
            if wanted[code] == "confirmed":
                with self.clock.at(day(0.5), 5) as when:
                    confirmer = load_actor(self.session, self.people.confirmer(code))
                    sisters.decide(self.session, confirmer, check.id, "confirm", lang=LANG, now=when)

    def answer(self, check: SisterCheck, code: str, affected: bool, on: date) -> None:
        with self.clock.at(on, 4) as when:
            answerer = load_actor(self.session, self.people.answerer(code))
            finding = FOUND_THERE if affected else NOT_THERE
            sisters.answer(self.session, answerer, check.id, affected, finding, lang=LANG, now=when)

    def evidence(self, code: str, spec: dict[str, Any], found: date) -> str:
        """What the owner writes for one criterion, from the file's words for the problem."""
        supplier = spec.get("supplier", "")
        checked = "、".join(self.names[c] for c in spec.get("checks") or {})
        texts = {
            "locate": f"问题定位于{spec.get('located', '故障件')}。经分解检查和对比测试，故障部位唯一、确定。",
            "mechanism": f"{spec.get('mechanism', '机理分析进行中')}。机理分析报告已通过评审。",
            "reproduce": "按原工况搭建试验条件复现了故障现象，复现结果与原故障一致。",
            "measures": f"{spec.get('measure', '纠正措施已制定')}。措施实施后经验证试验考核，未再出现同类问题。",
            "spread": (
                f"已请兄弟单位（{checked}）对同类产品开展举一反三检查，并对本单位在制批次全部排查。"
                if checked
                else "已对本单位同类产品和在制批次全部排查，未发现同类问题。"
            ),
            "process": (
                f"{found.year}年{found.month}月{found.day}日{FOUND_IN[spec['found_stage']]}问题后，"
                "按质量问题处理程序上报并召开分析会，过程记录完整。"
            ),
            "responsibility": f"明确了{RESPONSIBLE.get(spec.get('origin_stage', ''), '相关')}环节的直接责任"
            "和质量管理部门的管理责任。",
            "implemented": "上述措施已纳入作业文件和检验规程，相关岗位人员完成培训并考核合格。",
            "handled": "对直接责任人进行了质量考核并在单位内通报"
            + (f"；向供方{supplier}发出质量整改通知，纳入供方年度评价" if supplier else "")
            + "。",
            "rules": f"修订了{spec.get('rule', '相关管理规定')}，已发布实施。",
        }
        return texts[code]
