"""Refusals of the ways figures come in (the entry grid, the Excel upload, the submissions API)
in the reader's language.

The import, the workbook reader and the number parser name each problem in English; the rules
already speak both languages. :func:`localize` gives a refusal its Chinese words from the table
below (each English message, its values captured, and the same in Chinese) and marks it with the
reader's language, so the error handler and the pages show it in that language. A message the
table does not know stays in English (``tests/submissions/test_said.py`` feeds every way in its
bad input in Chinese and checks that none is left so).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from pacer.errors import DomainError, ValidationFailed
from pacer.submissions.workflow import SUBMISSION

# (English, Chinese): a group named t_* is itself translated, one named state is a state's label
_TABLE: tuple[tuple[str, str], ...] = (
    # numbers and cells (the first pattern that matches says it: the particular before the general)
    (r"the month's amount (?P<t_rest>.+)", "当月数 {t_rest}"),
    (r"true/false is not a number", "真/假值不是数值"),
    (r"a number is needed", "需要填写数值"),
    (r"(?P<v>.+) is too long for a number", "{v} 太长，不是数值"),
    (
        r"(?P<v>.+) holds full-width or other non-ASCII characters: .*",
        "{v} 含有全角或其他非 ASCII 字符：请用半角数字 0-9 和 -",
    ),
    (r"(?P<v>.+) is not a number \(.*\)", "{v} 不是数值（半角数字，可有前导 -，小数点 .，千位分隔符 ,）"),
    (r"(?P<v>.+) is not a number", "{v} 不是数值"),
    (r"(?P<v>.+) has more than (?P<n>\d+) decimal place\(s\)", "{v} 的小数超过 {n} 位"),
    (r"(?P<v>.+) is out of range: at most (?P<b>.+) either way", "{v} 超出范围：绝对值至多 {b}"),
    (r"a date or time \((?P<v>.*)\) is not a number: .*", "日期或时间（{v}）不是数值：请把单元格设为数值格式"),
    (r"longer than (?P<n>[\d,]+) characters", "超过 {n} 个字符"),
    (r"(?P<v>'.*') uses a multiplier \((?P<m>.)\): .*", "{v} 使用了倍数（{m}）：请按所示计量单位写出完整数值"),
    (r"'(?P<v>.*)' is not a period.*", "“{v}”不是月份（YYYY-MM）"),
    (r"'(?P<v>.*)' is not a month", "“{v}”不是月份"),
    # rows of figures
    (r"unknown indicator '(?P<c>.*)'", "未知指标“{c}”"),
    (r"unknown unit '(?P<u>.*)'", "未知单位“{u}”"),
    (r"'(?P<c>.*)' is derived from other indicators and is not reported", "“{c}”由其他指标计算得出，不需填报"),
    (r"basis must be 'monthly' or 'ytd', not '(?P<b>.*)'", "口径须为 monthly（当月）或 ytd（本年累计），不能是“{b}”"),
    (r"the same unit, indicator and period as row (?P<r>\d+)", "与第 {r} 行的单位、指标和月份相同"),
    (r"unit '(?P<u>.*)' was created on (?P<d>.*)", "单位“{u}”成立于 {d}"),
    (r"unit '(?P<u>.*)' was dissolved on (?P<d>.*)", "单位“{u}”已于 {d} 撤销"),
    (
        r"a year-to-date value for (?P<m>\S+) needs (?P<u>.+)'s '(?P<c>.*)' for every earlier month of (?P<y>\d+)",
        "{m} 的本年累计数需要 {u} 的“{c}”在 {y} 年此前每个月的数值",
    ),
    (r"'(?P<c>.*)' cannot be negative", "“{c}”不能为负数"),
    (
        r"the year-to-date figure is below the month before's: '(?P<c>.*)' cannot have a negative month \((?P<v>.*)\)",
        "本年累计数低于上月：“{c}”的当月数不能为负（{v}）",
    ),
    (r"(?P<m>\d{4}-\d{2}) is in the future", "{m} 尚未到来"),
    (r"period (?P<m>\S+) is locked: (?P<t_what>.+) cannot change", "{m} 已锁定：{t_what}不能再修改"),
    (r"period (?P<m>\S+) is locked", "{m} 已锁定"),
    (r"(?P<u>\S+)'s submission for (?P<m>\S+) is accepted and locked", "{u} {m} 的月报已接受并锁定"),
    (r"no rows: nothing to import", "没有数据行，没有可导入的内容"),
    (
        r"unit '(?P<u>.*)' does not report '(?P<c>.*)' in (?P<m>\S+) \(see .*\)",
        "单位“{u}”在 {m} 不填报“{c}”（见指标分配）",
    ),
    # files and workbooks
    (r"the file is neither UTF-8 nor GB18030 text", "文件既不是 UTF-8 也不是 GB18030 文本"),
    (r"the file is empty", "文件为空"),
    (r"the header cannot be read: (?P<e>.*)", "无法读取表头：{e}"),
    (r"required column is missing", "缺少必需的列"),
    (r"unknown column", "未知的列"),
    (r"the row cannot be read: (?P<e>.*)", "无法读取该行：{e}"),
    (r"(?P<a>\d+) cells but the header has (?P<b>\d+)", "有 {a} 个单元格，但表头有 {b} 列"),
    (r"the file has a header but no rows: nothing to import", "文件只有表头、没有数据行，没有可导入的内容"),
    (r"the file has more than the (?P<n>[\d,]+) bytes an import takes.*", "文件超过导入上限 {n} 字节"),
    (r"the file is not an Excel workbook \(\.xlsx\)", "文件不是 Excel 工作簿（.xlsx）"),
    (r"the workbook unpacks to (?P<n>[\d,]+) bytes, too many to read", "工作簿解压后有 {n} 字节，过大，无法读取"),
    (r"the workbook cannot be read \(damaged or truncated\?\): (?P<e>.*)", "无法读取工作簿（已损坏或不完整？）：{e}"),
    (r"the workbook cannot be read: (?P<e>.*)", "无法读取工作簿：{e}"),
    (r"the sheet has a header but no rows", "工作表只有表头、没有数据行"),
    (r"no workbook given: nothing to import", "没有给出工作簿，没有可导入的内容"),
    (r"the workbook has no sheet '(?P<s>.*)'", "工作簿没有工作表“{s}”"),
    (r"merged cells \((?P<r>.*)\): unmerge them", "合并单元格（{r}）：请取消合并"),
    (r"the sheet is not part of the template: remove it", "该工作表不属于模板：请删除"),
    (
        r"the workbook is not a figures template \(no stamp\): .*",
        "该工作簿不是填报模板（没有模板标记）：请下载模板填写",
    ),
    (r"the same unit and month as (?P<w>.*)", "与 {w} 的单位和月份相同"),
    (
        r"the template of (?P<u>\S+) for (?P<m>\S+) no longer matches the indicators .*",
        "{u} {m} 的模板与该单位填报的指标不再一致（或已被改动）：请重新下载模板",
    ),
    (r"a template of version '(?P<a>.*)', not '(?P<b>.*)': .*", "模板版本为“{a}”，不是“{b}”：请重新下载模板"),
    (r"a template of unit (?P<a>\S+), not (?P<b>\S+)", "这是单位 {a} 的模板，不是 {b} 的"),
    (r"a template of (?P<a>\S+), not (?P<b>\S+)", "这是 {a} 的模板，不是 {b} 的"),
    (r"the sheet's columns were changed: use the template as written", "工作表的列被改动：请按原样使用模板"),
    (r"a formula: type the figure itself \(formulas are not read\)", "公式：请直接填写数值（不读取公式）"),
    (r"a value on a row without an indicator code", "该行有数值但没有指标代码"),
    (r"'(?P<c>.*)' is not in this template", "“{c}”不在此模板中"),
    (r"'(?P<c>.*)' is listed twice \(also row (?P<r>\d+)\)", "“{c}”出现两次（另见第 {r} 行）"),
    # submissions and their workflow
    (
        r"(?P<u>\S+)'s submission for (?P<m>\S+) is HQ's accepted load: .*",
        "{u} {m} 月报是总部导入并已接受的数据：由总部导入更正后的数据",
    ),
    (r"(?P<u>\S+)'s submission for (?P<m>\S+)", "{u} {m} 月报"),
    (
        r"(?P<t_what>.+) is at version (?P<s>\d+), not (?P<g>\d+): .*",
        "{t_what}当前为第 {s} 版，不是第 {g} 版：其间已被修改，请重新载入后再试",
    ),
    (
        r"(?P<t_what>.+) is (?P<state>\w+): only a draft or a returned one can be changed",
        "{t_what}{state}：只有草稿或已退回的才能修改",
    ),
    (
        r"(?P<t_what>.+) was loaded from a file and has no workflow; .*",
        "{t_what}由文件导入，没有报送流程；保存数据即可开始",
    ),
    (r"(?P<t_what>.+) has no submission for (?P<m>\S+)", "{t_what} 没有 {m} 的月报"),
    (r"no narrative field '(?P<f>.*)'", "没有叙述字段“{f}”"),
    (r"no figures: nothing to save", "没有数据，没有可保存的内容"),
    (r"no such unit among those you may see", "在您可见的单位中没有该单位"),
    (r"not allowed to (?P<v>\w+) this unit", "无权在该单位执行此操作（{v}）"),
    (r"not allowed to (?P<v>\w+) (?P<t_what>.+)", "无权对{t_what}执行“{v}”"),
    (r"'(?P<s>.*)' is not a state; states: (?P<l>.*)", "“{s}”不是状态；状态有：{l}"),
    (
        r"\w+: '(?P<v>.*)' is not possible in state '(?P<state>.*)'; possible: (?P<l>.*)",
        "{state}状态下不能“{v}”；可以：{l}",
    ),
    (r"\w+: '(?P<v>.*)' is not possible in state '(?P<state>.*)'; .*", "{state}状态下不能“{v}”，也没有其他操作"),
    (r"'(?P<v>.*)' needs a reason", "“{v}”需要说明理由"),
    (r"\w+: no verb '(?P<v>.*)'", "没有操作“{v}”"),
    (r"\w+ item \d+ changed meanwhile; reload it and try again", "其间已被修改，请重新载入后再试"),
    (r"If-Match: '(?P<v>.*)' is not a version .*", "If-Match：“{v}”不是版本号（即 GET 返回的 ETag）"),
    (r"say which version you read: .*", "请说明读取的版本：If-Match 请求头或 version（尚未保存的为 0）"),
    (r"'(?P<v>.*)' is not a version", "“{v}”不是版本号"),
)
_CJK = re.compile("[\u3000-\u9fff\uff00-\uffef]")
_COMPILED = tuple((re.compile(en, re.DOTALL), zh) for en, zh in _TABLE)


def chinese(message: str) -> str | None:
    """``message`` in Chinese, None when the table does not know it."""
    for pattern, zh in _COMPILED:
        found = pattern.fullmatch(message)
        if found is None:
            continue
        values = {}
        for name, value in found.groupdict().items():
            if name.startswith("t_"):
                value = chinese(value) or value
            elif name == "state" and value in SUBMISSION.states:
                value = SUBMISSION.state_label(value, "zh")
            values[name] = value
        return zh.format(**values)
    return message if _CJK.search(message) else None  # already Chinese (the rules' words)


def localize(exc: DomainError, language: str) -> DomainError:
    """``exc`` (changed in place, returned) with its Chinese words and the reader's language."""
    if isinstance(exc, ValidationFailed):
        exc.problems = [p if p.zh else replace(p, zh=chinese(p.message) or "") for p in exc.problems]
    elif language == "zh":
        said = chinese(exc.message)
        if said:
            exc.message = said
            exc.args = (said,)
    exc.language = language
    return exc


@contextmanager
def in_language(language: str) -> Iterator[None]:
    """Refusals raised within, in ``language``."""
    try:
        yield
    except DomainError as exc:
        raise localize(exc, language) from None
