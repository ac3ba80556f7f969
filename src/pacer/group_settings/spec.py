"""What each setting may be, pure: a form's text checked field by field, every bad one named."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from pacer.config import Settings
from pacer.errors import Problem

LANGUAGES = ("zh", "en")
TIME_BASES = ("linear", "seasonal")  # time progress: months elapsed, or last year's shape
MONEY_SCALES = ("yi", "wan")  # 亿元, 万元
# where the quality problems' figures come from: units report them, or the problem register
# (pacer.quality.figures) derives them
QUALITY_FIGURES = ("reported", "register")
MAX_NAME = 100


@dataclass(frozen=True)
class GroupSettings:
    name_zh: str = ""
    name_en: str = ""
    logo_file_id: int | None = None
    language: str = "zh"
    time_basis: str = "linear"
    money_scale: str = "yi"
    quality_figures: str = "reported"
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_from: str = "pacer@localhost"
    smtp_starttls: bool = True
    session_hours: int = 12

    def name(self, lang: str) -> str:
        """The group's name in ``lang`` (the other language's when only that one is set)."""
        first, second = (self.name_zh, self.name_en) if lang == "zh" else (self.name_en, self.name_zh)
        return first or second


KEYS = tuple(f.name for f in fields(GroupSettings))
EDITABLE = tuple(k for k in KEYS if k != "logo_file_id")  # the logo is uploaded, not typed


def defaults(env: Settings) -> GroupSettings:
    """What holds while nothing is stored: the environment's settings where it has them."""
    return GroupSettings(
        language=env.language,
        smtp_host=env.smtp_host,
        smtp_port=env.smtp_port,
        smtp_from=env.smtp_from,
        smtp_starttls=env.smtp_starttls,
        session_hours=env.session_hours,
    )


def merged(base: GroupSettings, stored: dict[str, Any]) -> GroupSettings:
    return replace(base, **{k: v for k, v in stored.items() if k in KEYS})


def applied(env: Settings, group: GroupSettings) -> Settings:
    """The environment's settings with the group's stored ones over them."""
    return env.model_copy(
        update={
            "language": group.language,
            "smtp_host": group.smtp_host,
            "smtp_port": group.smtp_port,
            "smtp_from": group.smtp_from,
            "smtp_starttls": group.smtp_starttls,
            "session_hours": group.session_hours,
        }
    )


def _problem(field: str, en: str, zh: str) -> Problem:
    return Problem(en, field=field, zh=zh)


def parse(form: dict[str, str]) -> tuple[dict[str, Any], list[Problem]]:
    """The form's values by key (only those given), and a problem per bad field."""
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for key in ("name_zh", "name_en", "smtp_host", "smtp_from"):
        if key in form:
            text = form[key].strip()
            if len(text) > MAX_NAME * 2 or any(ord(c) < 32 for c in text):
                problems.append(_problem(key, f"at most {MAX_NAME * 2} characters, one line", "最多 200 个字符，单行"))
            values[key] = text
    if "smtp_from" in values and values["smtp_from"] and "@" not in values["smtp_from"]:
        problems.append(_problem("smtp_from", "the sender must be an e-mail address", "发件人须为电子邮件地址"))
    for key, allowed in (
        ("language", LANGUAGES),
        ("time_basis", TIME_BASES),
        ("money_scale", MONEY_SCALES),
        ("quality_figures", QUALITY_FIGURES),
    ):
        if key in form:
            if form[key] not in allowed:
                problems.append(
                    _problem(key, f"must be one of {', '.join(allowed)}", f"须为 {'、'.join(allowed)} 之一")
                )
            values[key] = form[key]
    for key, low, high in (("smtp_port", 1, 65535), ("session_hours", 1, 24 * 30)):
        if key in form:
            text = form[key].strip()
            number = int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None
            if number is None or not low <= number <= high:
                problems.append(
                    _problem(key, f"must be a whole number from {low} to {high}", f"须为 {low} 到 {high} 之间的整数")
                )
            values[key] = number
    if "smtp_starttls" in form:
        values["smtp_starttls"] = form["smtp_starttls"] in ("1", "true", "on", "yes")
    return values, problems
