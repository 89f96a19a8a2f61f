from __future__ import annotations

import json
import math
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import dash
import pandas as pd
import pytest
from flask import jsonify
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

import workflows.progress_views
from config.settings import load_settings
from dashboard.api import json_records
from dashboard.app import create_app
from db import models
from db.data_version import PROGRESS_ROW_ID, current_versions, raise_version
from db.progress import snapshots_frame
from db.progress_views import stored_results
from db.regions import load_directory
from db.session import make_engine, make_session_factory, transaction
from indicators.progress import STATUS_ZH
from indicators.progress_results import Results, frame_records, stamps_as_text
from tests.helpers import layout


@pytest.fixture(scope="module")
def app(module_full_url: str) -> Iterator[dash.Dash]:
    """One app over one fully set-up database (catalogue, sample, snapshots) per module."""
    engine = make_engine(module_full_url)
    factory = make_session_factory(engine)
    yield create_app(load_settings({}), factory)
    engine.dispose()


@pytest.fixture(scope="module")
def client(app: dash.Dash) -> FlaskClient:
    return app.server.test_client()


def test_api001_regions_lists_every_region_and_grouping(client: FlaskClient) -> None:
    body = client.get("/api/v1/regions").get_json()
    by_code = {r["code"]: r for r in body["regions"]}
    assert body["count"] == len(by_code) > 80
    assert by_code["510100"]["name_zh"] == "成都市"
    assert by_code["510700"]["partial"] is True
    assert by_code["510700"]["excludes"] == ["510727", "510726"]
    assert by_code["ccec_cq"]["level"] == "province_part"
    assert {"code": "500154", "partial": True} in by_code["ccec_cq"]["members"]
    assert by_code["wandakai"]["source"]["plan"] == "wandakai"


@pytest.mark.parametrize("name", ["成都", "成都市", "Chengdu", "510100"])
def test_api002_name_query_resolves_any_spelling(client: FlaskClient, name: str) -> None:
    assert client.get("/api/v1/regions", query_string={"name": name}).get_json()["code"] == "510100"


def test_api003_unknown_name_is_a_404_with_a_chinese_message(client: FlaskClient) -> None:
    response = client.get("/api/v1/regions", query_string={"name": "成度"})
    assert response.status_code == 404
    body = response.get_json()
    assert body["error"].startswith("未知地区“成度”")
    assert "成都市" in body["suggestions"]


def test_api004_regions_page_renders_in_chinese(app: dash.Dash, client: FlaskClient) -> None:
    """The HTML shell is the same for every path (Dash draws the page in the browser), so
    the page itself is the layout registered at /regions: the areas and groupings, in Chinese."""
    response = client.get("/regions")
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in response.get_data(as_text=True)
    page = layout(app, "/regions")
    assert "地区与区域组合" in page and "区域组合" in page
    assert '"id": "regions-grouping"' in page and "万达开" in page  # a grouping to choose


def test_api005_targets_carry_their_provenance(client: FlaskClient) -> None:
    body = client.get("/api/v1/targets", query_string={"plan": "outline", "year": 2025}).get_json()
    urbanisation = next(t for t in body["targets"] if t["indicator_id"] == "urbanization_rate")
    assert urbanisation["value"] == 66 and urbanisation["comparator"] == "about"
    assert urbanisation["provenance"]["plan_title"] == "成渝地区双城经济圈建设规划纲要"
    assert urbanisation["provenance"]["quote"] == "常住人口城镇化率达到66%左右"
    assert urbanisation["provenance"]["seed_line"] == 235


def test_api006_targets_filter_by_scope_spelling_and_headline(client: FlaskClient) -> None:
    body = client.get(
        "/api/v1/targets", query_string={"scope": "万达开", "headline": "0"}
    ).get_json()
    assert body["count"] > 0
    assert {t["scope_code"] for t in body["targets"]} == {"wandakai"}
    assert not any(t["headline"] for t in body["targets"])


def test_api007_bad_target_filters_get_chinese_errors(client: FlaskClient) -> None:
    assert client.get("/api/v1/targets?year=二〇二五").get_json()["error"].startswith("参数 year")
    assert client.get("/api/v1/targets?scope=火星").status_code == 404


def test_api008_indicators_list_definitions(client: FlaskClient) -> None:
    body = client.get("/api/v1/indicators").get_json()
    rd = next(i for i in body["indicators"] if i["id"] == "rd_intensity")
    assert rd["aggregation"] == "ratio" and rd["numerator_id"] == "rd_spending"
    assert rd["denominator_id"] == "gdp" and rd["headline"] is True
    assert rd["definition"] == "研究与试验发展经费支出占地区生产总值的比重"
    assert rd["definition_en"] == (  # stored from indicators.yaml (issue 18, item 9)
        "R&D expenditure as a share of gross regional product (R&D expenditure intensity)"
    )
    assert rd["source"] == "两省市统计局、科技厅（局）R&D经费统计公报"
    assert rd["source_en"] == (  # the publishing body in English, beside the Chinese
        "Statistics bureaus and science and technology departments of Sichuan and Chongqing"
        " (statistical bulletin on R&D expenditure)"
    )


