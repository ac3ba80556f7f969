"""`pacer analyze` and its subcommands, run as a user would, against one demo group."""

from __future__ import annotations

import csv
import io
import json
import re
import types
import typing
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from pacer.analysis.serve import service
from pacer.cli import app
from pacer.cli.present import documents
from pacer.config import get_settings
from pacer.db import _engine_for
from tests.conftest import fresh_database

runner = CliRunner()
README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
WIDE = {"COLUMNS": "260"}
COMMANDS = {
    "cockpit": [],
    "rank": ["rank", "--indicator", "revenue"],
    "bridge": ["bridge", "--indicator", "total_profit"],
    "outlook": ["outlook"],
    "history": ["history", "--indicator", "revenue", "--months", "3"],
}


# The demo group of this module, and of the README's examples.
DEMO = ["demo", "--years", "2", "--as-of", "2026-10"]
# The README's examples: each command, and which of its rows (a bridge's lines) are shown.
EXAMPLES = [
    ("analyze --period 2026-06 --lang en --format json", "rows", "first"),
    ("analyze rank --indicator revenue --unit G01 --period 2026-06 --lang en --format json", "rows", "first"),
    (
        "analyze bridge --indicator total_profit --span quarter --period 2026-06 --lang en --format json",
        "lines",
        "first and last",
    ),
    ("analyze outlook --period 2026-06 --lang en --format json", "rows", "first"),
    ("analyze history --indicator total_profit --months 2 --period 2026-06 --lang en --format json", "rows", "all"),
]


def readme_examples(invoke) -> str:
    """The README's "Examples" section as the demo prints it; ``invoke(args)`` returns stdout."""
    out = [
        f"### Examples\n\nWhat the commands print after `pacer {' '.join(DEMO)}` (a test regenerates these "
        "from the demo and fails when they differ: `python -m tests.analysis.test_cli_analyze` rewrites them):\n"
    ]
    for command, field, keep in EXAMPLES:
        doc = json.loads(invoke(command.split()))
        items = doc[field]
        if keep != "all":
            doc[field] = [items[0]] if keep == "first" else [items[0], items[-1]]
        note = "" if keep == "all" else f" ({'lines' if field == 'lines' else 'rows'} shortened)"
        out.append(f"`pacer {command}`{note}:\n\n```json\n{json.dumps(doc, ensure_ascii=False, indent=2)}\n```\n")
    return "\n".join(out)


def _readme_section() -> str:
    return "### Examples" + README.split("### Examples", 1)[1].split("\n## ", 1)[0]


@pytest.fixture(scope="module")
def demo(database_template, tmp_path_factory):
    """One demo group for the whole module: the commands only read."""
    patch = pytest.MonkeyPatch()
    for url in fresh_database(database_template, tmp_path_factory.mktemp("analyze")):
        patch.setenv("PACER_DATABASE_URL", url)
        get_settings.cache_clear()
        result = runner.invoke(app, [*DEMO, "--reset", "--no-summary"])
        assert result.exit_code == 0, result.output
        engine = create_engine(url)
        yield engine
        engine.dispose()
        service.clear()
        _engine_for.cache_clear()
        patch.undo()
        get_settings.cache_clear()


def run(*args: str, ok: bool = True):
    result = runner.invoke(app, ["analyze", *args], env=WIDE)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def as_json(*args: str) -> dict:
    return json.loads(run(*args, "--format", "json").stdout)


