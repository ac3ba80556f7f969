"""A characteristic's run rules with counts of its own (Nelson's rule 2 on eight points instead of
nine): stored, used by its chart exactly as the core uses them, and refused when they do not fit."""

from __future__ import annotations

import numpy as np

from pacer.spc import Subgroups, rule_set, xbar_chart
from tests.characteristics.conftest import in_control, spec

URL = "/api/spc/characteristics"


def shifted() -> np.ndarray:
    """25 subgroups in control, then 8 a little above the centre: a run of eight, not nine."""
    values = in_control(33)
    values[25:] += 0.12
    return values


def test_nelson_rule_2_on_eight_points_flags_the_run_that_nine_would_not(api_as):
    quinn = api_as("quinn")
    eight = quinn.post(URL, json=spec(rules="nelson", rule_counts={"N2": 8}).model_dump()).json()
    nine = quinn.post(URL, json=spec(code="BORE-9", rules="nelson").model_dump()).json()
    assert eight["rule_counts"] == {"N2": 8}
    values = shifted()
    for c in (eight, nine):
        sent = quinn.post(f"{URL}/{c['id']}/measurements", json={"subgroups": [{"values": r} for r in values.tolist()]})
        assert sent.status_code == 201, sent.text
    got = quinn.get(f"{URL}/{eight['id']}").json()["chart"]["panels"][0]["violations"]
    core = xbar_chart(Subgroups.from_matrix(values), "R", phase1=(1, 25), rules=rule_set("nelson", {"N2": 8}))
    assert got == core.panel("xbar").violations
    assert 33 in got["N2"]
    assert 33 not in quinn.get(f"{URL}/{nine['id']}").json()["chart"]["panels"][0]["violations"]["N2"]


def test_counts_that_do_not_fit_their_rule_set_are_refused_in_both_languages(api_as):
    quinn = api_as("quinn")
    unknown = quinn.post(URL, json=spec(rules="we", rule_counts={"N2": 8}).model_dump())
    assert unknown.status_code == 422
    assert "rule 'N2' is not in the we set" in unknown.text
    too_short = quinn.post(URL, json=spec(rules="nelson", rule_counts={"N2": 1}).model_dump(),
                           headers={"Accept-Language": "zh"})  # fmt: skip
    assert too_short.status_code == 422
    assert "rule_counts" in too_short.text
