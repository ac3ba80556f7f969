"""The org tree: configured units, scaled to a requested size, in depth-first order."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt

from pacer.demo.config import DemoConfig, DemoConfigError, UnitSpec
from pacer.demo.records import DemoUnit, UnitMove

Ints = npt.NDArray[np.int64]
_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_SUFFIXES = 99 + 26 * len(_DIGITS)  # 01…99, then A0…ZZ


@dataclass
class _Node:
    spec: UnitSpec | None  # None for the units that ``units=N`` adds
    code: str
    name_zh: str
    name_en: str
    kind: str
    weight: float
    tags: dict[str, str]
    profile: dict[str, float]
    children: list[_Node] = field(default_factory=list)


@dataclass(frozen=True)
class OrgTree:
    """Units parents-first, each unit's parent index as created (-1 for the root), the moves.

    ``leaves`` index the reporting units; ``share`` is each leaf's share of group revenue as the
    weights give it and ``profiles`` its model parameters before unit-to-unit jitter.
    """

    units: list[DemoUnit]
    parent: Ints
    moves: list[UnitMove]
    leaves: Ints
    share: npt.NDArray[np.float64]
    profiles: list[dict[str, float]]

    @property
    def index(self) -> dict[str, int]:
        return {unit.code: i for i, unit in enumerate(self.units)}

    def parent_on(self, day: date) -> Ints:
        """Parent index of every unit on ``day``, after the moves effective by then."""
        parent = self.parent.copy()
        index = self.index
        for move in sorted(self.moves, key=lambda m: m.effective):
            if move.effective <= day:
                parent[index[move.unit_code]] = index[move.new_parent_code]
        return parent


def build_org(config: DemoConfig, rng: np.random.Generator, units: int | None, as_of_end: date) -> OrgTree:
    """The configured tree, with third-level units added or dropped so ``units`` fit."""
    root = _node(config.root, {**config.defaults, **config.root.profile}, config.root.tags)
    if units is not None:
        _scale(root, config, rng, units)
    flat: list[tuple[_Node, str | None]] = []
    _flatten(root, None, flat)
    story = config.story
    created = {c: d for c, d in story.created.items() if d <= as_of_end}
    # A unit created after the as-of date does not exist yet.
    flat = [(n, p) for n, p in flat if n.code in created or n.code not in story.created]
    position = {node.code: i for i, (node, _) in enumerate(flat)}
    records = [
        DemoUnit(
            code=node.code,
            name_zh=node.name_zh,
            name_en=node.name_en,
            kind=node.kind,
            parent_code=parent,
            tags=dict(node.tags),
            created_on=created.get(node.code),
            dissolved_on=d if (d := story.dissolved.get(node.code)) and d <= as_of_end else None,
        )
        for node, parent in flat
    ]
    leaves = [i for i, (node, _) in enumerate(flat) if not node.children]
    return OrgTree(
        units=records,
        parent=np.array([position[p] if p is not None else -1 for _, p in flat]),
        moves=[
            UnitMove(m.unit, m.to, m.effective) for m in story.moves if m.effective <= as_of_end and m.unit in position
        ],
        leaves=np.array(leaves, dtype=np.int64),
        share=_shares(root, [flat[i][0] for i in leaves]),
        profiles=[flat[i][0].profile for i in leaves],
    )


def _node(spec: UnitSpec, profile: dict[str, float], tags: dict[str, str]) -> _Node:
    node = _Node(spec, spec.code, spec.name_zh, spec.name_en, spec.kind, spec.weight, tags, profile)
    if spec.headquarters is not None:
        hq = spec.headquarters
        node.children.append(_node(hq, {**profile, **hq.profile}, {**tags, **hq.tags}))
    for child in spec.children:
        node.children.append(_node(child, {**profile, **child.profile}, {**tags, **child.tags}))
    if spec.extra_child is not None and spec.headquarters is None:
        raise DemoConfigError(f"{spec.code}: extra_child needs a headquarters unit")
    return node


def _flatten(node: _Node, parent: str | None, out: list[tuple[_Node, str | None]]) -> None:
    out.append((node, parent))
    for child in node.children:
        _flatten(child, node.code, out)


def _shares(root: _Node, leaves: list[_Node]) -> npt.NDArray[np.float64]:
    share: dict[str, float] = {}

    def visit(node: _Node, amount: float) -> None:
        share[node.code] = amount
        total = sum(child.weight for child in node.children)
        for child in node.children:
            visit(child, amount * child.weight / total)

    visit(root, 1.0)
    return np.array([share[leaf.code] for leaf in leaves])


def _scalable(root: _Node) -> list[_Node]:
    found = [root] if root.spec is not None and root.spec.extra_child is not None else []
    for child in root.children:
        found.extend(_scalable(child))
    return found


def _scale(root: _Node, config: DemoConfig, rng: np.random.Generator, units: int) -> None:
    """Resize the children lists of units that allow extra children so the tree has ~units."""
    parents = _scalable(root)
    if not parents:
        return
    counts = [len(_configured(p)) for p in parents]
    fixed = len(_iter(root)) - sum(counts)
    required = _required_codes(config)
    minimums = [max(1, sum(c.code in required for c in _configured(p))) for p in parents]
    wanted = max(units - fixed, sum(minimums))
    quotas = _quotas(wanted, counts, minimums)
    for parent, quota in zip(parents, quotas, strict=True):
        _resize(parent, quota, required, config, rng)


def _iter(node: _Node) -> list[_Node]:
    found = [node]
    for child in node.children:
        found.extend(_iter(child))
    return found


def _configured(parent: _Node) -> list[_Node]:
    """A scalable unit's configured children other than its headquarters."""
    return parent.children[1:]


