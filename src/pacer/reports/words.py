"""The reports' own words: headings, column names and labels, key -> (中文, English)."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    # titles
    "economic.title": ("{unit}{period}经济运行分析报告", "{unit}: economic operation analysis, {period}"),
    "economic.subtitle": ("数据截至 {month}", "Figures to {month}"),
    "span.month": ("{year}年{month}月", "{month_name} {year}"),
    "span.quarter": ("{year}年第{quarter}季度", "Q{quarter} {year}"),
    "span.quarter_to": ("{year}年第{quarter}季度（截至{month}月）", "Q{quarter} {year} (to {month_name})"),
    "span.half.1": ("{year}年上半年", "first half of {year}"),
    "span.half.2": ("{year}年下半年", "second half of {year}"),
    "span.half_to.1": ("{year}年上半年（截至{month}月）", "first half of {year} (to {month_name})"),
    "span.half_to.2": ("{year}年下半年（截至{month}月）", "second half of {year} (to {month_name})"),
    "span.year": ("{year}年度", "the year {year}"),
    "span.year_to": ("{year}年1-{month}月", "January to {month_name} {year}"),
    "column.span.month": ("本月", "Month"),
    "column.span.quarter": ("本季度", "Quarter"),
    "column.span.half": ("本半年", "Half year"),
    "phrase.span.month": ("本月", "this month"),
    "phrase.span.quarter": ("本季度", "this quarter"),
    "phrase.span.half": ("本半年", "this half year"),
    "phrase.ytd": ("本年累计", "the year to date"),
    # sections
    "section.overall": ("总体情况", "Overall situation"),
    "section.indicators": ("主要指标分析", "Indicator analysis"),
    "section.revenue_profit": ("营业收入与利润", "Revenue and profit"),
    "section.two_funds": ("两金", "Receivables and inventory (two funds)"),
    "section.cash": ("现金流", "Cash flow"),
    "section.rd": ("研发投入", "Research and development"),
    "section.investment": ("投资", "Investment"),
    "section.civil": ("民品产业", "Civil industry"),
    "section.units": ("单位对比", "Comparison of units"),
    "section.followup": ("会议要求落实情况", "Follow-up of meeting requirements"),
    "section.problems": ("存在的问题", "Problems"),
    "section.outlook": ("预测与展望", "Outlook"),
    "section.measures": ("下一步措施与工作计划", "Countermeasures and work plan"),
    # narrative blocks
    "narrative.problems": ("存在的问题", "Problems"),
    "narrative.countermeasures": ("措施建议", "Countermeasures"),
    "narrative.plan": ("工作计划", "Work plan"),
    "draft.problems.none": (
        "各项关键指标均符合时间进度要求，未发现明显滞后。",
        "Every key indicator is in line with time progress; nothing is markedly behind.",
    ),
    "draft.problems.lead": (
        "以下指标滞后于目标进度，需重点关注：",
        "These indicators lag their targets and need attention:",
    ),
    "draft.countermeasures": (
        "（请填写针对上述问题的措施建议。）",
        "(Write the countermeasures for the problems above.)",
    ),
    "draft.plan": ("（请填写下一阶段的重点工作计划。）", "(Write the work plan for the next period.)"),
    "overall.late": (
        "说明：截至本报告生成时，{count} 家单位 {month} 的数据尚未全部报送并受理（{names}），"
        "以下数字不含其未受理部分。",
        "Note: {count} units' figures for {month} are not yet all reported and accepted ({names}); the figures "
        "below leave out what is not accepted.",
    ),
    "overall.late_more": ("等", " and others"),
    "overall.status": (
        "在有目标的 {count} 项关键指标中，符合进度 {on} 项，需关注 {watch} 项，滞后 {off} 项。",
        "Of the {count} key indicators judged against a target: on track {on}, to watch {watch}, off track {off}.",
    ),
    # the key-indicator table
    "note.outlook_balance": (
        "{names}为余额指标：本年累计栏为期末余额，年末预测为12月末余额，按往年规律含年末回款、交付带来的季节性回落。",
        "{names} are balances: the year-to-date column is the latest balance and the forecast the December "
        "balance, which follows past years' pattern (receivables collected and inventory delivered before the "
        "year closes).",
    ),
    "table.key": ("关键指标完成情况", "Key indicators"),
    "table.key_span": ("关键指标{span}情况", "Key indicators {span}"),
    "col.indicator": ("指标", "Indicator"),
    "col.unit": ("单位", "Unit"),
    "col.ytd": ("本年累计", "Year to date"),
    "col.yoy": ("同比", "YoY"),
    "col.unit_name": ("单位", "Unit"),
    "col.change": ("同比增减", "Change"),
    "col.share": ("贡献占比", "Share of change"),
    "table.ranking": ("各单位{name}完成情况排名（{unit}）", "Units ranked on {name} ({unit})"),
    "table.span_ranking": (
        "各单位{span}{name}同比增速排名（{unit}）",
        "Units ranked on growth in {name}, {span} ({unit})",
    ),
    "col.ytd_completion": ("累计完成率", "YTD completion"),
    "table.lagging": ("滞后与需关注的单位指标", "Units' indicators off track or to watch"),
    "table.contribution": (
        "各单位对{span}{name}同比变动的贡献（{unit}）",
        "Each unit's contribution to the change in {name}, {span} ({unit})",
    ),
    "units.leading": (
        "从{count}家单位看，{name}完成进度居前的是{units}。",
        "Of the {count} units, {units} lead on {name}.",
    ),
    "units.leading_span": (
        "从{count}家单位看，{span}{name}同比增速居前的是{units}。",
        "Of the {count} units, {units} lead on growth in {name} ({span}).",
    ),
    "col.forecast": ("年末预测", "Year-end forecast"),
    "col.interval": ("80%区间", "80% interval"),
    "col.forecast_share": ("预测占确保目标", "Forecast / ensure"),
    "col.chance": ("达成确保目标概率", "Chance of ensure"),
    "table.outlook": ("年末预测与目标", "Year-end forecast against the targets"),
    "followup.summary": (
        "截至 {end}，本年到期的督办事项 {due} 项，已办结 {completed} 项，办结率 {rate}，按期办结率 {on_time}；"
        "逾期未办结 {overdue} 项。",
        "Supervised tasks due this year to {end}: {due}; completed: {completed} (completion rate {rate}, "
        "on time {on_time}); overdue: {overdue}.",
    ),
    "followup.due": ("到期", "Due"),
    "followup.completed": ("办结", "Completed"),
    "followup.rate": ("办结率", "Completion rate"),
    "followup.on_time": ("按期办结率", "On-time rate"),
    "followup.overdue": ("逾期", "Overdue"),
    "followup.by_unit": ("各单位督办事项落实情况", "Tasks by unit"),
    "followup.task": ("事项", "Task"),
    "followup.deadline": ("原定期限", "Original deadline"),
    "followup.late_days": ("逾期天数", "Days late"),
    "followup.overdue_list": ("逾期未办结事项（前 {count} 项）", "Overdue tasks (first {count})"),
    "followup.overdue_all": ("逾期未办结事项", "Overdue tasks"),
    "section.quality": ("质量情况", "Quality"),
    "quality.span": (
        "{span}发现质量问题 {found} 项（其中重大 {critical} 项、严重 {major} 项），归零 {closed} 项。",
        "Quality problems in {span}: {found} found ({critical} critical, {major} major), {closed} closed by zeroing.",
    ),
    "quality.year": (
        "截至 {end}，本年发现质量问题 {found} 项（其中重大 {critical} 项、严重 {major} 项），已归零 {closed} 项，"
        "归零率 {rate}；尚未归零的问题 {open} 项，其中重大、严重问题 {severe} 项。",
        "This year to {end}: {found} found ({critical} critical, {major} major), {closed} closed (zeroing rate "
        "{rate}); {open} not yet closed, of which {severe} critical or major.",
    ),
    "quality.causes": (
        "从原因看，本年问题最多的是“{top}”（{count} 项，占 {share}）。",
        "By cause, most of this year's problems come from {top} ({count}, {share}).",
    ),
    "quality.cause_unknown": ("尚未定位", "not yet located"),
    "quality.causes_table": ("本年质量问题原因分布（帕累托）", "This year's problems by cause (Pareto)"),
    "quality.cause": ("原因", "Cause"),
    "quality.count": ("问题数", "Problems"),
    "quality.cumulative": ("累计占比", "Cumulative share"),
    "quality.severe_table": ("尚未归零的重大、严重问题", "Critical and major problems not yet closed"),
    "quality.severe_first": (
        "尚未归零的重大、严重问题（前 {count} 项）",
        "Critical and major problems not yet closed (first {count})",
    ),
    "quality.problem": ("问题", "Problem"),
    "quality.severity": ("等级", "Severity"),
    "quality.found_on": ("发现日期", "Found on"),
    "quality.deadline": ("归零期限", "Deadline"),
    "quality.spc": (
        "统计过程控制方面，受控监测的关键特性 {count} 个，按目前数据失控 {out} 个。",
        "Statistical process control: {out} of the {count} characteristics monitored {verb} out of control on the "
        "data held now.",
    ),
    "quality.spc_table": ("失控的关键特性（按目前数据）", "Characteristics out of control (on the data held now)"),
    "quality.characteristic": ("特性", "Characteristic"),
    "quality.signals": ("失控点数", "Points out of control"),
    "quality.cpk": ("Cpk", "Cpk"),
    # the analysis report on research and production quality
    "quality_report.title": ("{unit}{period}科研生产质量分析报告", "{unit}: research and production quality, {period}"),
    "section.quality_overall": ("质量总体情况", "Overall quality situation"),
    "section.quality_indicators": ("质量指标", "Quality indicators"),
    "section.quality_units": ("各单位质量情况", "Quality by unit"),
    "section.quality_sources": ("质量问题原因分析", "Where the problems come from"),
    "section.quality_severe": ("重大、严重质量问题", "Critical and major problems"),
    "quality_report.reported": (
        "质量指标为各单位填报数，统计口径可能与质量问题登记不同。",
        "The quality indicators are the figures the units report; they may count differently from the problem "
        "register above.",
    ),
    "section.spc": ("统计过程控制", "Statistical process control"),
    "quality_report.none": (
        "截至 {end}，本单位及所属单位未登记质量问题，也没有受控监测的关键特性。",
        "To {end}, no quality problem is recorded here or below, and no characteristic is monitored.",
    ),
    "quality_report.zeroing": (
        "目前仍未归零的问题，归零要素已确认 {signed} 项，共 {criteria} 项（{share}）。",
        "Of the zeroing criteria of the problems still open today, {signed} of {criteria} are signed off ({share}).",
    ),
    "quality_report.units_table": ("各单位质量问题及归零情况", "Problems and zeroing by unit"),
    "quality_report.span_found": ("{span}发现", "Found ({span})"),
    "quality_report.span_closed": ("{span}归零", "Closed ({span})"),
    "quality_report.year_found": ("本年发现", "Found this year"),
    "quality_report.year_closed": ("其中已归零", "Of which closed"),
    "quality_report.rate": ("归零率", "Zeroing rate"),
    "quality_report.open": ("未归零", "Open"),
    "quality_report.severe_open": ("其中重大、严重", "Critical or major open"),
    "quality_report.cause": ("原因", "Cause"),
    "quality_report.origin_stage": ("产生阶段", "Stage of origin"),
    "quality_report.supplier": ("供应商", "Supplier"),
    "quality_report.cause_table": ("本年质量问题原因分布（帕累托）", "This year's problems by cause (Pareto)"),
    "quality_report.origin_stage_table": (
        "本年质量问题产生阶段分布（帕累托）",
        "This year's problems by stage of origin (Pareto)",
    ),
    "quality_report.supplier_table": ("本年质量问题供应商分布（帕累托）", "This year's problems by supplier (Pareto)"),
    "quality_report.by.cause": (
        "从原因看，本年问题最多的是“{top}”（{count} 项，占 {share}）。",
        "By cause, most of this year's problems come from {top} ({count}, {share}).",
    ),
    "quality_report.by.origin_stage": (
        "从产生阶段看，问题最多产生于“{top}”阶段（{count} 项，占 {share}）。",
        "By stage of origin, most arise in {top} ({count}, {share}).",
    ),
    "quality_report.by.supplier": (
        "从供应商看，问题最多的是{top}（{count} 项，占本年问题的 {share}）。",
        "By supplier, most come from {top} ({count}, {share} of this year's problems).",
    ),
    "quality_report.draft.overdue": (
        "{count} 项质量问题超过归零期限仍未归零。",
        "{count} quality problems are past their zeroing deadline and still open.",
    ),
    "quality_report.draft.severe": (
        "重大、严重质量问题尚有 {count} 项未归零。",
        "{count} critical or major problems are not yet closed.",
    ),
    "quality_report.draft.cause": (
        "“{cause}”是本年质量问题的主要原因（{count} 项），需举一反三。",
        "{cause} is the leading cause of this year's problems ({count}): its lessons need applying across units.",
    ),
    "quality_report.draft.none": (
        "本期未发现需重点关注的质量问题。",
        "Nothing in this period's quality calls for particular attention.",
    ),
    "bulletin.redrawn": (
        "说明：此版本审批时尚未保存通报明细，本文件据督办事项的历史记录，按 {day} 当日的状态重新生成；{totals}",
        "Note: this version was approved before its rows were kept; this file is redrawn from the tasks' history "
        "as they stood on {day}. {totals}",
    ),
    "bulletin.redrawn.same": ("汇总数与审批时保存的一致。", "Its totals match those kept at approval."),
    "bulletin.redrawn.differ": (
        "汇总数与审批时保存的不同（审批时：到期 {due} 项，办结 {completed} 项，逾期 {overdue} 项）。",
        "Its totals differ from those kept at approval (then: due {due}, completed {completed}, overdue {overdue}).",
    ),
    # a unit's word where its symbol is empty (the unit column of a table is never blank)
    "unit.count": ("个", "count"),
    "col.last_year": ("上年同期", "Same period last year"),
    "col.span_yoy": ("同比", "YoY"),
    "col.ytd_yoy": ("累计同比", "YTD YoY"),
    "col.ensure": ("确保目标", "Ensure target"),
    "col.strive": ("力争目标", "Strive target"),
    "col.completion": ("完成率", "Completion"),
    "col.time_progress": ("时间进度", "Time progress"),
    "col.gap": ("差距", "Gap"),
    "col.status": ("状态", "Status"),
    "note.gap": (
        "完成率为本年累计占年度确保目标的比例；差距为完成率与时间进度之差（个百分点，越低越好的指标方向相反）。",
        "Completion is the year to date as a share of the annual ensure target; the gap is completion less "
        "time progress in pp (reversed for indicators where lower is better).",
    ),
}


def word(lang: str, key: str, **values: object) -> str:
    zh, en = WORDS[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

CHINESE_NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")


def numbered(lang: str, index: int, heading: str, level: int = 1, parent: int = 0) -> str:
    """A heading numbered the way a Chinese report numbers it: 一、 then （一）; 1. then 1.1 in
    English (``parent``: the index of the section a sub-section is in)."""
    if lang == "zh":
        n = CHINESE_NUMERALS[index] if index < len(CHINESE_NUMERALS) else str(index + 1)
        return f"{n}、{heading}" if level == 1 else f"（{n}）{heading}"
    return f"{index + 1}. {heading}" if level == 1 else f"{parent + 1}.{index + 1} {heading}"
