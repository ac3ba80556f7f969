"""Characteristics through the JSON API: defined, fed by JSON and by files, frozen, revised and
read; bad batches and files are refused naming the row and column, storing nothing."""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select

from pacer.config import get_settings
from pacer.models import AuditEntry, Measurement
from pacer.spc import Subgroups, rule_set, xbar_chart
from tests.characteristics.conftest import in_control, spec

URL = "/api/spc/characteristics"


def stored(session, c) -> int:
    return session.scalar(select(func.count()).select_from(Measurement).where(Measurement.characteristic_id == c.id))


def csv_of(rows: list[tuple[object, object]], header: str = "subgroup,value") -> bytes:
    return (header + "\n" + "\n".join(f"{s},{v}" for s, v in rows) + "\n").encode()


def upload(client, c, name: str, content: bytes):
    return client.post(f"{URL}/{c.id}/measurements/file", files={"file": (name, content, "application/octet-stream")})


def test_an_engineer_defines_a_characteristic_and_reads_the_cores_chart_of_its_data(api_as, org):
    quinn = api_as("quinn")
    created = quinn.post(URL, json=spec().model_dump())
    assert created.status_code == 201, created.text
    cid = created.json()["id"]
    values = in_control(30)
    sent = quinn.post(f"{URL}/{cid}/measurements", json={"subgroups": [{"values": r} for r in values.tolist()]})
    assert sent.json() == {"added": 30, "first": 1, "last": 30}
    body = quinn.get(f"{URL}/{cid}").json()
    core = xbar_chart(Subgroups.from_matrix(values), "R", phase1=(1, 25), rules=rule_set("we"))
    assert body["chart"]["standard"]["center"] == core.standard.center
    assert body["chart"]["panels"][0]["ucl"][0] == core.panel("xbar").ucl[0]
    assert body["characteristic"]["unit"]["code"] == "A1"
    assert body["characteristic"]["subgroups"] == 30
    one, two = body["capability"]["phase1"], body["capability"]["phase2"]
    cpk = one["indices"]["Cpk"]
    assert cpk["lower"] < cpk["value"] < cpk["upper"]
    # phase I: its 125 values, its own centre and sigma within (the chart's)
    first, later = values[:25].ravel(), values[25:].ravel()
    sigma = core.standard.sigma
    assert (one["n"], one["n_within"]) == (125, 125)
    assert one["center"] == pytest.approx(first.mean(), rel=1e-12)
    assert one["sigma_within"] == pytest.approx(sigma, rel=1e-12)
    assert one["sigma_overall"] == pytest.approx(first.std(ddof=1), rel=1e-12)
    # phase II: Cp and Cpk with its own centre and phase I's sigma, Pp and Ppk with its own sigma
    assert (two["n"], two["n_within"]) == (25, 125)
    assert two["indices"]["Cp"]["value"] == pytest.approx(one["indices"]["Cp"]["value"], rel=1e-12)
    worst = min(11.0 - later.mean(), later.mean() - 9.0)
    assert two["indices"]["Cpk"]["value"] == pytest.approx(worst / (3 * sigma), rel=1e-9)
    assert two["indices"]["Ppk"]["value"] == pytest.approx(worst / (3 * later.std(ddof=1)), rel=1e-9)
    # the interval of phase II's Cp comes from phase I's 125 values, as its sigma does
    assert two["indices"]["Cp"]["lower"] == pytest.approx(one["indices"]["Cp"]["lower"], rel=1e-12)


