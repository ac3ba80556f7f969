"""Counted (attribute) characteristics stored and charted: p, np, c and u charts of counts out of
sample sizes that may vary, sent by JSON, CSV or Parquet with their time and batch, the same chart
as the core's, bad counts refused naming row and column, and a signal opening a quality problem."""

from __future__ import annotations

import io

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select

from pacer.models import Measurement, Subgroup
from pacer.spc import attribute_chart, rule_set
from tests.characteristics.conftest import spec

URL = "/api/spc/characteristics"
SIZES = [100, 120, 80, 100, 150, 90, 110, 100, 130, 100, 95, 105, 100, 120, 100, 100, 80, 110, 100, 100]
COUNTS = [4, 6, 3, 5, 7, 4, 5, 3, 6, 4, 5, 4, 6, 5, 3, 4, 2, 5, 4, 25]  # the last one far out


def counted(chart: str = "p", **fields: object) -> dict[str, object]:
    base = {"code": f"DEF-{chart}", "name_zh": "焊点不合格", "name_en": "Solder joints rejected",
            "measure_unit": "", "lsl": None, "usl": None, "target": None, "subgroup_size": 100,
            "chart": chart, "rules": "we"}  # fmt: skip
    return spec().model_dump() | base | {"phase1_last": 19} | fields


def define(client, chart: str = "p", **fields: object) -> int:
    created = client.post(URL, json=counted(chart, **fields))
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


@pytest.mark.parametrize("chart", ["p", "np", "u"])
def test_a_counted_characteristic_charts_its_counts_out_of_varying_sizes_as_the_core_does(api_as, chart):
    quinn = api_as("quinn")
    cid = define(quinn, chart)
    sent = [{"count": k, "size": n, "batch": f"L{i:03d}"} for i, (k, n) in enumerate(zip(COUNTS, SIZES, strict=True))]
    assert quinn.post(f"{URL}/{cid}/measurements", json={"subgroups": sent}).json() == {
        "added": 20, "first": 1, "last": 20,
    }  # fmt: skip
    body = quinn.get(f"{URL}/{cid}").json()
    core = attribute_chart(chart, np.array(COUNTS, float), np.array(SIZES, float), phase1=(1, 19),
                           rules=rule_set("we"))  # fmt: skip
    panel = body["chart"]["panels"][0]
    assert body["chart"]["chart"] == chart
    assert body["chart"]["standard"]["center"] == pytest.approx(core.standard.center, rel=1e-12)
    assert panel["ucl"] == pytest.approx(core.panels[0].ucl.tolist(), rel=1e-12)
    assert body["chart"]["sizes"] == SIZES
    assert 20 in body["out_of_control"]
    assert body["capability"] is None


def test_a_c_chart_takes_counts_alone_and_a_signal_opens_a_quality_problem(api_as):
    quinn = api_as("quinn")
    cid = define(quinn, "c", subgroup_size=1)
    quinn.post(f"{URL}/{cid}/measurements", json={"subgroups": [{"count": k} for k in COUNTS]})
    body = quinn.get(f"{URL}/{cid}").json()
    assert body["chart"]["standard"]["center"] == pytest.approx(sum(COUNTS[:19]) / 19)
    opened = quinn.post(f"{URL}/{cid}/signals/20/problem")
    assert opened.status_code == 201, opened.text
    assert quinn.get(f"{URL}/{cid}").json()["problems"] == {"20": opened.json()["problem_id"]}


def test_counts_by_csv_and_parquet_keep_their_size_time_and_batch(api_as, session):
    quinn = api_as("quinn")
    cid = define(quinn, "p")
    csv = (
        "subgroup,count,size,time,batch\n1,4,100,2026-11-02T08:00,L1\n2,6,120,2026-11-02 10:30,L2\n3,3,,2026-11-03,L3\n"
    )
    sent = quinn.post(f"{URL}/{cid}/measurements/file", files={"file": ("d.csv", csv.encode(), "text/csv")})
    assert sent.json() == {"added": 3, "first": 1, "last": 3}, sent.text
    buffer = io.BytesIO()
    pq.write_table(pa.table({"count": [5, 2], "size": [100, 90], "batch": ["L4", "L5"]}), buffer)
    sent = quinn.post(f"{URL}/{cid}/measurements/file", files={"file": ("d.parquet", buffer.getvalue(), "x")})
    assert sent.json() == {"added": 2, "first": 4, "last": 5}, sent.text
    rows = session.scalars(select(Subgroup).where(Subgroup.characteristic_id == cid).order_by(Subgroup.subgroup)).all()
    assert [(r.size, r.batch) for r in rows] == [(100, "L1"), (120, "L2"), (100, "L3"), (100, "L4"), (90, "L5")]
    assert rows[1].measured_at.hour == 10
    assert rows[2].measured_at.day == 3
    assert rows[4].measured_at is None


