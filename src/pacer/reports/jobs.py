"""Reports made in the background: the kinds of job that generate them (the supervision
bulletin, the economic-operation report, the meeting pack) and the monthly schedule."""

from __future__ import annotations

import json
from typing import Any

from pacer.files import repository as files
from pacer.jobs.context import JobContext
from pacer.jobs.kinds import Kind, Output, register, register_schedule
from pacer.reports import MEDIA_TYPES, Report, drawn, pack, record, render
from pacer.reports.narrative_docx import with_narrative, with_note
from pacer.reports.schedule import monthly_report
from pacer.tasks.bulletin_export import docx_bytes, xlsx_bytes

MEDIA = MEDIA_TYPES
# the words of every progress step the reports' jobs report (keys; a unit's code shows as it is)
STEPS = {
    "figures": ("正在汇总数据", "Drawing the figures"),
    "overall": ("正在编写总体情况", "Writing the overall situation"),
    "indicators": ("正在分析各项指标", "Analysing the indicators"),
    "units": ("正在比较各单位", "Comparing the units"),
    "follow-up": ("正在汇总督办事项", "Gathering the follow-up"),
    "quality": ("正在汇总质量情况", "Gathering the quality situation"),
    "commendations": ("正在汇总表彰情况", "Gathering the commendations"),
    "outlook": ("正在预测全年", "Forecasting the year"),
    "done": ("数据已就绪", "Figures ready"),
    "briefs": ("正在编写各单位简报", "Writing the units' briefs"),
    "render": ("正在生成文件", "Writing the file"),
    "charts": ("正在绘制图表", "Drawing the charts"),
    "docx": ("正在生成 Word 文件", "Writing the Word file"),
    "html": ("正在生成网页文件", "Writing the HTML file"),
    "pdf": ("正在生成 PDF 文件", "Writing the PDF file"),
}


def filename(kind: str, p: dict[str, Any], code: str) -> str:
    return f"{kind}-{code}-{p['period']}-{p['span']}-{p['lang']}.{p['fmt']}"


def bulletin_work(ctx: JobContext) -> Output:
    p = ctx.parameters
    ctx.progress(0.05, "figures")
    # an approved bulletin's files are written from the figures frozen with it
    texts, version = record.for_generation(ctx.session, ctx.unit_id, "bulletin", p["period"], p["span"])
    kept = drawn.bulletin_of_version(ctx.session, ctx.actor, version.figures, ctx.lang) if version else None
    b, note = kept or (drawn.bulletin(ctx.session, ctx.actor, p["unit_code"], p["period"], p["span"]), "")
    ctx.progress(0.5, "render")
    if p["fmt"] == "xlsx":
        body = xlsx_bytes(b, ctx.lang, note)
    else:
        body = with_note(with_narrative(docx_bytes(b, ctx.lang), texts, ctx.lang), note)
    ctx.progress(0.95, "render")
    return Output(filename("bulletin", p, b.node.code), body, MEDIA[p["fmt"]])


def template_of(ctx: JobContext) -> bytes | None:
    file_id = ctx.parameters.get("template_file_id")
    return files.content(ctx.session, int(file_id)) if file_id else None


def economic_work(ctx: JobContext) -> Output:
    p = ctx.parameters
    report = _economic(ctx, p)
    body = render(report, p["fmt"], ctx.lang, template_of(ctx), progress=ctx.part(0.6, 1.0))
    return Output(filename("economic", p, report.unit_code), body, MEDIA[p["fmt"]])


def quality_work(ctx: JobContext) -> Output:
    p = ctx.parameters
    report = _economic(ctx, p, "quality")
    body = render(report, p["fmt"], ctx.lang, template_of(ctx), progress=ctx.part(0.6, 1.0))
    return Output(filename("quality", p, report.unit_code), body, MEDIA[p["fmt"]])


def _economic(ctx: JobContext, p: dict[str, Any], kind: str = "economic") -> Report:
    """The report (economic or quality) with its narrative: an approved version's, frozen with
    its figures, when the report is approved (and kept in this language); else drawn now with the
    texts written."""
    texts, version = record.for_generation(ctx.session, ctx.unit_id, kind, p["period"], p["span"])
    frozen = version.figures if version is not None else {}
    kept = _frozen(frozen, ctx.lang) if frozen.get("kind") == kind else None
    if kept is not None:
        ctx.progress(0.3, "figures")
        return Report.from_json(json.dumps(kept))
    report = drawn.drawn_report(
        ctx.session, ctx.actor, kind, p["unit_code"], p["period"], p["span"], ctx.lang, ctx.part(0.0, 0.6)
    )
    return report.with_narrative(texts) if texts else report


def _frozen(figures: dict[str, Any], lang: str) -> Any:
    """The approved report in ``lang``: frozen in both languages (or, in a version approved
    before that, in Chinese only)."""
    if "reports" in figures:
        return figures["reports"].get(lang)
    return figures.get("report") if figures.get("lang") == lang else None


def meeting_pack_work(ctx: JobContext) -> Output:
    p = ctx.parameters
    group = _economic(ctx, p)
    ctx.progress(0.3, "briefs")
    combined = pack.meeting_pack(ctx.session, ctx.actor, group, p, ctx.part(0.3, 0.8))
    body = render(combined, p["fmt"], ctx.lang, template_of(ctx), progress=ctx.part(0.8, 1.0))
    return Output(filename("meeting-pack", p, group.unit_code), body, MEDIA[p["fmt"]])


BULLETIN = register(Kind("bulletin", ("督办通报", "Supervision bulletin"), bulletin_work, steps=STEPS))
ECONOMIC = register(Kind("economic", ("经济运行分析报告", "Economic operation report"), economic_work, steps=STEPS))
QUALITY = register(
    Kind("quality", ("科研生产质量分析报告", "Research and production quality report"), quality_work, steps=STEPS)
)
MEETING_PACK = register(Kind("meeting_pack", ("会议材料", "Meeting pack"), meeting_pack_work, steps=STEPS))
REPORT_KINDS = ("economic", "quality", "meeting_pack", "bulletin")
register_schedule("monthly_report", monthly_report)