def test_api009_progress_results_carry_status_and_inputs(client: FlaskClient) -> None:
    body = client.get("/api/v1/progress").get_json()
    assert body["count"] > 300
    row = body["results"][0]
    assert row["status_zh"] and row["inputs_digest"] and row["computed_at"]
    urban = client.get("/api/v1/progress", query_string={"target": "outline-014"}).get_json()
    assert urban["count"] == 1 and urban["results"][0]["indicator_id"] == "urbanization_rate"
    assert urban["results"][0]["layer"] == "sample"


def test_api010_progress_filters_by_region_spelling_and_rejects_bad_years(
    client: FlaskClient,
) -> None:
    body = client.get("/api/v1/progress", query_string={"region": "重庆"}).get_json()
    assert body["count"] > 0 and {r["scope_code"] for r in body["results"]} == {"500000"}
    assert client.get("/api/v1/progress?as_of=去年").status_code == 400
    assert client.get("/api/v1/progress?as_of=1990").get_json()["count"] == 0


def _answer_from_the_frame(app: dash.Dash, query: dict[str, str]) -> bytes:
    """/api/v1/progress as the route computed it until 2026-12-07: the snapshots frame,
    filtered in pandas, ``json_records``, ``jsonify`` (the definition the kept items
    must give byte for byte)."""
    factory = app.server.extensions["ccec_monitor"]["session_factory"]
    as_of = int(query["as_of"]) if "as_of" in query else None
    with factory() as session:
        frame = snapshots_frame(session, as_of)
        directory = load_directory(session)
    with app.server.app_context():
        if frame.empty:
            return jsonify({"count": 0, "results": []}).get_data()
        if "region" in query:
            frame = frame[frame.scope_code == directory.resolve(query["region"]).code]
        if "indicator" in query:
            frame = frame[frame.indicator_id == query["indicator"]]
        if "target" in query:
            frame = frame[frame.target_id == query["target"]]
        frame = frame.assign(
            status_zh=frame.status.map(STATUS_ZH), computed_at=frame.computed_at.astype(str)
        )
        items = json_records(frame.sort_values("target_id"))
        return jsonify({"count": len(items), "results": items}).get_data()


def _queries(as_of: int) -> list[dict[str, str]]:
    """/api/v1/progress's filters, alone and together, of the latest year and others."""
    return [
        {},
        {"region": "重庆"},
        {"region": "成都市", "indicator": "gdp"},
        {"indicator": "urbanization_rate"},
        {"target": "outline-014"},
        {"target": "no-such-target"},
        {"as_of": str(as_of - 1)},
        {"as_of": str(as_of - 1), "region": "500000"},
        {"as_of": str(as_of), "indicator": "gdp"},
        {"as_of": "1990"},
    ]


def test_api011_progress_answers_byte_for_byte_what_the_frame_gave(
    app: dash.Dash, client: FlaskClient
) -> None:
    """The kept, pre-written items give the bytes the frame gave, for every filter and
    year; a snapshot written meanwhile (the progress version raised) shows at once."""
    as_of = client.get("/api/v1/progress").get_json()["results"][0]["as_of"]
    queries = _queries(as_of)
    for query in queries:
        got = client.get("/api/v1/progress", query_string=query)
        assert got.status_code == 200
        assert got.get_data() == _answer_from_the_frame(app, query), query
    factory = app.server.extensions["ccec_monitor"]["session_factory"]
    with transaction(factory) as session:
        session.execute(
            update(models.ProgressSnapshot)
            .where(models.ProgressSnapshot.as_of == as_of)
            .values(latest_year=None, latest_value=None, computed_at=datetime(2026, 1, 2, 3, 4, 5))
            .where(models.ProgressSnapshot.target_id == "outline-014")
        )
    for query in ({}, {"target": "outline-014"}):
        got = client.get("/api/v1/progress", query_string=query)
        assert got.get_data() == _answer_from_the_frame(app, query), query
    row = client.get("/api/v1/progress?target=outline-014").get_json()["results"][0]
    assert row["latest_value"] is None and row["computed_at"].startswith("2026-01-02 03:04:05")