BAD = {
    "more rejected than inspected": ("count,size\n4,100\n120,100\n", ["row 3", "120 nonconforming out of 100"]),
    "a fraction of a unit": ("count,size\n4.5,100\n", ["row 2", "4.5 is not a whole number"]),
    "a negative count": ("count,size\n-1,100\n", ["row 2", "-1 is not a whole number of at least 0"]),
    "a zero sample": ("count,size\n1,0\n", ["row 2", "sample size 0 is not a positive whole number"]),
    "text as a size": ("count,size\n1,many\n", ["row 2", "field 'size'", "'many' is not a number"]),
    "a bad time": ("count,time\n1,yesterday\n", ["row 2", "field 'time'", "'yesterday' is not a time"]),
    "no count column": ("value\n1\n", ["row 1", "no column 'count'"]),
}


def test_bad_counts_are_refused_naming_row_and_column_and_store_nothing(api_as, session):
    quinn = api_as("quinn")
    cid = define(quinn, "p")
    for case, (content, words) in BAD.items():
        response = quinn.post(f"{URL}/{cid}/measurements/file", files={"file": ("bad.csv", content.encode(), "x")})
        assert response.status_code == 422, (case, response.text)
        for word in words:
            assert word in response.text, (case, word, response.text)
    stored = select(func.count()).select_from(Measurement).where(Measurement.characteristic_id == cid)
    assert session.scalar(stored) == 0


def test_a_counted_characteristic_has_no_specification_and_takes_one_count_per_subgroup(api_as):
    quinn = api_as("quinn")
    refused = quinn.post(URL, json=counted("np", usl=5.0))
    assert refused.status_code == 422
    assert "no specification limits" in refused.text
    cid = define(quinn, "np")
    two = quinn.post(f"{URL}/{cid}/measurements", json={"subgroups": [{"values": [1, 2]}]})
    assert two.status_code == 422
    assert "one count, not 2 values" in two.text


def test_a_counted_characteristics_page_draws_its_chart_in_both_languages(api_as, signed_in):
    quinn = api_as("quinn")
    cid = define(quinn, "u")
    quinn.post(
        f"{URL}/{cid}/measurements",
        json={"subgroups": [{"count": k, "size": n} for k, n in zip(COUNTS, SIZES, strict=True)]},
    )
    victor = signed_in("victor")
    page = victor.get(f"/spc/characteristics/{cid}?lang=en")
    assert page.status_code == 200
    assert 'data-point="20"' in page.text
    assert victor.get(f"/spc/characteristics/{cid}?lang=zh").status_code == 200
    svg = victor.get(f"/spc/characteristics/{cid}/chart.svg?lang=en")
    assert svg.text.lstrip().startswith("<svg")


def test_frozen_limits_of_a_p_chart_are_its_phase_i_fraction_out_of_the_sizes_inspected(api_as):
    quinn = api_as("quinn")
    cid = define(quinn, "p")
    sent = [{"count": k, "size": n} for k, n in zip(COUNTS, SIZES, strict=True)]
    quinn.post(f"{URL}/{cid}/measurements", json={"subgroups": sent})
    frozen = quinn.post(f"{URL}/{cid}/freeze", json={"phase1_last": 19}).json()["frozen"]
    p_bar = sum(COUNTS[:19]) / sum(SIZES[:19])
    assert frozen["center"] == pytest.approx(p_bar, rel=1e-12)
    assert frozen["sigma"] == pytest.approx((p_bar * (1 - p_bar)) ** 0.5, rel=1e-12)