def test_a_csv_and_a_parquet_file_continue_the_stored_subgroups(api_as, bore, session):
    quinn = api_as("quinn")
    rows = [(26 + i // 5, 10.0 + (i % 5) / 10) for i in range(10)]
    assert upload(quinn, bore, "more.csv", csv_of(rows)).json() == {"added": 2, "first": 26, "last": 27}
    buffer = io.BytesIO()
    pq.write_table(pa.table({"subgroup": [28] * 5, "value": [10.1, 10.2, 9.9, 10.0, 10.05]}), buffer)
    assert upload(quinn, bore, "more.parquet", buffer.getvalue()).json() == {"added": 1, "first": 28, "last": 28}
    assert stored(session, bore) == 28 * 5


BAD_FILES = {
    "text in a number": (csv_of([(26, 10.0), (26, "ten"), (26, 10), (26, 10), (26, 10)]),
                         ["row 3", "field 'value'", "'ten' is not a number"]),
    "NaN": (csv_of([(26, 10.0), (26, "nan"), (26, 10), (26, 10), (26, 10)]), ["row 3", "not a finite number"]),
    "an empty cell": (csv_of([(26, 10.0), (26, ""), (26, 10), (26, 10), (26, 10)]), ["row 3", "no value"]),
    "a missing subgroup": (csv_of([(27, 10.0)] * 5), ["row 2", "subgroup 26 is missing"]),
    "a wrong size": (csv_of([(26, 10.0)] * 4), ["row 2", "subgroup 26 has 4 value(s)", "have 5"]),
    "a duplicate": (csv_of([(26, 10.0)] * 5 + [(27, 10.0)] * 5 + [(26, 10.0)] * 5),
                    ["row 12", "subgroup 26 appears again (first at row 2)"]),
    "a stored subgroup": (csv_of([(25, 10.0)] * 5), ["row 2", "subgroup 25 is already stored"]),
    "no value column": (csv_of([(26, 10.0)], "subgroup,width"), ["row 1", "no column 'value'"]),
    "a bad subgroup": (csv_of([("x", 10.0)]), ["row 2", "field 'subgroup'", "'x' is not a number"]),
    "a subgroup 0": (csv_of([(0, 10.0)]), ["row 2", "field 'subgroup'", "not a subgroup number"]),
}  # fmt: skip


def test_bad_files_are_refused_naming_row_and_column_and_store_nothing(api_as, bore, session):
    quinn = api_as("quinn")
    for case, (content, words) in BAD_FILES.items():
        response = upload(quinn, bore, "bad.csv", content)
        assert response.status_code == 422, (case, response.text)
        text = response.text
        assert all(w in text for w in words), (case, text)
        assert stored(session, bore) == 125, case


def test_a_file_past_the_upload_limit_is_refused_before_it_is_read(api_as, bore, session, monkeypatch):
    monkeypatch.setattr(get_settings(), "upload_max_bytes", 1000)
    response = upload(api_as("quinn"), bore, "big.csv", csv_of([(26 + i // 5, 10.0) for i in range(500)]))
    assert response.status_code == 413
    assert "PACER_UPLOAD_MAX_BYTES" in response.text
    assert stored(session, bore) == 125


def test_a_json_batch_with_nan_or_a_wrong_size_is_refused_naming_the_item(api_as, bore, session):
    quinn = api_as("quinn")
    response = quinn.post(
        f"{URL}/{bore.id}/measurements", json={"subgroups": [{"values": [1.0] * 5}, {"values": [1.0] * 3}]}
    )
    assert response.status_code == 422
    assert "subgroups[1]" in response.text
    assert "has 3 value(s)" in response.text
    response = quinn.post(
        f"{URL}/{bore.id}/measurements",
        content=b'{"subgroups": [{"values": [1, 2, 3, 4, NaN]}]}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422
    assert stored(session, bore) == 125


def test_frozen_limits_hold_for_phase_two_and_a_revision_is_audited(api_as, bore, session):
    quinn = api_as("quinn")
    frozen = quinn.post(f"{URL}/{bore.id}/freeze", json={}).json()["frozen"]
    shifted = in_control(10, seed=9, mean=10.5)
    quinn.post(f"{URL}/{bore.id}/measurements", json={"subgroups": [{"values": r} for r in shifted.tolist()]})
    body = quinn.get(f"{URL}/{bore.id}").json()
    assert body["chart"]["standard"]["center"] == frozen["center"]
    assert set(range(26, 36)) <= set(body["out_of_control"])
    excluded = quinn.post(f"{URL}/{bore.id}/exclusions", json={"subgroup": 3, "reason": "worn tool, replaced"})
    assert excluded.status_code == 201
    revised = quinn.get(f"{URL}/{bore.id}").json()
    assert revised["characteristic"]["frozen"]["center"] != frozen["center"]
    assert revised["exclusions"][0]["reason"] == "worn tool, replaced"
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "spc_characteristic")).all()
    assert {"spc.define", "spc.measure", "spc.freeze", "spc.exclude", "spc.revise"} <= set(actions)
    late = quinn.post(f"{URL}/{bore.id}/exclusions", json={"subgroup": 30, "reason": "not phase one"})
    assert late.status_code == 422
    assert "not a phase I point" in late.text


def test_access_goes_by_the_unit_subtree(api_as, bore, session):
    assert api_as("bob").get(f"{URL}/{bore.id}").status_code == 404
    assert (
        api_as("bob").post(f"{URL}/{bore.id}/measurements", json={"subgroups": [{"values": [1.0] * 5}]}).status_code
        == 404
    )
    assert api_as("victor").get(f"{URL}/{bore.id}").status_code == 200
    refused = api_as("alice").post(f"{URL}/{bore.id}/measurements", json={"subgroups": [{"values": [1.0] * 5}]})
    assert refused.status_code == 403
    assert api_as("quinn").post(URL, json=spec("B1", code="X").model_dump()).status_code == 404
    assert [c["code"] for c in api_as("victor").get("/api/spc/units/A/characteristics").json()] == ["BORE-D"]
    assert api_as("bob").get("/api/spc/units/A/characteristics").status_code == 404
    assert stored(session, bore) == 125


def test_a_specification_that_cannot_hold_is_refused_in_both_languages(api_as):
    quinn = api_as("quinn")
    response = quinn.post(URL, json=spec(lsl=12.0, chart="imr").model_dump())
    assert response.status_code == 422
    assert "not below the upper" in response.text
    assert "subgroup size 1" in response.text
    zh = quinn.post(URL, json=spec(lsl=12.0).model_dump(), headers={"Accept-Language": "zh-CN"})
    assert zh.status_code == 422


def test_the_api_takes_and_gives_the_product_and_a_reason_in_english_too(api_as, session):
    quinn = api_as("quinn")
    body = spec().model_dump() | {"code": "SEAL-T", "product": "液压泵 HP-3", "product_en": "HP-3 hydraulic pump"}
    made = quinn.post("/api/spc/characteristics", json=body)
    assert made.status_code == 201, made.text
    c = made.json()
    assert (c["product"], c["product_en"]) == ("液压泵 HP-3", "HP-3 hydraulic pump")
    values = [{"values": row} for row in in_control(25).tolist()]
    assert quinn.post(f"/api/spc/characteristics/{c['id']}/measurements", json={"subgroups": values}).status_code == 201
    excluded = quinn.post(f"/api/spc/characteristics/{c['id']}/exclusions",
                          json={"subgroup": 2, "reason": "量规未校零", "reason_en": "gauge not zeroed"})  # fmt: skip
    assert excluded.status_code == 201, excluded.text
    assert (excluded.json()["reason"], excluded.json()["reason_en"]) == ("量规未校零", "gauge not zeroed")
    shown = quinn.get(f"/api/spc/characteristics/{c['id']}").json()
    assert shown["exclusions"][0]["reason_en"] == "gauge not zeroed"
    assert shown["characteristic"]["product_en"] == "HP-3 hydraulic pump"
    edited = quinn.patch(f"/api/spc/characteristics/{c['id']}", json={"product_en": "HP-3 pump"})
    assert edited.status_code == 200, edited.text
    assert edited.json()["product_en"] == "HP-3 pump"
