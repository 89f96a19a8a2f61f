"""/api/v1/observations streams rows and pages them by keyset: every row exactly once."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterator

import pandas as pd
import pytest
from flask.testing import FlaskClient

from config.settings import load_settings
from dashboard.api_intake import CHUNK_ROWS
from dashboard.app import create_app
from db.intake import import_observations
from db.observations import LAYER_NAMES_ZH, LISTING_COLUMNS, _listing
from db.session import make_engine, make_session_factory, transaction

URL = "/api/v1/observations"


@pytest.fixture(scope="module")
def client(module_sample_url: str) -> Iterator[FlaskClient]:
    engine = make_engine(module_sample_url)
    factory = make_session_factory(engine)
    yield create_app(load_settings({}), factory).server.test_client()
    engine.dispose()


def _add(client: FlaskClient, region: str, period: str, value: float) -> None:
    """A figure written between two pages, as another worker's upload would."""
    factory = client.application.extensions["ccec_monitor"]["session_factory"]
    row = {"indicator_id": "gdp", "region_code": region, "period": period, "value": value}
    with transaction(factory) as session:
        import_observations(
            session,
            pd.DataFrame([{**row, "unit": "亿元", "note": None}]),
            layer="reported",
            vintage="final",
            submission_id=None,
            user_id=None,
        )


def _pages(client: FlaskClient, limit: int, during=None, **query: str) -> list[list[dict]]:  # type: ignore[no-untyped-def]
    pages, cursor = [], None
    while True:
        args = {**query, "limit": str(limit), **({"cursor": cursor} if cursor else {})}
        response = client.get(URL, query_string=args)
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        assert body["count"] == len(body["observations"]) <= limit
        assert response.headers.get("X-Next-Cursor") == body["next_cursor"]
        pages.append(body["observations"])
        if during is not None:
            during(len(pages))
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


def test_apio001_paging_returns_every_row_exactly_once_while_rows_are_added(
    client: FlaskClient,
) -> None:
    everything = client.get(URL, query_string={"indicator": "gdp"}).get_json()
    before = {row["id"] for row in everything["observations"]}
    assert everything["count"] == len(before) > 300 and everything["next_cursor"] is None
    # figures added between pages: at the end of the order, in the middle, and near the start
    added = iter([("510100", "2031"), ("500000", "2001"), ("510000", "2030"), ("500000", "2035")])

    def add_between_pages(page: int) -> None:
        if page % 3 == 0:
            region, period = next(added, ("510100", str(2040 + page)))
            _add(client, region, period, float(page))

    pages = _pages(client, 37, add_between_pages, indicator="gdp")
    ids = [row["id"] for page in pages for row in page]
    assert len(ids) == len(set(ids))  # none twice
    assert before <= set(ids)  # every row that was there from the start, once
    keys = [
        (r["indicator_id"], r["region_code"], r["period"], r["layer"], r["revision"])
        for page in pages
        for r in page
    ]
    assert keys == sorted(keys)  # one order across pages: the rows' unique key


