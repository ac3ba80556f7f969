"""The demo group's configuration: the org tree, people, story, calibration and model knobs.

Everything that makes the demo one particular group is read from YAML; the packaged
``demo_group.yaml`` is the default. Loading checks the references between sections so that a
mistake names its section instead of surfacing later as a KeyError deep in the generator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from importlib.resources import files
from pathlib import Path
from typing import Any, cast, get_args

import yaml

from pacer.demo.own_spec import OwnIndicators, parse_own
from pacer.demo.records import BASE_CODES, ROLES, DemoLeader, DemoUser, LeaderRole
from pacer.errors import DomainError
from pacer.indicators.library import load_library

SCHEMA = 1


class DemoConfigError(DomainError, ValueError):
    """A demo configuration that cannot generate a group (an input with problems)."""

    status = 422


@dataclass(frozen=True)
class ExtraChildSpec:
    """How ``units=N`` names the children it adds under a unit."""

    kind: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name_zh: str
    name_en: str
    kind: str
    weight: float
    short_zh: str
    short_en: str
    tags: dict[str, str]
    profile: dict[str, float]
    headquarters: UnitSpec | None
    extra_child: ExtraChildSpec | None
    children: tuple[UnitSpec, ...]

    def walk(self) -> list[UnitSpec]:
        """This unit and all configured descendants, headquarters first."""
        found = [self]
        for child in ((self.headquarters,) if self.headquarters else ()) + self.children:
            found.extend(child.walk())
        return found


@dataclass(frozen=True)
class StoryMove:
    unit: str
    to: str
    effective: date


@dataclass(frozen=True)
class Story:
    moves: tuple[StoryMove, ...]
    created: dict[str, date]
    dissolved: dict[str, date]
    margin_paths: dict[str, dict[int, float]]
    two_funds: dict[str, tuple[float, int]]
    low_rd_intensity: str | None

    def codes(self) -> set[str]:
        found = {m.unit for m in self.moves} | {m.to for m in self.moves}
        found |= set(self.created) | set(self.dissolved) | set(self.margin_paths)
        found |= set(self.two_funds)
        return found | ({self.low_rd_intensity} if self.low_rd_intensity else set())


@dataclass(frozen=True)
class IntraGroupSale:
    """``seller`` sells ``share_bp`` basis points of its monthly revenue to ``buyer``; the group
    eliminates the sale where the two are consolidated together (their nearest common parent)."""

    seller: str
    buyer: str
    share_bp: int


@dataclass(frozen=True)
class TargetSpec:
    ensure_growth_bp: int
    strive_growth_bp: int
    flows: tuple[str, ...]
    caps: dict[str, int]
    rounding_yuan: int
    reference_years: int
    exclude_years: tuple[int, ...]
    # HQ's line for a ratio, the same for every unit (a cap where lower is better), in
    # hundredths of a percent: 6500 is 65.00 %
    ratios: dict[str, int] = field(default_factory=dict)
    # zero defects: a target of 0 for every unit on these lower-is-better counts
    zero_defects: tuple[str, ...] = ()


@dataclass(frozen=True)
class Seasonality:
    profiles: dict[str, tuple[float, ...]]
    festival_dip: float
    festival_neighbour: float
    shocks: dict[tuple[int, int], float]


@dataclass(frozen=True)
class DemoConfig:
    """A parsed demo configuration; build one with :meth:`DemoConfig.load`."""

    root: UnitSpec
    story: Story
    revenue_ensure_fen: int
    total_profit_ensure_fen: int
    base_year_jitter: float
    margin_offsets: dict[int, float]
    targets: TargetSpec
    spring_festival: dict[int, date]
    seasonality: Seasonality
    macro_growth: dict[int, float]
    macro_default: float
    defaults: dict[str, float]
    jitter_add: dict[str, float]
    jitter_mul: dict[str, float]
    noise: dict[str, float]
    extra_weight_sigma: float
    leaders: tuple[DemoLeader, ...]
    users: tuple[DemoUser, ...]
    intra_group_sales: tuple[IntraGroupSale, ...] = ()
    own: OwnIndicators | None = None  # the group's own indicators and who reports them
    source: str = field(default="", compare=False)

    @classmethod
    def load(cls, path: Path | None = None) -> DemoConfig:
        """Read a demo configuration; without ``path`` the packaged ``demo_group.yaml``."""
        if path is None:
            folder: Any = files("pacer.demo")
            text, source = folder.joinpath("demo_group.yaml").read_text(encoding="utf-8"), "demo_group.yaml"
        else:
            folder = Path(path).parent
            text, source = Path(path).read_text(encoding="utf-8"), str(path)
        try:
            raw = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            where = getattr(exc, "problem_mark", None)
            line = f" (line {where.line + 1})" if where is not None else ""
            raise DemoConfigError(f"{source}: not valid YAML{line}: {getattr(exc, 'problem', None) or exc}") from None
        if not isinstance(raw, dict) or raw.get("schema") != SCHEMA:
            raise DemoConfigError(f"{source}: expected a mapping with schema: {SCHEMA}")
        try:
            config = _parse(raw, source)
            own = parse_own(raw.get("own_indicators"), lambda name: _beside(folder, name))
            config = replace(config, own=own)
        except (KeyError, TypeError, ValueError, OSError, yaml.YAMLError) as exc:
            if isinstance(exc, DemoConfigError):
                raise
            raise DemoConfigError(f"{source}: {type(exc).__name__}: {exc}") from exc
        _check_references(config)
        return config

    def macro(self, year: int) -> float:
        return self.macro_growth.get(year, self.macro_default)

    def margin_offset(self, year: int) -> float:
        return self.margin_offsets.get(year, 0.0)


def _parse(raw: dict[str, Any], source: str) -> DemoConfig:
    calibration, targets, model = raw["calibration"], raw["targets"], raw["model"]
    macro = {int(k): float(v) for k, v in raw["macro_growth"].items() if k != "default"}
    return DemoConfig(
        root=_unit(raw["group"], weight_required=False),
        story=_story(raw.get("story") or {}),
        revenue_ensure_fen=_fen(calibration["revenue_ensure"]),
        total_profit_ensure_fen=_fen(calibration["total_profit_ensure"]),
        base_year_jitter=float(calibration.get("base_year_jitter", 0.0)),
        margin_offsets={int(k): float(v) for k, v in (calibration.get("margin_offsets") or {}).items()},
        targets=_targets(targets),
        spring_festival={int(y): _date(d) for y, d in raw["spring_festival"].items()},
        seasonality=_seasonality(raw["seasonality"]),
        macro_growth=macro,
        macro_default=float(raw["macro_growth"]["default"]),
        defaults=_floats(model["defaults"]),
        jitter_add=_floats(model.get("jitter_add") or {}),
        jitter_mul=_floats(model.get("jitter_mul") or {}),
        noise=_floats(model["noise"]),
        extra_weight_sigma=float(model.get("extra_weight_sigma", 0.5)),
        leaders=tuple(_leader(str(code), item) for code, items in (raw.get("leaders") or {}).items() for item in items),
        users=tuple(
            DemoUser(
                username=str(u["username"]),
                display_name_zh=str(u["display_name_zh"]),
                display_name_en=str(u["display_name_en"]),
                role=str(u["role"]),
                unit_code=str(u["unit"]),
            )
            for u in raw.get("users") or []
        ),
        intra_group_sales=tuple(
            IntraGroupSale(str(s["seller"]), str(s["buyer"]), round(float(s["share"]) * 10_000))
            for s in raw.get("intra_group_sales") or []
        ),
        source=source,
    )


def _unit(raw: Mapping[str, Any], *, weight_required: bool = True) -> UnitSpec:
    extra = raw.get("extra_child")
    name_zh, name_en = str(raw["name_zh"]), str(raw["name_en"])
    return UnitSpec(
        code=str(raw["code"]),
        name_zh=name_zh,
        name_en=name_en,
        kind=str(raw.get("kind", "headquarters")),
        weight=float(raw["weight"]) if weight_required else float(raw.get("weight", 1.0)),
        short_zh=str(raw.get("short_zh", name_zh)),
        short_en=str(raw.get("short_en", name_en)),
        tags={str(k): str(v) for k, v in (raw.get("tags") or {}).items()},
        profile=_floats(raw.get("profile") or {}),
        headquarters=_unit(raw["headquarters"]) if raw.get("headquarters") else None,
        extra_child=ExtraChildSpec(**{k: str(v) for k, v in extra.items()}) if extra else None,
        children=tuple(_unit(child) for child in raw.get("children") or ()),
    )


def _leader(unit_code: str, raw: Mapping[str, Any]) -> DemoLeader:
    role = str(raw["role"])
    if role not in get_args(LeaderRole):
        raise DemoConfigError(f"leaders.{unit_code}: unknown role {role!r}")
    return DemoLeader(
        unit_code=unit_code,
        name_zh=str(raw["name_zh"]),
        name_en=str(raw["name_en"]),
        role=cast(LeaderRole, role),  # checked just above
        portfolio_zh=str(raw["portfolio_zh"]),
        portfolio_en=str(raw["portfolio_en"]),
    )


def _story(raw: Mapping[str, Any]) -> Story:
    return Story(
        moves=tuple(StoryMove(str(m["unit"]), str(m["to"]), _date(m["effective"])) for m in raw.get("moves") or ()),
        created={str(c["unit"]): _date(c["date"]) for c in raw.get("created") or ()},
        dissolved={str(c["unit"]): _date(c["date"]) for c in raw.get("dissolved") or ()},
        margin_paths={
            str(p["unit"]): {int(k): float(v) for k, v in p["margins"].items()} for p in raw.get("margin_paths") or ()
        },
        two_funds={
            str(t["unit"]): (float(t["extra_growth"]), int(t.get("from_offset", 0))) for t in raw.get("two_funds") or ()
        },
        low_rd_intensity=str(raw["low_rd_intensity"]) if raw.get("low_rd_intensity") else None,
    )


def _targets(raw: Mapping[str, Any]) -> TargetSpec:
    phasing = raw.get("phasing") or {}
    return TargetSpec(
        ensure_growth_bp=int(raw["ensure_growth_bp"]),
        strive_growth_bp=int(raw["strive_growth_bp"]),
        flows=tuple(str(code) for code in raw["flows"]),
        caps={str(k): int(v) for k, v in (raw.get("caps") or {}).items()},
        rounding_yuan=int(raw.get("rounding_yuan", 1)),
        ratios={str(k): round(float(v) * 100) for k, v in (raw.get("ratios") or {}).items()},
        zero_defects=tuple(str(code) for code in raw.get("zero_defects") or ()),
        reference_years=int(phasing.get("reference_years", 2)),
        exclude_years=tuple(int(y) for y in phasing.get("exclude_years") or ()),
    )


def _seasonality(raw: Mapping[str, Any]) -> Seasonality:
    profiles = {str(k): tuple(float(x) for x in v) for k, v in raw.items() if isinstance(v, list)}
    for name, values in profiles.items():
        if len(values) != 12 or min(values) <= 0:
            raise DemoConfigError(f"seasonality.{name}: expected 12 positive numbers")
    shocks: dict[tuple[int, int], float] = {}
    for key, factor in (raw.get("shocks") or {}).items():
        year, month = str(key).split("-")[:2]
        shocks[(int(year), int(month))] = float(factor)
    return Seasonality(
        profiles=profiles,
        festival_dip=float(raw["festival_dip"]),
        festival_neighbour=float(raw["festival_neighbour"]),
        shocks=shocks,
    )


def _beside(folder: Any, name: str) -> str:
    """A file named by the configuration: beside it, else the packaged one of that name."""
    path = folder.joinpath(name)
    if not path.is_file():
        path = files("pacer.demo").joinpath(name)
    return str(path.read_text(encoding="utf-8"))


def _fen(text: Any) -> int:
    """Yuan written as a decimal string, exactly, in fen."""
    amount = Decimal(str(text)) * 100
    if amount != amount.to_integral_value():
        raise DemoConfigError(f"{text!r}: more than two decimal places")
    return int(amount)


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _floats(raw: Mapping[str, Any]) -> dict[str, float]:
    return {str(k): float(v) for k, v in raw.items()}


def _check_references(config: DemoConfig) -> None:
    specs = config.root.walk()
    codes = [spec.code for spec in specs]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    problems = [f"duplicate unit codes: {duplicates}"] if duplicates else []
    known = set(codes)
    referenced = config.story.codes() | {leader.unit_code for leader in config.leaders}
    referenced |= {user.unit_code for user in config.users}
    referenced |= {code for s in config.intra_group_sales for code in (s.seller, s.buyer)}
    problems += [
        f"intra-group sale {s.seller} -> {s.buyer}: share must be between 0 and 1"
        for s in config.intra_group_sales
        if not 0 < s.share_bp < 10_000
    ]
    problems += [f"unknown unit {code!r} referenced" for code in sorted(referenced - known)]
    problems += [
        f"profile key {key!r} of {spec.code} has no default"
        for spec in specs
        for key in spec.profile
        if key not in config.defaults
    ]
    problems += [f"unknown role {u.role!r}" for u in config.users if u.role not in ROLES]
    library = load_library()
    problems += config.own.problems(set(library.sets)) if config.own else []
    unknown = set(config.targets.flows) | set(config.targets.caps) | set(config.targets.zero_defects)
    problems += [f"unknown target indicator {c!r}" for c in sorted(unknown - set(BASE_CODES))]
    ratios = {code for code, spec in library.indicators.items() if spec.is_derived and spec.unit == "percent"}
    problems += [
        f"targets.ratios: {c!r} is not a percent ratio of the indicator library"
        for c in sorted(set(config.targets.ratios) - ratios)
    ]
    missing = {
        "revenue",
        "cash_from_sales",
        "payments",
        "investment",
        "accounts_receivable",
        "inventory",
        "headcount",
    } - set(config.seasonality.profiles)
    problems += [f"seasonality.{name} is missing" for name in sorted(missing)]
    if problems:
        raise DemoConfigError(f"{config.source}: " + "; ".join(problems))
