"""Guessed ids and codes on every route: a viewer who walks the numbers (1, 2, 3, …) through every
id in every path, with every unit's code, sees no unit outside their subtrees and changes nothing
that is not theirs.

Reads: every GET route with an id or code in its path, as a unit reporter and a user without
grants (in a campaign also a second-level viewer and a reporter elsewhere); each id parameter walked over the first
numbers (the fixture's rows of every kind have small ids) with the others at the fixture's, and
every unit's code. Changes: every state-changing route with an id in its path, as the user without
grants, each id walked the same way: nothing is stored.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from tests.hostile import changed, record, row_counts, scaled
from tests.web import test_cross_unit
from tests.web.test_bad_input import bearer
from tests.web.test_cross_unit import (
    FILL,
    QUERY,
    UNITS,
    call,
    outside_units_in,
    routes,
    text_of,
)
from tests.webclient import page_token

pytestmark = pytest.mark.slow

group = test_cross_unit.group  # the cross-unit test's group, a fixture here too

# a unit reporter, a user without grants; in a campaign (scale above 1) also a reporter of the
# other second-level unit and a second-level viewer
VIEWERS = ("alice", "oscar") + (("bob", "victor") if scaled(10) > 10 else ())
IDS = 3  # the numbers walked through each id (times PACER_HOSTILE_SCALE in a campaign)
KEPT = ("login_attempt",)


def guessed(path: str) -> list[str]:
    """``path`` filled: each id parameter walked over the first numbers, each unit code over every
    unit, the other parameters at the fixture's values."""
    names = re.findall(r"{(\w+)}", path)
    base = {n: FILL[n][0] for n in names if n != "unit_code"} | {"unit_code": UNITS["A1"][0]}
    urls = set()
    for name in names:
        if name == "unit_code":
            values = [code for code, _, _ in UNITS.values()]
        elif name.endswith("_id"):
            values = [str(i) for i in range(1, scaled(IDS) + 1)]
        else:
            continue
        for value in values:
            urls.add(path.format(**(base | {name: value})))
    return sorted(urls)


def test_walking_the_ids_shows_no_unit_outside_view(app, group, signed_in, session):
    failures: list[str] = []
    tries: Counter[str] = Counter()
    for viewer in VIEWERS:
        client, api = signed_in(viewer), bearer(session, viewer)
        csrf = page_token(client)
        for method, path in routes(app):
            if method != "GET" or "{" not in path:
                continue
            for url in guessed(path):
                response = call(client, method, f"{url}?period=2025-09&lang=en&{QUERY}", api, csrf)
                tries[viewer] += 1
                if response.status_code >= 500:
                    failures.append(f"{viewer}: GET {url} -> {response.status_code}")
                    continue
                # a code the viewer typed into the address may come back in the answer (the
                # language link, "no unit …"); an outside unit's code served with a page, or any
                # other outside unit's code or name, is a leak
                asked = outside_units_in(url, viewer)
                if asked and response.status_code < 400:
                    failures.append(f"{viewer}: GET {url} served an outside unit: {response.status_code}")
                    continue
                leaked = [w for w in outside_units_in(text_of(response), viewer) if w not in asked]
                if leaked:
                    failures.append(f"{viewer}: GET {url} -> {response.status_code} shows {leaked}")
    tried = f"GET routes with ids or codes, ids 1..{scaled(IDS)} and every unit code, as {', '.join(VIEWERS)}"
    record("cross-unit access", "guessed ids and codes, reads", tried, tries.total(), failures)
    assert not failures, "\n".join(failures[:30])
    assert all(tries[v] > 100 for v in VIEWERS), tries


def test_walking_the_ids_changes_nothing_for_a_user_without_grants(app, group, signed_in, session):
    for _ in range(scaled(IDS)):  # others' tokens take the walked ids; oscar's own comes after
        bearer(session, "grace")
    client, api = signed_in("oscar"), bearer(session, "oscar")
    csrf = page_token(client)
    failures: list[str] = []
    attempts = 0
    for method, path in routes(app):
        if method == "GET" or not re.search(r"{\w+_id}|{unit_code}", path):
            continue
        for url in guessed(path):
            before = row_counts(session)
            response = call(client, method, url, api, csrf)
            attempts += 1
            wrote = changed(before, row_counts(session), KEPT)
            if response.status_code >= 500 or wrote:
                failures.append(f"oscar: {method} {url} -> {response.status_code} {wrote}")
    tried = f"changing routes with ids or codes, ids 1..{scaled(IDS)} and every unit code, by a user without grants"
    record("cross-unit access", "guessed ids and codes, changes", tried, attempts, failures)
    assert not failures, "\n".join(failures[:30])
    assert attempts > 100
