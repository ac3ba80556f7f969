"""``pacer spc chart`` and ``pacer spc capability`` on real files, as a quality engineer runs them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from pacer.cli import app
from pacer.spc.data.files import BadFile
from pacer.spc.data.measurements import read_subgroups
from tests.spc.reference import close, load, reference_dir

runner = CliRunner()


def pacer(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == code, result.output
    return result.output


def chart_json(*args: str) -> dict:
    return json.loads(pacer("spc", "chart", *args, "--format", "json"))


def test_the_chart_json_has_centre_limits_statistics_and_violations_per_point():
    ref = load("pistonrings_varn")["expected"]["reference_qcc30"]
    doc = chart_json(reference_dir() / "pistonrings_varn.csv", "--chart", "xbar-r", "--value", "diameter",
                     "--subgroup", "sample", "--phase1", "1-25", "--constants", "qcc", "--rules", "nelson")  # fmt: skip
    assert doc["points"] == 40
    assert doc["sizes"][:3] == [5, 3, 5]
    assert doc["phase1"] == {"first": 1, "last": 25}
    xbar = doc["panels"][0]
    close(xbar["statistic"], ref["xbar"]["statistics"], what="statistics")
    close(xbar["lcl"], ref["xbar"]["LCL"], what="LCL per point")
    close(xbar["ucl"], ref["xbar"]["UCL"], what="UCL per point")
    close(xbar["center"], ref["xbar"]["center"], what="centre line")
    assert xbar["violations"]["N1"] == [37, 38, 39]
    assert xbar["violations"]["N5"] == [35, 37, 38, 39, 40]
    assert doc["panels"][1]["name"] == "R"


def test_a_p_chart_revised_after_assignable_causes_keeps_the_points_and_recomputes_the_limits():
    ref = load("orangejuice_p_np")["expected"]["reference_qcc30"]["p_case_B"]
    source = reference_dir() / "orangejuice.csv"
    doc = chart_json(source, "--chart", "p", "--value", "D", "--size", "50", "--subgroup", "sample",
                     "--phase1", "1-30", "--exclude", "15,23")  # fmt: skip
    assert doc["points"] == 54
    assert doc["excluded"] == [15, 23]
    close(doc["standard"]["center"], ref["center"], what="p̄ without 15 and 23")
    close(doc["panels"][0]["ucl"][0], ref["UCL"][0], what="UCL")
    assert 15 in doc["panels"][0]["violations"]["WE1"]


def test_a_u_chart_takes_its_sizes_from_a_column():
    ref = load("dyedcloth_u_varn")["expected"]["reference_qcc30"]
    doc = chart_json(reference_dir() / "dyedcloth.csv", "--chart", "u", "--value", "x", "--size", "size")
    close(doc["panels"][0]["lcl"], ref["LCL"], what="LCL per point")


def test_parquet_and_csv_give_the_same_chart(tmp_path: Path):
    source = reference_dir() / "viscosity.csv"
    target = tmp_path / "viscosity.parquet"
    pq.write_table(pacsv.read_csv(source), target)
    args = ("--chart", "imr", "--value", "viscosity", "--phase1", "1-20", "--rules", "nelson")
    assert chart_json(source, *args) == chart_json(target, *args)


def test_ewma_and_cusum_from_the_command_line(tmp_path: Path):
    ref = load("pistonrings_cusum")["expected"]["reference_qcc30"]["case_B"]
    long = _long_pistonrings(tmp_path)
    doc = chart_json(long, "--chart", "cusum", "--value", "x", "--size", "5", "--phase1", "1-25",
                     "--k", "0.5", "--h", "5", "--constants", "qcc")  # fmt: skip
    close(doc["panels"][0]["statistic"], ref["pos"], what="C+")
    assert doc["panels"][0]["violations"]["beyond"] == ref["signals_upper_1based"]
    ewma = chart_json(long, "--chart", "ewma", "--value", "x", "--size", "5", "--phase1", "1-25",
                      "--lambda", "0.2", "--nsigmas", "2.7", "--constants", "qcc")  # fmt: skip
    assert ewma["panels"][0]["violations"]["beyond"] == [35, 37, 38, 39, 40]


def _long_pistonrings(folder: Path) -> Path:
    """The piston rings, one diameter a row, subgroup after subgroup."""
    table = pacsv.read_csv(reference_dir() / "pistonrings.csv")
    values = np.column_stack([table.column(f"x{i}").to_numpy() for i in range(1, 6)]).ravel()
    target = folder / "pistonrings_long.csv"
    target.write_text("x\n" + "\n".join(f"{v:.3f}" for v in values) + "\n", encoding="utf-8")
    return target


def test_capability_json_has_indices_with_intervals_and_shares_out_of_spec(tmp_path: Path):
    ref = load("pistonrings_capability")["expected"]["reference_qcc30"]["cap_3"]
    long = _long_pistonrings(tmp_path)
    phase1 = long.with_name("phase1.csv")
    phase1.write_text("\n".join(long.read_text(encoding="utf-8").splitlines()[: 1 + 125]) + "\n", encoding="utf-8")
    doc = json.loads(pacer("spc", "capability", phase1, "--value", "x", "--size", "5", "--lsl", "73.99",
                           "--usl", "74.01", "--constants", "qcc", "--format", "json"))  # fmt: skip
    triple = doc["indices"]["Cpk"]
    close([triple["value"], triple["lower"], triple["upper"]], ref["indices_value_lcl95_ucl95"]["Cp_k"], what="Cpk")
    assert doc["percent_out"]["observed"] == {"below_lsl": 12.0, "above_usl": 16.0}
    close(doc["percent_out"]["expected"]["below_lsl"], ref["expected_pct_below_LSL_above_USL"][0], what="expected %")
    assert doc["indices"]["Cpm"] is not None


def test_capability_with_a_phase_i_studies_phase_ii_under_phase_is_sigma(tmp_path: Path):
    long = _long_pistonrings(tmp_path)
    whole = json.loads(pacer("spc", "capability", long, "--value", "x", "--size", "5", "--lsl", "73.99",
                             "--usl", "74.01", "--phase1", "1-25", "--format", "json"))  # fmt: skip
    alone = long.with_name("phase1.csv")
    alone.write_text("\n".join(long.read_text(encoding="utf-8").splitlines()[: 1 + 125]) + "\n", encoding="utf-8")
    first = json.loads(pacer("spc", "capability", alone, "--value", "x", "--size", "5", "--lsl", "73.99",
                             "--usl", "74.01", "--format", "json"))  # fmt: skip
    assert whole["phase1"] == first  # phase I is the capability of its values alone
    two = whole["phase2"]
    later = np.array([float(v) for v in long.read_text(encoding="utf-8").splitlines()[1 + 125 :]])
    assert (two["n"], two["n_within"]) == (later.size, 125)
    assert two["sigma_within"] == first["sigma_within"]
    worst = min(74.01 - later.mean(), later.mean() - 73.99)
    assert two["indices"]["Cpk"]["value"] == pytest.approx(worst / (3 * first["sigma_within"]), rel=1e-9)
    assert two["indices"]["Ppk"]["value"] == pytest.approx(worst / (3 * later.std(ddof=1)), rel=1e-9)
    below, above = int(np.sum(later < 73.99)), int(np.sum(later > 74.01))
    assert two["percent_out"]["observed"] == {
        "below_lsl": 100 * below / later.size,
        "above_usl": 100 * above / later.size,
    }
    table = pacer("spc", "capability", long, "--value", "x", "--size", "5", "--lsl", "73.99", "--usl", "74.01",
                  "--phase1", "1-25")  # fmt: skip
    for part in ("Phase I ", "Phase II", "of 125 values"):
        assert part in table
    refused = pacer("spc", "capability", long, "--value", "x", "--size", "5", "--lsl", "73.99", "--phase1", "1-99",
                    code=2)  # fmt: skip
    assert "phase I 1-99 is not within the 40 points" in refused


def test_the_table_marks_phase_and_rules():
    output = pacer("spc", "chart", reference_dir() / "viscosity.csv", "--chart", "imr", "--value", "viscosity",
                   "--phase1", "1-20", "--exclude", "4")  # fmt: skip
    assert "I (excluded)" in output
    assert "WE1" in output


BAD = {
    "text.csv": ("g,x\n1,1.0\n1,abc\n", "row 3, column 'x': 'abc' is not a number"),
    "empty_cell.csv": ("g,x\n1,1.0\n1,\n", "row 3, column 'x': no value"),
    "nan.csv": ("g,x\n1,1.0\n1,NaN\n", "row 3, column 'x': nan is not a finite number"),
    "empty.csv": ("", "empty.csv is empty"),
    "header.csv": ("g,x\n", "has no data rows"),
    "duplicate.csv": ("g,x\n1,1\n1,2\n2,3\n2,4\n1,5\n1,6\n", "row 6: subgroup 1 appears again"),
    "gap.csv": ("g,x\n1,1\n1,2\n3,3\n3,4\n", "subgroup 2 is missing"),
    "single.csv": ("g,x\n1,1\n2,2\n", "subgroup 1 has 1 value"),
    "nosubgroup.csv": ("g,x\n1,1\n,2\n", "row 3, column 'g': no subgroup"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_file_is_refused_on_one_line_naming_where(tmp_path: Path, name: str):
    content, message = BAD[name]
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    output = pacer("spc", "chart", path, "--chart", "xbar-r", "--value", "x", "--subgroup", "g", code=2)
    assert message in output
    assert len(output.strip().splitlines()) == 1
    assert "Traceback" not in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--chart", "xbar-r", "--value", "x", "--size", "2"), "the last subgroup has 1 value, not 2"),
        (("--chart", "imr", "--value", "y"), "no column 'y'"),
        (("--chart", "imr", "--value", "x", "--phase1", "3-9"), "phase I 3-9 is not within the 5 points"),
        (("--chart", "imr", "--value", "x", "--phase1", "x"), "--phase1 'x'"),
        (("--chart", "p", "--value", "x"), "needs --size"),
        (("--chart", "imr", "--value", "x", "--rule-count", "N2=8"), "rule 'N2' is not in the we set"),
        (("--chart", "ewma", "--value", "x", "--lambda", "0"), "lambda 0.0 must be in (0, 1]"),
        (("--chart", "imr", "--value", "x", "--exclude", "9"), "point 9 to exclude is not a phase I point"),
    ],
)
def test_bad_options_are_refused_on_one_line(tmp_path: Path, args: tuple[str, ...], message: str):
    path = tmp_path / "five.csv"
    path.write_text("x\n1\n2\n3\n4\n5\n", encoding="utf-8")
    output = pacer("spc", "chart", path, *args, code=2)
    assert message in output
    assert len(output.strip().splitlines()) == 1


def test_a_file_that_is_not_parquet_is_refused(tmp_path: Path):
    path = tmp_path / "data.parquet"
    path.write_bytes(b"not a parquet file")
    assert "is not a readable Parquet file" in pacer("spc", "chart", path, "--chart", "imr", "--value", "x", code=2)


def test_capability_needs_a_specification_limit(tmp_path: Path):
    path = tmp_path / "five.csv"
    path.write_text("x\n1\n2\n3\n4\n5\n", encoding="utf-8")
    assert "give --lsl, --usl or both" in pacer("spc", "capability", path, "--value", "x", code=2)


def test_a_file_is_folded_batch_by_batch_with_subgroups_across_batches(tmp_path: Path):
    rng = np.random.default_rng(7)
    values = rng.normal(10, 1, 6_000)
    path = tmp_path / "long.csv"
    path.write_text("x\n" + "\n".join(f"{v:.6f}" for v in values) + "\n", encoding="utf-8")
    folded = read_subgroups(path, "x", size=6, block_size=1 << 12)  # about 400 rows a batch
    exact = np.round(values, 6).reshape(-1, 6)
    close(folded.groups.mean, exact.mean(axis=1), 1e-12, "means")
    close(folded.groups.sd, exact.std(axis=1, ddof=1), 1e-12, "SDs")
    close(folded.groups.range, np.ptp(exact, axis=1), 1e-12, "ranges")
    assert folded.values == 6_000


def test_a_huge_file_is_refused_where_it_exceeds_the_points_a_chart_can_show(tmp_path: Path):
    path = tmp_path / "many.csv"
    path.write_text("x\n" + "1.5\n" * 5_000, encoding="utf-8")
    with pytest.raises(BadFile, match="row 1002: more than 1,000 points"):
        read_subgroups(path, "x", limit=1_000, block_size=1 << 10)


def test_a_header_with_spaces_around_its_names_is_read_by_them(tmp_path: Path):
    path = tmp_path / "spaced.csv"
    path.write_text("\ufeff sample , x \n1,1.0\n1,3.0\n2,2.0\n2,4.0\n", encoding="utf-8")
    folded = read_subgroups(path, "x", subgroup="sample")
    close(folded.groups.mean, np.array([2.0, 3.0]), 1e-12, "means")


def test_a_column_named_twice_is_refused_naming_it(tmp_path: Path):
    path = tmp_path / "twice.csv"
    path.write_text("x,x\n1,2\n", encoding="utf-8")
    with pytest.raises(BadFile, match=r"twice\.csv: the column 'x' appears twice in row 1"):
        read_subgroups(path, "x", size=1)