def test_api012_frame_records_are_json_records_of_the_frame() -> None:
    """Columns whose values a frame would change: integers with a gap or beside floats
    (floats in the frame), booleans with a gap (kept), NaN, an empty column, timestamps
    of mixed precision (``astype(str)`` writes the column's); and one of each kind alone."""
    stamp = datetime(2026, 12, 7, 3, 1, 2)
    columns = ["a", "b", "c", "d", "e", "f", "g", "h", "stamp", "stamp_ms", "stamp_tz", "lists"]
    rows = [
        (1, 1, True, 1.5, None, "x", 7, True, stamp, stamp, stamp.replace(tzinfo=UTC), [1, 2.5]),
        (2, None, None, math.nan, None, None, 8, False, stamp.replace(microsecond=123456),
         stamp.replace(microsecond=120000), stamp.replace(tzinfo=UTC), []),
        (3, 2.5, False, None, None, "y", 9, True, stamp, stamp, stamp.replace(tzinfo=UTC), ["规划"]),
    ]  # fmt: skip
    text = ("stamp", "stamp_ms", "stamp_tz")
    frame = pd.DataFrame([dict(zip(columns, row, strict=True)) for row in rows])
    frame = frame.assign(**{c: frame[c].astype(str) for c in text})
    expected = json_records(frame)
    got = frame_records(columns, rows)
    for n, column in enumerate(columns):
        if column in text:
            for item, written in zip(got, stamps_as_text([r[n] for r in rows]), strict=True):
                item[column] = written
    assert json.dumps(got) == json.dumps(expected)  # types too: 2 and 2.0 differ here
    assert got[1]["b"] is None and got[0]["b"] == 1.0 and isinstance(got[0]["b"], float)
    assert got[0]["stamp_ms"] == "2026-12-07 03:01:02.000" and got[1]["c"] is None
    assert stamps_as_text([stamp])[0] == "2026-12-07 03:01:02"
    assert frame_records(columns, []) == []


def _change_snapshot(factory: sessionmaker[Session], target: str, **values: Any) -> None:
    """A recompute's commit, as another process makes it: a snapshot of the latest year
    changed (which raises the progress version)."""
    s = models.ProgressSnapshot
    with transaction(factory) as session:
        as_of = session.scalar(select(func.max(s.as_of)))
        session.execute(update(s).where(s.as_of == as_of, s.target_id == target).values(**values))


def test_api013_a_recompute_on_another_engine_is_served_from_the_items_it_stored(
    app: dash.Dash, client: FlaskClient, module_full_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a recompute in another process (another engine) and its thread's store of
    the new version's items, this worker answers from that row, without reading the
    snapshots, with the bytes the frame gives (stamps of mixed precision among them);
    never the old answers. A version nobody stored: the first reader computes it from
    the snapshots and stores it for the others."""
    engine = make_engine(module_full_url)
    other = make_session_factory(engine)
    try:
        client.get("/api/v1/progress")  # this worker holds the current version's answer
        _change_snapshot(
            other, "outline-014", latest_value=12345.5,
            computed_at=datetime(2026, 1, 2, 3, 4, 5, 120000),
        )  # fmt: skip
        _change_snapshot(other, "outline-001", computed_at=datetime(2026, 1, 2, 3, 4, 5, 123456))
        workflows.progress_views.progress_results(other)  # what precompute_views stores
        with other() as session:
            version = current_versions(session)[2]
            assert stored_results(session, version, None) is not None

        def refuse(*_args: Any) -> Any:
            raise AssertionError("read the snapshots or wrote the items again: they were stored")

        with monkeypatch.context() as patched:
            patched.setattr(workflows.progress_views, "snapshot_rows", refuse)
            patched.setattr(Results, "items", refuse)  # the items' own JSON, not jsonify
            for query in (q for q in _queries(0) if "as_of" not in q):  # the latest year
                got = client.get("/api/v1/progress", query_string=query)
                assert got.get_data() == _answer_from_the_frame(app, query), query
        row = client.get("/api/v1/progress?target=outline-014").get_json()["results"][0]
        assert row["latest_value"] == 12345.5
        assert row["computed_at"].startswith("2026-01-02 03:04:05.120")
        as_of = row["as_of"]
        for query in _queries(as_of):  # other years: computed by this first reader
            got = client.get("/api/v1/progress", query_string=query)
            assert got.get_data() == _answer_from_the_frame(app, query), query

        _change_snapshot(other, "outline-014", latest_value=23456.5)  # nothing stored
        with other() as session:
            version = current_versions(session)[2]
            assert stored_results(session, version, None) is None
        row = client.get("/api/v1/progress?target=outline-014").get_json()["results"][0]
        assert row["latest_value"] == 23456.5  # the new snapshots, never the old
        with other() as session:  # computed once, left for the other workers
            assert stored_results(session, version, None) is not None
        for query in _queries(as_of):
            got = client.get("/api/v1/progress", query_string=query)
            assert got.get_data() == _answer_from_the_frame(app, query), query
    finally:
        engine.dispose()


def test_api014_an_indented_answer_is_what_jsonify_gave(
    app: dash.Dash, client: FlaskClient
) -> None:
    """With the provider writing indented JSON (debug), the stored items are read back
    and written by ``jsonify``: the bytes the frame gave in that mode."""
    factory = app.server.extensions["ccec_monitor"]["session_factory"]
    with transaction(factory) as session:  # no reply kept from the compact answers
        raise_version(session, PROGRESS_ROW_ID)
    app.server.json.compact = False  # type: ignore[attr-defined]
    try:
        for query in ({}, {"region": "重庆"}, {"target": "outline-014"}, {"as_of": "1990"}):
            got = client.get("/api/v1/progress", query_string=query).get_data()
            assert got == _answer_from_the_frame(app, query), query
            assert got.startswith(b'{\n  "count"')
    finally:
        app.server.json.compact = None  # type: ignore[attr-defined]
        with transaction(factory) as session:  # the indented replies kept: not served again
            raise_version(session, PROGRESS_ROW_ID)
