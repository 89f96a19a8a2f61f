"""Fuzzing the HTTP API from its own OpenAPI description (schemathesis).

Every operation of /api/v1/openapi.json gets generated requests — valid ones and
ones that break the schema — sent straight to the Flask app on a SQLite database.
Whatever arrives: never a 5xx, and every 4xx JSON answer carries a non-empty
Chinese ``error`` (the shape of dashboard.api.error_response), or, for a refused
file, a report whose every problem says what is wrong.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import schemathesis
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from config.settings import load_settings
from dashboard.app import create_app
from dashboard.openapi import SPEC
from db.session import make_engine, make_session_factory, transaction
from db.users import create_token, create_user

CJK = re.compile(r"[\u3400-\u9fff]")
FIXTURES = Path(__file__).parents[1] / "loaders" / "fixtures"
SCALE = max(1, int(os.environ.get("FUZZ_SCALE", "1")))


def fuzz(max_examples: int) -> settings:
    """Bounded runs (``FUZZ_SCALE=20`` for a longer campaign by hand), no deadline, no
    example database written into the tree."""
    return settings(
        max_examples=max_examples * SCALE,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )


@pytest.fixture(scope="module")
def api(seeds, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The app on a SQLite database with the catalogue, and a reporter's token."""
    with seeds.copy("sqlite", "ready", tmp_path_factory.mktemp("api-fuzz")) as url:
        engine = make_engine(url)
        factory = make_session_factory(engine)
        with transaction(factory) as session:
            create_user(session, "fuzz-cq", "password-1234", "reporter", regions=["500000"])
            # trusted (直报), so clean files are imported and the observations read back
            token = create_token(session, "fuzz-cq", "模糊测试", trusted=True)
        app = create_app(load_settings({}), factory).server
        yield {"app": app, "token": token}
        engine.dispose()


# The document the app serves at /api/v1/openapi.json is SPEC as JSON (the first test
# holds the two together). It is loaded here, at collection, because the lazy
# ``schemathesis.pytest.from_fixture`` of schemathesis 4.32.5 fails under pytest 9.2
# (it sets ``Function._nodeid``, which pytest 9.2 no longer has); each case is sent
# to the module's app with ``case.call(app=...)``.
schema = schemathesis.openapi.from_dict(json.loads(json.dumps(SPEC)))


def test_afz000_the_served_description_is_the_one_fuzzed(api: dict[str, Any]) -> None:
    served = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api["app"])
    assert served.raw_schema == schema.raw_schema
    served.validate()  # a valid OpenAPI 3.0 document
    labels = {result.ok().label for result in served.get_all_operations()}
    assert len(labels) == sum(len(methods) for methods in SPEC["paths"].values())


def explained(status: int, content_type: str, body: Any) -> None:
    """A 4xx answer is JSON that says, in Chinese, what was wrong: ``error`` (the shape
    of dashboard.api.error_response) or, for a refused file, its report's problems."""
    assert status < 500, (status, body)
    if not 400 <= status < 500:
        return
    assert "json" in content_type, (status, content_type, body)
    assert isinstance(body, dict), body
    if "error" in body:
        messages = [body["error"]]
    else:
        messages = [p["message"] for p in body["report"]["problems"]]
        assert messages, body
    for message in messages:
        assert isinstance(message, str) and message.strip(), body
        assert CJK.search(message), body


@schema.parametrize()
@fuzz(40)
def test_afz001_no_generated_request_gives_a_server_error(
    case: schemathesis.Case, api: dict[str, Any]
) -> None:
    # identity: schemathesis's WSGI transport does not decode a compressed body (the app
    # compresses what the client accepts; tests/dashboard/test_transfer.py covers that)
    headers = {"Authorization": f"Bearer {api['token']}", "Accept-Encoding": "identity"}
    response = case.call(app=api["app"], headers=headers)
    case.validate_response(response, checks=[not_a_server_error])
    headers = {name.lower(): value for name, value in response.headers.items()}
    content_type = (headers.get("content-type") or [""])[0]
    body = response.json() if "json" in content_type else response.content[:200]
    explained(response.status_code, content_type, body)


# ------------------------------------------------------------------ beyond the schema ---

ROW = st.tuples(
    st.sampled_from(["重庆市", "重庆", "万州区", "成都市", "", "火星"]) | st.text(max_size=8),
    st.sampled_from(["地区生产总值", "常住人口", "常住人口城镇化率", "中欧班列（成渝）开行量", ""])
    | st.text(max_size=8),
    st.sampled_from(["2023年", "2024Q1", "2024年6月", "2024年1-6月", "1800年", ""])
    | st.text(max_size=8),
    st.sampled_from(["25002.79", "-1", "66.2%", "1e999", "inf", "9" * 400, "1e308", "—", ""])
    | st.floats().map(repr),
    st.sampled_from(["亿元", "万元", "万亿元", "%", "万人", "列", "", "斤"]),
)


CLEAN_ROW = st.tuples(
    st.sampled_from(["重庆市", "重庆", "万州区"]),
    st.sampled_from(["地区生产总值", "常住人口", "常住人口城镇化率"]),
    st.sampled_from(["2021年", "2022年", "2023年"]),
    st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda v: f"{v:.2f}"),
    st.just(""),  # the indicator's own unit
)