def test_apio002_pages_of_every_size_add_up_to_the_whole(client: FlaskClient) -> None:
    whole = client.get(URL, query_string={"region": "成都", "all_revisions": "1"}).get_json()
    ids = [row["id"] for row in whole["observations"]]
    for limit in (1, 7, len(ids) - 1, len(ids), len(ids) + 5):
        pages = _pages(client, limit, region="成都", all_revisions="1")
        assert [row["id"] for page in pages for row in page] == ids
        assert len(pages) == max(1, -(-len(ids) // limit))


def test_apio003_csv_streams_the_same_rows(client: FlaskClient) -> None:
    query = {"indicator": "gdp", "from": "2020年"}
    rows = client.get(URL, query_string=query).get_json()["observations"]
    response = client.get(URL, query_string={**query, "format": "csv", "limit": "10"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    table = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [int(r["id"]) for r in table] == [r["id"] for r in rows[:10]]
    assert float(table[0]["value"]) == rows[0]["value"]
    assert table[0]["layer_zh"] == rows[0]["layer_zh"]
    second = client.get(
        URL,
        query_string={
            **query,
            "format": "csv",
            "limit": "10",
            "cursor": response.headers["X-Next-Cursor"],
        },
    )
    assert [int(r["id"]) for r in csv.DictReader(io.StringIO(second.get_data(as_text=True)))] == [
        r["id"] for r in rows[10:20]
    ]
    assert 'rel="next"' in response.headers["Link"]


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"limit": "0"}, "limit 应为 1 到"),
        ({"limit": "-5"}, "limit 应为 1 到"),
        ({"limit": "abc"}, "limit 应为 1 到"),
        ({"limit": "50001"}, "limit 应为 1 到"),
        ({"limit": "1e3"}, "limit 应为 1 到"),
        ({"cursor": "not-a-cursor"}, "cursor 无效"),
        ({"cursor": "WyJhIiwxXQ"}, "cursor 无效"),  # ["a",1]: a key of the wrong shape
        ({"cursor": "%%%"}, "cursor 无效"),
        # the attack of 2026-12-07: these gave 500 (OverflowError in the database driver)
        # and an English message
        (
            {"cursor": "WyJnZHAiLCI1MDAwMDAiLCIyMDI0Iiwic2FtcGxlIiwxODQ0Njc0NDA3MzcwOTU1MTYxNl0"},
            "cursor 无效",
        ),  # revision 2**64
        (
            {"cursor": "WyJnZHAiLCI1MDAwMDAiLCIyMDI0Iiwic2FtcGxlIiwtOTIyMzM3MjAzNjg1NDc3NTgwOV0"},
            "cursor 无效",
        ),  # -2**63 - 1
        (
            {"cursor": "WyJnZHBcdTAwMDAiLCI1MDAwMDAiLCIyMDI0Iiwic2FtcGxlIiwxXQ"},
            "cursor 无效",
        ),  # a NUL
        ({"limit": "\u00b2"}, "limit 应为 1 到"),  # superscript two: isdigit(), not int()
        ({"format": "xml"}, "format 取值无效"),
    ],
)
def test_apio004_bad_limits_and_cursors_are_refused_in_chinese(
    client: FlaskClient, query: dict[str, str], words: str
) -> None:
    response = client.get(URL, query_string=query)
    assert response.status_code == 400
    assert words in response.get_json()["error"]


def _as_rows_were_written(client: FlaskClient, query: dict[str, str]) -> tuple[bytes, bytes]:
    """The JSON and CSV bodies as the stream wrote them until 2026-12-07: the listing's
    rows through the ORM (timestamps parsed on every row), one ``json.dumps`` per row
    (the definition the chunked writer must give byte for byte)."""
    factory = client.application.extensions["ccec_monitor"]["session_factory"]
    region = {"成都": "510100"}.get(query.get("region", ""), query.get("region"))
    with factory() as session:
        rows = session.execute(
            _listing(query.get("indicator"), region, None, None, query.get("all_revisions") != "1")
        ).all()
    items = []
    for row in rows:
        item = dict(zip(LISTING_COLUMNS, row, strict=True))
        value = item["value"]
        item["value"] = value if value is None or math.isfinite(value) else None
        item["created_at"] = None if item["created_at"] is None else str(item["created_at"])
        item["layer_zh"] = LAYER_NAMES_ZH.get(item["layer"])
        items.append(item)
    tail = json.dumps({"count": len(items), "limit": None, "next_cursor": None})
    body = "".join(
        ['{"observations":[', ",".join(json.dumps(i, ensure_ascii=False) for i in items)]
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*LISTING_COLUMNS, "layer_zh"])
    for item in items:
        writer.writerow(["" if v is None else v for v in item.values()])
    return (body + "]," + tail[1:]).encode(), buffer.getvalue().encode()


@pytest.mark.parametrize(
    "query",
    [
        {},  # every current row: several chunks, streamed
        {"indicator": "gdp", "region": "成都"},  # one series: one chunk, sent whole
        {"region": "成都", "all_revisions": "1"},
        {"indicator": "no_such_indicator"},  # nothing: the envelope alone
    ],
)
def test_apio005_chunked_stream_writes_the_bytes_each_row_was_written_as(
    client: FlaskClient, query: dict[str, str]
) -> None:
    """Rows encoded by one reused encoder, a thousand to a chunk, timestamps converted
    once per distinct stored value: the same bytes as before, JSON and CSV; a short
    answer comes whole with its length, a long one streamed."""
    json_body, csv_body = _as_rows_were_written(client, query)
    response = client.get(URL, query_string=query)
    assert response.get_data() == json_body
    streamed = json_body.count(b'{"id"') > CHUNK_ROWS
    assert ("Content-Length" in response.headers) != streamed
    assert client.get(URL, query_string={**query, "format": "csv"}).get_data() == csv_body