def conforms(value, tp, path: str = "$") -> None:
    """Assert that ``value`` has exactly the shape of type ``tp`` (TypedDicts, lists, unions)."""
    if typing.is_typeddict(tp):
        hints = typing.get_type_hints(tp)
        assert isinstance(value, dict), path
        assert set(value) == set(hints), f"{path}: {sorted(set(value) ^ set(hints))}"
        for key, sub in hints.items():
            conforms(value[key], sub, f"{path}.{key}")
    elif typing.get_origin(tp) in (typing.Union, types.UnionType):
        errors = []
        for option in typing.get_args(tp):
            try:
                conforms(value, option, path)
                return
            except AssertionError as exc:
                errors.append(str(exc))
        raise AssertionError(f"{path}: {errors}")
    elif typing.get_origin(tp) is list:
        assert isinstance(value, list), path
        for i, item in enumerate(value):
            conforms(item, typing.get_args(tp)[0], f"{path}[{i}]")
    elif tp is type(None):
        assert value is None, path
    elif tp is float:
        assert isinstance(value, int | float), path
        assert not isinstance(value, bool), path
    elif tp is int:
        assert isinstance(value, int), path
        assert not isinstance(value, bool), path
    else:
        assert isinstance(value, tp), f"{path}: {value!r} is not {tp}"


def table_rows(output: str) -> list[list[str]]:
    return [[c.strip() for c in line.split("│")[1:-1]] for line in output.splitlines() if line.startswith("│")]


def number(cell: str) -> Decimal:
    return Decimal(cell.replace(",", ""))


# -- the cockpit ---------------------------------------------------------------------------------


def test_the_cockpit_prints_the_group_key_indicators_in_chinese_by_default(demo):
    out = run("--period", "2026-06").stdout
    assert "2026-06" in out
    assert "营业收入" in out
    assert "金额单位：亿元" in out
    assert all(
        h in out for h in ("本年累计", "上年同期", "同比", "确保目标", "力争目标", "完成率", "时间进度", "进度差")
    )


def test_the_cockpit_in_english_defaults_to_the_latest_month(demo):
    # the demo's last month (2026-10) is still being reported: the latest complete month is shown
    out = run("--lang", "en").stdout
    assert "2026-09" in out
    assert "Operating revenue" in out
    assert "Completion" in out
    assert "Remaining" in out


def test_the_cockpit_json_carries_exact_ytd_equal_to_plain_sql(demo):
    doc = as_json("--period", "2026-06")
    row = next(r for r in doc["rows"] if r["indicator"]["code"] == "revenue")
    with demo.connect() as conn:
        expected = conn.scalar(
            text(
                "SELECT sum(value) FROM fact JOIN indicator ON indicator.id = fact.indicator_id "
                "WHERE indicator.code = 'revenue' AND period BETWEEN 202601 AND 202606"
            )
        )
        # less the group's intra-group sales: every elimination entry reaches the group
        expected -= conn.scalar(
            text(
                "SELECT sum(value) FROM elimination_entry JOIN indicator ON indicator.id = indicator_id "
                "WHERE indicator.code = 'revenue' AND period BETWEEN 202601 AND 202606"
            )
        )
    assert row["ytd"] == {"value": str(Decimal(expected).scaleb(-2)), "unit": "yuan"}
    assert isinstance(row["completion_pct"], float)
    assert row["status"] in ("on_track", "watch", "off_track")
    assert doc["unit"]["code"] == "G"
    assert doc["set"] == "key"
    assert doc["period"] == "2026-06"


def test_the_cockpit_csv_has_one_line_per_indicator_with_exact_values(demo):
    doc = as_json()
    lines = list(csv.DictReader(io.StringIO(run("--format", "csv").stdout)))
    assert [r["indicator.code"] for r in lines] == [r["indicator"]["code"] for r in doc["rows"]]
    assert lines[0]["ytd"] == doc["rows"][0]["ytd"]["value"]
    assert "needs.ensure.remaining" in lines[0]


def test_wan_scale_and_seasonal_restated_options_are_honoured(demo):
    out = run("--scale", "wan", "--time-basis", "seasonal", "--restate", "--lang", "en").stdout
    assert "amounts in RMB 10k" in out
    assert "万元" not in out
    doc = as_json("--time-basis", "seasonal", "--restate")
    assert doc["restated"] is True
    assert doc["time_basis"] == "seasonal"