@st.composite
def upload(draw: st.DrawFn) -> tuple[str, bytes]:
    """A file a system might send: mostly the CSV template, sometimes anything at all."""
    name = draw(st.sampled_from(["data.csv", "data.csv", "data.xls", "data.txt", "data.pdf", ""]))
    if draw(st.integers(0, 4)) == 0:
        return name, draw(st.binary(max_size=300))
    rows = draw(st.lists(draw(st.sampled_from([ROW, CLEAN_ROW])), min_size=1, max_size=6))
    lines = ["地区,指标,期间,数值,单位"] + [",".join(r).replace("\n", " ") for r in rows]
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gbk"]))
    return name, "\n".join(lines).encode(encoding, errors="replace")


@fuzz(100)
@given(
    file=upload(),
    form=st.fixed_dictionaries(
        {},
        optional={
            "vintage": st.sampled_from(["initial", "final", "estimate", "bogus", ""]),
            "indicator": st.sampled_from(["gdp", "地区生产总值", "nonsense", ""]),
            "region": st.sampled_from(["重庆市", "成都市", "", "🙂"]),
        },
    ),
    token=st.sampled_from(["good"] * 6 + ["bad", None]),
)
def test_afz002_submissions_answer_every_file(
    api: dict[str, Any], file: tuple[str, bytes], form: dict[str, str], token: str | None
) -> None:
    """The reporter's token, so files reach the reading, checking and importing."""
    name, content = file
    headers = {}
    if token is not None:
        headers["Authorization"] = f"Bearer {api['token'] if token == 'good' else 'x' * 20}"
    client = api["app"].test_client()
    data = {"file": (io.BytesIO(content), name), **form}
    response = client.post("/api/v1/submissions", data=data, headers=headers)
    body = response.get_json(silent=True)
    event(f"HTTP {response.status_code}")
    explained(response.status_code, response.content_type, body)
    if response.status_code in (200, 201, 202, 422):
        report = body["report"]
        json.dumps(report, allow_nan=False)  # strict JSON: no NaN or Infinity
        assert report["ok"] == (response.status_code in (201, 202))
    if response.status_code == 201:
        observations = client.get("/api/v1/observations", headers=headers)
        assert observations.status_code == 200
        json.loads(observations.data.decode())  # parses as strict JSON
        for row in observations.get_json()["observations"]:
            assert math.isfinite(row["value"]), row


@fuzz(60)
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]),
    path=st.sampled_from(
        ["", "regions", "submissions", "projects/x/reports", "projects/x/reports/y", "nothing"]
    )
    | st.text(st.characters(codec="utf-8", exclude_characters="?#"), max_size=20),
)
def test_afz003_unknown_paths_and_methods_are_refused_in_json(
    api: dict[str, Any], method: str, path: str
) -> None:
    """Found by fuzzing: a wrong method got Werkzeug's English HTML, and a GET to an
    unknown /api/v1/ path got the dashboard's page with 200."""
    response = api["app"].test_client().open(f"/api/v1/{quote(path)}", method=method)
    assert response.status_code < 500
    if method != "HEAD":
        assert "json" in response.content_type or response.status_code == 200, response.data[:200]
        if "json" in response.content_type:
            explained(response.status_code, response.content_type, response.get_json())
    if response.status_code == 405:
        assert response.headers["Allow"]


@pytest.mark.parametrize(
    ("method", "path", "status", "message"),
    [
        ("GET", "/api/v1/nothing", 404, "接口不存在"),
        ("POST", "/api/v1/regions", 405, "该接口不支持 POST 请求（可用：GET）"),
        ("GET", "/api/v1/submissions", 405, "该接口不支持 GET 请求（可用：POST）"),
        ("DELETE", "/api/v1/projects/HY01/reports", 405, "可用：GET"),
    ],
)
def test_afz004_routing_refusals_are_chinese_json(
    api: dict[str, Any], method: str, path: str, status: int, message: str
) -> None:
    response = api["app"].test_client().open(path, method=method)
    assert response.status_code == status
    assert message in response.get_json()["error"]


def test_afz005_pages_outside_the_api_are_unchanged(api: dict[str, Any]) -> None:
    response = api["app"].test_client().get("/no-such-page")
    assert response.status_code == 200 and "html" in response.content_type


def test_afz006_a_truncated_workbook_is_refused_not_a_server_error(api: dict[str, Any]) -> None:
    """Found by fuzzing: calamine panics on a cut-off .xls (a Rust PanicException, which
    ``except Exception`` let through), so the upload answered 500."""
    cut = (FIXTURES / "nbs_cities.xls").read_bytes()[:4700]
    response = (
        api["app"]
        .test_client()
        .post(
            "/api/v1/submissions",
            data={"file": (io.BytesIO(cut), "cities.xls")},
            headers={"Authorization": f"Bearer {api['token']}"},
        )
    )
    assert response.status_code == 422
    (problem,) = response.get_json()["report"]["problems"]
    assert "无法打开工作簿" in problem["message"]
