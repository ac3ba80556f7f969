"""The thresholds and flags of the validation rules (:mod:`pacer.submissions.rules`).

Defaults suit a group's monthly express report; a group changes them in a YAML file named by
``PACER_RULES_FILE``, whose ``rules:`` section holds any of these keys::

    rules:
      ratio_low: 0                 # a percent-unit reported figure below this is an error
      ratio_high: 100              # ... and above this
      ratio_bounds:                # per indicator, overriding the two above
        first_pass_yield: [0, 100]
      derived_bounds:              # a derived percentage outside its range is a warning
        debt_to_asset_ratio: [0, 100]
      ytd_never_decreasing: []     # flows whose year-to-date figure may not fall (an error)
      ytd_never_decreasing_dimensions: [headcount, count]   # ... and every flow of these
      ytd_decrease_warning:        # flows whose year-to-date figure falling is a warning (a
        [revenue, cash_from_sales, civil_revenue]   # month of returns can do it: explain it)
      yoy_threshold: 0.5           # a year-on-year change beyond 50 % needs an explanation
      yoy_thresholds: {investment_actual: 1.0}
      consolidation_tolerance: 0.005   # a consolidated figure may differ from its children's
                                       # sum by this share of it ...
      consolidation_units: [HQ]    # units that report consolidated figures (besides those
                                   # tagged reports=consolidated)
      identity_tolerance: 0.005
      identities:                  # a reported figure that equals a formula of others
        owners_equity: total_assets - total_liabilities

Nothing here depends on an indicator's code unless a list above names it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from pacer.errors import DomainError

_DEFAULT_YTD = frozenset({"revenue", "cash_from_sales", "civil_revenue"})
_DEFAULT_DIMENSIONS = frozenset({"headcount", "count"})


@dataclass(frozen=True)
class RuleConfig:
    """Every threshold and flag the rules read; the defaults are documented in the module."""

    ratio_low: Decimal = Decimal(0)
    ratio_high: Decimal = Decimal(100)
    ratio_bounds: Mapping[str, tuple[Decimal, Decimal]] = field(default_factory=dict)
    derived_bounds: Mapping[str, tuple[Decimal, Decimal]] = field(
        default_factory=lambda: {
            code: (Decimal(0), Decimal(100))
            for code in ("debt_to_asset_ratio", "first_pass_yield", "civil_revenue_share")
        }
    )
    ytd_never_decreasing: frozenset[str] = frozenset()
    ytd_decrease_warning: frozenset[str] = _DEFAULT_YTD
    ytd_never_decreasing_dimensions: frozenset[str] = _DEFAULT_DIMENSIONS
    yoy_threshold: Decimal = Decimal("0.5")
    yoy_thresholds: Mapping[str, Decimal] = field(default_factory=dict)
    consolidation_tolerance: Decimal = Decimal("0.005")
    consolidation_units: frozenset[str] = frozenset()
    identity_tolerance: Decimal = Decimal("0.005")
    identities: Mapping[str, str] = field(default_factory=lambda: {"owners_equity": "total_assets - total_liabilities"})

    def bounds(self, code: str) -> tuple[Decimal, Decimal]:
        return self.ratio_bounds.get(code, (self.ratio_low, self.ratio_high))

    def yoy_limit(self, code: str) -> Decimal:
        return self.yoy_thresholds.get(code, self.yoy_threshold)


DEFAULT = RuleConfig()


def _decimal(key: str, raw: Any) -> Decimal:
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        raise DomainError(f"rules: '{key}' must be a number, not {raw!r}") from None


def _read(key: str, raw: Any) -> Any:
    if key in ("ratio_low", "ratio_high", "yoy_threshold") or key.endswith("_tolerance"):
        return _decimal(key, raw)
    if key in (
        "ytd_never_decreasing",
        "ytd_never_decreasing_dimensions",
        "ytd_decrease_warning",
        "consolidation_units",
    ):
        if not isinstance(raw, list):
            raise DomainError(f"rules: '{key}' must be a list")
        return frozenset(str(x) for x in raw)
    if not isinstance(raw, dict):
        raise DomainError(f"rules: '{key}' must be a mapping")
    if key in ("ratio_bounds", "derived_bounds"):
        out = {}
        for code, pair in raw.items():
            if not isinstance(pair, list) or len(pair) != 2:
                raise DomainError(f"rules: {key}.{code} must be [low, high]")
            out[str(code)] = (_decimal(f"{key}.{code}", pair[0]), _decimal(f"{key}.{code}", pair[1]))
        return out
    if key == "yoy_thresholds":
        return {str(c): _decimal(f"yoy_thresholds.{c}", v) for c, v in raw.items()}
    return {str(c): str(v) for c, v in raw.items()}  # identities


def from_mapping(section: Mapping[str, Any] | None) -> RuleConfig:
    """A configuration from a ``rules:`` section (defaults for the keys it leaves out); an
    unknown key or a value of the wrong type is refused, naming it."""
    if not section:
        return DEFAULT
    if not isinstance(section, Mapping):
        raise DomainError("rules: the section must be a mapping of setting to value")
    known = {f.name for f in fields(RuleConfig)}
    unknown = sorted(set(section) - known)
    if unknown:
        raise DomainError(f"rules: unknown setting(s) {', '.join(unknown)}")
    return RuleConfig(**{key: _read(key, raw) for key, raw in section.items()})


def load(path: str | Path | None) -> RuleConfig:
    """The configuration in the ``rules:`` section of the YAML file ``path`` (None: defaults)."""
    if not path:
        return DEFAULT
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise DomainError(f"rules file {path}: {exc}") from None
    if not isinstance(raw, dict):
        raise DomainError(f"rules file {path}: expected a mapping with a 'rules' section")
    return from_mapping(raw.get("rules"))


def configured() -> RuleConfig:
    """The group's configuration: ``PACER_RULES_FILE``'s ``rules:`` section, else the defaults."""
    from pacer.config import get_settings

    return load(get_settings().rules_file)
