"""What a characteristic and a batch of measurements must be. Pure: no I/O.

New measurements continue the stored ones: the first new subgroup is the one after the last
stored, numbers rise by one, a subgroup comes once with exactly the characteristic's subgroup
size, and every value is a finite number. Each refusal names the row (a file) or the item (the
API) and says what is wrong in both languages; nothing of a refused batch is stored.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from pacer.errors import Problem
from pacer.models import SPC_ATTRIBUTE_CHARTS, SPC_CHARTS, SPC_RULE_SETS
from pacer.spc import rule_set

MAX_PROBLEMS = 20
BATCH_LIMIT = 64
MAX_VALUES = 100  # values in a measured subgroup


@dataclass(frozen=True)
class Incoming:
    """One subgroup as sent: its number, its values and where it was (file row or API item)."""

    subgroup: int
    values: tuple[float, ...]  # a counted characteristic's one count
    row: int | None = None  # the file row of its first value
    field: str | None = None  # the API item, e.g. "subgroups[3]"
    size: float | None = None  # a counted characteristic's sample size (None: the characteristic's)
    measured_at: datetime | None = None
    batch: str = ""


def spec_problems(
    chart: str,
    rules: str,
    size: int,
    limits: tuple[float | None, float | None, float | None],
    rule_counts: dict[str, int] | None = None,
) -> list[Problem]:
    lsl, usl, target = limits
    out = []
    if rules in SPC_RULE_SETS and rule_counts:
        try:
            rule_set(rules, rule_counts)
        except ValueError as exc:
            out.append(Problem(str(exc), field="rule_counts", zh=_counts_zh(rules, rule_counts)))
    if chart not in SPC_CHARTS:
        out.append(Problem(f"unknown chart {chart!r}: use {', '.join(SPC_CHARTS)}", field="chart",
                           zh=f"未知的控制图“{chart}”，可用：{', '.join(SPC_CHARTS)}"))  # fmt: skip
    if rules not in SPC_RULE_SETS:
        out.append(Problem(f"unknown rule set {rules!r}: use we, nelson or none", field="rules",
                           zh=f"未知的判异规则“{rules}”，可用：we、nelson、none"))  # fmt: skip
    if chart in SPC_ATTRIBUTE_CHARTS and (lsl is not None or usl is not None or target is not None):
        out.append(Problem(f"a {chart} chart counts nonconformities: it has no specification limits or target",
                           field="lsl", zh=f"{chart} 控制图统计不合格，没有规格限和目标值"))  # fmt: skip
    if chart not in SPC_ATTRIBUTE_CHARTS and size > MAX_VALUES:
        out.append(Problem(f"a subgroup has at most {MAX_VALUES} values, not {size}", field="subgroup_size",
                           zh=f"子组最多 {MAX_VALUES} 个值，而不是 {size} 个"))  # fmt: skip
    if chart in ("xbar-r", "xbar-s") and size < 2:
        out.append(Problem(f"the {chart} chart needs subgroups of at least 2 values", field="subgroup_size",
                           zh=f"{chart} 控制图的子组容量至少为 2"))  # fmt: skip
    if chart == "imr" and size != 1:
        out.append(Problem("the imr chart plots single values: subgroup size 1", field="subgroup_size",
                           zh="单值-移动极差图的子组容量为 1"))  # fmt: skip
    for name, value in (("lsl", lsl), ("usl", usl), ("target", target)):
        if value is not None and not math.isfinite(value):
            out.append(Problem(f"{value} is not a finite number", field=name, zh=f"{value} 不是有限数"))
    if lsl is not None and usl is not None and lsl >= usl:
        out.append(Problem(f"the lower specification limit {lsl:g} is not below the upper {usl:g}", field="lsl",
                           zh=f"规格下限 {lsl:g} 不小于规格上限 {usl:g}"))  # fmt: skip
    elif target is not None and not ((lsl is None or lsl <= target) and (usl is None or target <= usl)):
        out.append(Problem(f"the target {target:g} is outside the specification limits", field="target",
                           zh=f"目标值 {target:g} 不在规格限之内"))  # fmt: skip
    return out


def _counts_zh(rules: str, counts: dict[str, int]) -> str:
    """The core's refusal of ``counts`` in Chinese: the first rule that is not in the set or
    whose count does not fit it (as :func:`pacer.spc.rule_set` checks)."""
    known = {r.name: r for r in rule_set(rules)}
    for name, k in counts.items():
        if name not in known:
            return f"规则 {name} 不在 {rules} 规则集中（可用：{'、'.join(known) or '无'}）"
        try:
            rule_set(rules, {name: k})
        except ValueError:
            return f"规则 {name}：点数 {k} 不适用于此类规则"
    return ""


def _said(item: Incoming, en: str, zh: str) -> Problem:
    return Problem(en, row=item.row, field=item.field, zh=zh)


def _where(item: Incoming | None) -> tuple[str, str]:
    if item is None:
        return "", ""
    return (f"row {item.row}", f"第 {item.row} 行") if item.row else (item.field or "", item.field or "")


def _count_problems(item: Incoming, size: int, chart: str) -> list[Problem]:
    """A counted subgroup: one whole count of at least 0, out of a positive sample size (whole
    for p and np, and not below the count: no more nonconforming units than inspected)."""
    n, out = item.subgroup, []
    if len(item.values) != 1:
        return [_said(item, f"subgroup {n}: a counted subgroup has one count, not {len(item.values)} values",
                      f"子组 {n}：计数型子组只有一个计数值，而不是 {len(item.values)} 个值")]  # fmt: skip
    count, sample = item.values[0], item.size if item.size is not None else float(size)
    if not math.isfinite(count) or count < 0 or not count.is_integer():
        out.append(_said(item, f"subgroup {n}: the count {count:g} is not a whole number of at least 0",
                         f"子组 {n}：计数 {count:g} 不是不小于 0 的整数"))  # fmt: skip
    if not math.isfinite(sample) or sample <= 0 or (chart in ("p", "np") and not sample.is_integer()):
        whole = chart in ("p", "np")
        out.append(_said(item, f"subgroup {n}: the sample size {sample:g} is not a positive "
                         + ("whole number" if whole else "number"),
                         f"子组 {n}：样本量 {sample:g} 不是正" + ("整数" if whole else "数")))  # fmt: skip
    elif chart in ("p", "np") and count > sample:
        out.append(_said(item, f"subgroup {n}: {count:g} nonconforming out of {sample:g} inspected",
                         f"子组 {n}：不合格数 {count:g} 大于检验数 {sample:g}"))  # fmt: skip
    return out


def _item_problems(item: Incoming, expected: int, last: int, size: int, chart: str) -> list[Problem]:
    n, out = item.subgroup, []
    if n <= last:
        out.append(_said(item, f"subgroup {n} is already stored (subgroups 1–{last} are); send only new ones",
                         f"子组 {n} 已经存储（已有子组 1–{last}），只需发送新的子组"))  # fmt: skip
    elif n != expected:
        out.append(_said(item, f"subgroup {expected} is missing: subgroup {n} comes after {expected - 1}",
                         f"缺少子组 {expected}：子组 {expected - 1} 之后是子组 {n}"))  # fmt: skip
    if chart in SPC_ATTRIBUTE_CHARTS:
        return out + _count_problems(item, size, chart)
    if len(item.values) != size:
        count = len(item.values)
        out.append(_said(item, f"subgroup {n} has {count} value(s); this characteristic's subgroups have {size}",
                         f"子组 {n} 有 {count} 个值，本特性的子组容量为 {size}"))  # fmt: skip
    if item.size is not None:
        out.append(_said(item, f"subgroup {n}: a sample size is for counted characteristics (p, np, c, u)",
                         f"子组 {n}：样本量仅用于计数型特性（p、np、c、u）"))  # fmt: skip
    bad = [v for v in item.values if not math.isfinite(v)]
    if bad:
        out.append(_said(item, f"subgroup {n}: {bad[0]} is not a finite number", f"子组 {n}：{bad[0]} 不是有限数"))
    return out


def batch_problems(batch: list[Incoming], last: int, size: int, chart: str = "xbar-r") -> list[Problem]:
    """Every problem of ``batch`` against the ``last`` stored subgroup and the subgroup ``size``
    (a counted ``chart``'s default sample size)."""
    if not batch:
        return [Problem("no measurements were sent", zh="没有收到测量值")]
    out: list[Problem] = []
    seen: dict[int, Incoming] = {}
    expected = last + 1
    for item in batch:
        if item.subgroup in seen:
            at, at_zh = _where(seen[item.subgroup])
            n = item.subgroup
            out.append(_said(item, f"subgroup {n} appears again (first at {at}): a duplicate or rows out of order",
                             f"子组 {n} 重复出现（首次在{at_zh}）：重复或行顺序错乱"))  # fmt: skip
            continue
        seen[item.subgroup] = item
        out += _item_problems(item, expected, last, size, chart)
        expected = max(expected, item.subgroup) + 1
        if len(out) >= MAX_PROBLEMS:
            break
    return out[:MAX_PROBLEMS]