def _required_codes(config: DemoConfig) -> set[str]:
    codes = config.story.codes() | {leader.unit_code for leader in config.leaders}
    return codes | {user.unit_code for user in config.users}


def _quotas(total: int, counts: list[int], minimums: list[int]) -> list[int]:
    """Split ``total`` in proportion to ``counts`` (largest remainder), honouring minimums."""
    weights = np.maximum(np.asarray(counts, dtype=np.float64), 1.0)
    quotas = largest_remainder(total, weights).tolist()
    while True:
        short = [i for i, q in enumerate(quotas) if q < minimums[i]]
        if not short:
            return [int(q) for q in quotas]
        i = short[0]
        donor = max(range(len(quotas)), key=lambda j: quotas[j] - minimums[j])
        quotas[i] += 1
        quotas[donor] -= 1


def largest_remainder(total: int, weights: npt.NDArray[np.float64]) -> Ints:
    """Integers in proportion to non-negative ``weights`` that sum to exactly ``total``."""
    exact = total * weights / weights.sum()
    base: Ints = np.floor(exact).astype(np.int64)
    short = int(total - base.sum())
    if short:
        order = np.argsort(-(exact - base), kind="stable")
        base[order[:short]] += 1
    return base


def _resize(parent: _Node, quota: int, required: set[str], config: DemoConfig, rng: np.random.Generator) -> None:
    """Keep ``quota`` configured children (those the story or people need first), or add
    generated ones after all of them."""
    hq, configured = parent.children[0], _configured(parent)
    if quota <= len(configured):
        keep = {c.code for c in configured if c.code in required}
        for child in configured:
            if len(keep) < quota:
                keep.add(child.code)
        parent.children = [hq] + [c for c in configured if c.code in keep]
    else:
        _extend(parent, quota - len(configured), config, rng)


def _extend(parent: _Node, count: int, config: DemoConfig, rng: np.random.Generator) -> None:
    spec = parent.spec
    assert spec is not None
    assert spec.extra_child is not None
    extra, configured = spec.extra_child, _configured(parent)
    taken = {c.code for c in parent.children}
    free = [parent.code + s for s in map(_suffix, range(1, _SUFFIXES + 1)) if parent.code + s not in taken]
    if count > len(free):
        raise DemoConfigError(f"{parent.code}: room for {len(free)} more children, not {count}")
    mean_weight = float(np.mean([c.weight for c in configured])) if configured else 1.0
    weights = mean_weight * rng.lognormal(0.0, config.extra_weight_sigma, count)
    for number, (code, weight) in enumerate(zip(free, weights, strict=False), len(configured) + 1):
        name_zh = extra.name_zh.format(parent=spec.short_zh, n=chinese_number(number))
        name_en = extra.name_en.format(parent=spec.short_en, n=number)
        parent.children.append(
            _Node(None, code, name_zh, name_en, extra.kind, float(weight), dict(parent.tags), dict(parent.profile))
        )


def _suffix(i: int) -> str:
    """01…99, then A0…ZZ: codes keep their length as a unit grows past 99 children."""
    if i < 100:
        return f"{i:02d}"
    i -= 100
    return _DIGITS[10 + i // 36] + _DIGITS[i % 36]


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 105 → 一百零五 (up to 9999)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    text, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d:
            text += ("零" if zero and text else "") + digits[d] + unit
            zero = False
        else:
            zero = bool(text)
    return text