def test_another_unit_and_set(demo):
    doc = as_json("--unit", "G01", "--set", "two_funds")
    assert doc["unit"]["code"] == "G01"
    assert doc["set"] == "two_funds"
    assert doc["rows"]


# -- rank, bridge, outlook, history ----------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_shown_children_add_up_to_the_shown_parent_in_a_ranking(demo, lang):
    rows = table_rows(run("rank", "--indicator", "revenue", "--lang", lang).stdout)
    parent, children = rows[0], rows[1:]
    for col in (2, 3):  # month value, YTD
        assert sum(number(r[col]) for r in children) == number(parent[col])
    assert [r[0] for r in children[:3]] == ["1", "2", "3"]


def test_a_ranking_by_level_lists_every_unit_at_that_level_best_first(demo):
    doc = as_json("rank", "--indicator", "total_profit", "--level", "3", "--measure", "completion")
    assert doc["parent"] is None
    assert doc["level"] == 3
    assert len(doc["rows"]) > 10
    ranked = [r["completion_pct"] for r in doc["rows"] if r["rank"] is not None]
    assert ranked == sorted(ranked, reverse=True)
    rows = table_rows(run("rank", "--indicator", "total_profit", "--level", "3").stdout)
    assert sum(number(r[3]) for r in rows[1:]) == number(rows[0][3])


def test_a_ranking_of_a_units_children_in_csv(demo):
    lines = list(
        csv.DictReader(
            io.StringIO(
                run("rank", "--indicator", "revenue", "--unit", "G01", "--measure", "gap", "--format", "csv").stdout
            )
        )
    )
    assert lines
    assert all(r["unit.code"].startswith("G01") for r in lines)
    assert lines[0]["rank"] == "1"


def test_options_before_the_subcommand_apply_to_it(demo):
    doc = json.loads(run("--period", "2026-03", "--format", "json", "rank", "--indicator", "revenue").stdout)
    assert doc["period"] == "2026-03"


@pytest.mark.parametrize("span", ["month", "quarter", "half", "ytd", "year"])
def test_bridge_lines_add_up_to_the_change_exactly(demo, span):
    doc = as_json("bridge", "--indicator", "total_profit", "--span", span)
    assert sum(Decimal(ln["change"]["value"]) for ln in doc["lines"]) == Decimal(doc["change"]["value"])
    assert doc["lines"][-1]["unit"] is None
    assert doc["lines"][-1]["line"] == "own"


@pytest.mark.parametrize("span", ["month", "ytd"])
def test_a_bridge_of_an_eliminated_indicator_has_an_eliminations_line_and_still_adds_up(demo, span):
    doc = as_json("bridge", "--indicator", "revenue", "--span", span)
    own, eliminations = doc["lines"][-2:]
    assert (own["unit"], own["line"]) == (None, "own")
    assert (eliminations["unit"], eliminations["line"]) == (None, "eliminations")
    assert Decimal(eliminations["current"]["value"]) < 0
    assert Decimal(eliminations["previous"]["value"]) < 0
    for field in ("current", "previous", "change"):
        assert sum(Decimal(ln[field]["value"]) for ln in doc["lines"]) == Decimal(doc[field]["value"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_bridge_table_adds_up_on_screen(demo, lang):
    rows = table_rows(run("bridge", "--indicator", "revenue", "--unit", "G01", "--lang", lang, "--scale", "wan").stdout)
    for col in (1, 2, 3):
        assert sum(number(r[col]) for r in rows[1:]) == number(rows[0][col])
    assert [r[0] for r in rows[-2:]] == (
        ["本级", "内部抵销"] if lang == "zh" else ["Own figures", "Intra-group eliminations"]
    )


@pytest.mark.parametrize("scale", ["yi", "wan"])
@pytest.mark.parametrize("span", ["month", "quarter", "half", "ytd", "year"])
@pytest.mark.parametrize("code", ["total_profit", "revenue"])
def test_the_bridge_table_adds_up_across_and_down(demo, code, span, scale):
    rows = table_rows(run("bridge", "--indicator", code, "--span", span, "--scale", scale, "--lang", "en").stdout)
    for r in rows:
        assert number(r[1]) - number(r[2]) == number(r[3]), r  # current − last year = change
    for col in (1, 2, 3):
        assert sum(number(r[col]) for r in rows[1:]) == number(rows[0][col])
    shares = [number(r[4].rstrip("%")) for r in rows[1:]]
    assert sum(shares) == Decimal("100.0")
    pulls = [number(r[5].removesuffix("pp")) for r in rows[1:]]
    if rows[0][5].endswith("%"):
        assert sum(pulls) == number(rows[0][5].rstrip("%"))


def _percent(cell: str) -> Decimal:
    return number(cell.removesuffix("pp").rstrip("%"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_ratio_bridge_table_shows_each_units_own_change_and_its_contribution(demo, lang):
    doc = as_json("bridge", "--indicator", "debt_to_asset_ratio", "--lang", lang)
    rows = table_rows(run("bridge", "--indicator", "debt_to_asset_ratio", "--lang", lang).stdout)
    assert len(rows) == len(doc["lines"]) + 1
    own_changes = 0
    for r, line in zip(rows[1:], doc["lines"], strict=True):
        if line["current"] is not None and line["previous"] is not None:
            # the change is the unit's own: its ratio this year against last, as shown
            assert _percent(r[3]) == _percent(r[1]) - _percent(r[2]), r
            own_changes += _percent(r[3]) != _percent(r[5])
        else:
            assert r[3] == "—"
        # the contribution is the line's part of the group's change
        assert _percent(r[5]) == Decimal(line["change"]["value"])
    assert own_changes > 0  # a unit's own change is not its contribution
    assert _percent(rows[0][3]) == _percent(rows[0][1]) - _percent(rows[0][2]) == _percent(rows[0][5])
    assert sum(_percent(r[5]) for r in rows[1:]) == _percent(rows[0][5])


def test_the_bridge_csv_has_a_line_per_child_the_own_line_and_the_eliminations_line(demo):
    lines = list(csv.DictReader(io.StringIO(run("bridge", "--indicator", "revenue", "--format", "csv").stdout)))
    assert [(r["unit.code"], r["line"]) for r in lines[-2:]] == [("", "own"), ("", "eliminations")]
    assert all(r["unit.code"] and r["line"] == "child" for r in lines[:-2])


def test_a_derived_ratio_is_bridged_in_pp_adding_up_to_the_shown_change(demo):
    doc = as_json("bridge", "--indicator", "rd_intensity", "--unit", "G")
    assert doc["method"] == "ratio"
    assert doc["change"]["unit"] == "pp"
    scaled = [Decimal(ln["change"]["value"]) for ln in doc["lines"]]
    assert (
        sum(scaled)
        == Decimal(doc["change"]["value"])
        == Decimal(doc["current"]["value"]) - Decimal(doc["previous"]["value"])
    )
    assert all(ln["change"]["unit"] == "pp" for ln in doc["lines"])
    out = run("bridge", "--indicator", "rd_intensity", "--lang", "en").stdout
    assert "pp" in out
    two_funds = as_json("bridge", "--indicator", "two_funds")
    assert two_funds["method"] == "linear"
    assert sum(Decimal(ln["change"]["value"]) for ln in two_funds["lines"]) == Decimal(two_funds["change"]["value"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_outlook_in_every_format(demo, lang):
    out = run("outlook", "--lang", lang).stdout
    assert ("全年预计" if lang == "zh" else "year-end outlook") in out
    doc = as_json("outlook", "--unit", "G02")
    kinds = {r["indicator"]["kind"] for r in doc["rows"]}
    assert {"flow", "derived"} <= kinds
    assert all(r["p_ensure"] is None or 0 <= r["p_ensure"] <= 1 for r in doc["rows"])
    lines = list(csv.DictReader(io.StringIO(run("outlook", "--format", "csv").stdout)))
    assert "point" in lines[0]
    assert "p_ensure" in lines[0]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_history_in_every_format(demo, lang):
    out = run("history", "--indicator", "total_profit", "--unit", "G01", "--lang", lang).stdout
    assert "2025-01" in out
    assert "2026-09" in out  # 2026-10 is still being reported
    doc = as_json("history", "--indicator", "revenue", "--period", "2026-06", "--months", "4")
    assert [r["period"] for r in doc["rows"]] == ["2026-03", "2026-04", "2026-05", "2026-06"]
    lines = list(csv.DictReader(io.StringIO(run("history", "--indicator", "revenue", "--format", "csv").stdout)))
    assert len(lines) == 21
    assert lines[-1]["period"] == "2026-09"


# -- bad input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "NOPE"], "unknown unit 'NOPE'"),
        (["--set", "nope"], "unknown indicator set 'nope'"),
        (["--period", "2026-13"], "is not a period"),
        (["--period", "June"], "is not a period"),
        (["--period", "2031-01"], "no figures for 2031-01"),
        (["--period", "2019-01"], "no figures for 2019-01"),
        (["rank", "--indicator", "nope"], "unknown indicator 'nope'"),
        (["rank", "--indicator", "revenue", "--level", "2", "--unit", "G01"], "either --level or --unit"),
        (["rank", "--indicator", "revenue", "--level", "9"], "no unit at level 9"),
        # the demo's figures start in 2025: last year's ROE has no opening equity to average with
        (["bridge", "--indicator", "roe"], "roe has no value last year"),
        (["history", "--indicator", "nope"], "unknown indicator 'nope'"),
        (["outlook", "--set", "nope"], "unknown indicator set 'nope'"),
        (["--as", "nobody"], "no active user 'nobody'"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(demo, args, message):
    result = run(*args, ok=False)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_unknown_choices_are_refused_by_the_command_line(demo):
    for args in (
        ["--format", "xml"],
        ["--lang", "fr"],
        ["rank", "--indicator", "revenue", "--measure", "best"],
        ["bridge", "--indicator", "revenue", "--span", "week"],
    ):
        assert run(*args, ok=False).exit_code == 2


# -- visibility ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def academy_user(demo):
    """A demo account granted one second-level unit, and a sibling unit it may not see."""
    with demo.connect() as conn:
        username, unit = conn.execute(
            text(
                "SELECT u.username, n.code FROM user_account u JOIN role_grant g ON g.user_id = u.id "
                "JOIN unit n ON n.id = g.unit_id WHERE n.code LIKE 'G0_' ORDER BY n.code, u.username"
            )
        ).first()
    sibling = "G02" if unit != "G02" else "G01"
    return username, unit, sibling


def test_as_a_user_the_default_unit_is_the_granted_one(demo, academy_user):
    username, unit, _ = academy_user
    assert as_json("--as", username)["unit"]["code"] == unit


@pytest.mark.parametrize(
    "args",
    [
        ["--unit", "{sibling}"],
        ["--unit", "G"],
        ["rank", "--indicator", "revenue", "--unit", "{sibling}"],
        ["bridge", "--indicator", "revenue", "--unit", "G"],
        ["outlook", "--unit", "{sibling}"],
        ["history", "--indicator", "revenue", "--unit", "{sibling}"],
    ],
)
def test_a_unit_outside_the_users_subtree_reads_as_unknown(demo, academy_user, args):
    username, _, sibling = academy_user
    args = [a.format(sibling=sibling) for a in args]
    code = args[args.index("--unit") + 1]
    hidden = run(*args, "--as", username, ok=False)
    missing = run(*[a if a != code else "NOPE" for a in args], "--as", username, ok=False)
    assert hidden.exit_code == missing.exit_code == 1
    assert hidden.output.replace(code, "X") == missing.output.replace("NOPE", "X")


def test_a_ranking_by_level_shows_only_the_users_units(demo, academy_user):
    username, unit, _ = academy_user
    doc = as_json("rank", "--indicator", "revenue", "--level", "2", "--as", username)
    assert [r["unit"]["code"] for r in doc["rows"]] == [unit]
    deeper = as_json("rank", "--indicator", "revenue", "--level", "3", "--as", username)
    assert deeper["rows"]
    assert all(r["unit"]["code"].startswith(unit) for r in deeper["rows"])


def test_a_user_without_grants_is_told_so(demo):
    assert runner.invoke(app, ["users", "add", "nobody2", "--display-name", "N"]).exit_code == 0
    result = run("--as", "nobody2", ok=False)
    assert result.exit_code == 1
    assert "no unit has been granted" in result.output


# -- the documented shape ----------------------------------------------------------------------------


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_json_of_every_command_has_the_documented_shape(demo, command, lang):
    doc = as_json(*COMMANDS[command], "--lang", lang, "--period", "2026-06")
    assert doc["command"] == command
    assert doc["language"] == lang
    conforms(doc, documents.REPORTS[command])


def _json_section() -> str:
    return README.split("## JSON output", 1)[1].split("\n## ", 1)[0]


def _documented_objects() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for block in re.split(r"^#### ", _json_section(), flags=re.M)[1:]:
        name = re.match(r"`(\w+)`", block).group(1)
        out[name] = set(re.findall(r"^\| `(\w+)` \|", block, flags=re.M))
    return out


def _typed_dicts() -> dict[str, type]:
    return {name: obj for name, obj in vars(documents).items() if typing.is_typeddict(obj)}


def test_the_readme_documents_every_field_of_every_json_object():
    documented = _documented_objects()
    for name, tp in _typed_dicts().items():
        assert documented.get(name) == set(typing.get_type_hints(tp)), name
    assert set(documented) == set(_typed_dicts())


def test_the_readme_examples_have_the_documented_shape():
    examples = re.findall(r"```json\n(.*?)```", _json_section(), flags=re.S)
    docs = [json.loads(e) for e in examples]
    assert sorted(d["command"] for d in docs) == sorted(COMMANDS)
    for doc in docs:
        conforms(doc, documents.REPORTS[doc["command"]])


def test_the_readme_examples_are_what_the_demo_prints(demo):
    def invoke(args: list[str]) -> str:
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        return result.stdout

    assert _readme_section() == readme_examples(invoke)


def test_the_readme_documents_the_analyze_command_and_its_options():
    for option in (
        "--unit",
        "--period",
        "--set",
        "--format",
        "--lang",
        "--scale",
        "--time-basis",
        "--restate",
        "--as",
        "--measure",
        "--level",
        "--span",
        "--months",
    ):
        assert option in README.split("## Commands", 1)[1].split("## JSON output", 1)[0], option
    assert "`pacer analyze [--unit CODE]" in README


@pytest.mark.parametrize("command", [[], ["rank", "--indicator", "revenue"], ["outlook"]])
def test_a_narrow_terminal_splits_tables_instead_of_cutting_figures(demo, command):
    result = runner.invoke(app, ["analyze", *command, "--lang", "en"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "…" not in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    assert "Operating revenue" in result.output


if __name__ == "__main__":  # rewrite the README's examples from a demo group built here
    import os
    import subprocess
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PACER_DATABASE_URL": f"sqlite:///{tmp}/examples.db"}
        pacer = [str(Path(sys.executable).parent / "pacer")]
        subprocess.run([*pacer, *DEMO, "--no-summary"], env=env, check=True, capture_output=True)
        section = readme_examples(
            lambda args: subprocess.run([*pacer, *args], env=env, check=True, capture_output=True, text=True).stdout
        )
    path = Path(__file__).parents[2] / "README.md"
    path.write_text(README.replace(_readme_section(), section), encoding="utf-8")
