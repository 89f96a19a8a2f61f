"""Issue 17 rows 10 and 12 by crafted requests against the app: the security
headers on every kind of response, and malformed ids, deep JSON, NUL bytes and
wrongly shaped callback values answered 400 with a Chinese message, never 500."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from config.settings import load_settings
from dashboard.app import create_app
from dashboard.security import (
    MAX_ID,
    MAX_JSON_DEPTH,
    InvalidInput,
    bounded_id,
    callback_problem,
    json_depth_exceeds,
)
from db import models
from db.session import make_engine, make_session_factory, transaction
from db.users import create_user
from tests.helpers import HEADER_CALLBACK, ORIGIN, show_rows_body, sign_in

CJK = re.compile(r"[\u4e00-\u9fff]")
REVIEWER = ("sec_office", "安全-审核员-口令-2026")
ADMIN = ("sec_admin", "安全-管理员-口令-2026")


@pytest.fixture(scope="module")
def factory(module_ready_url: str) -> Iterator[object]:
    engine = make_engine(module_ready_url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        create_user(session, REVIEWER[0], REVIEWER[1], "reviewer", "联合办公室")
        create_user(session, ADMIN[0], ADMIN[1], "admin", "管理员")
    yield factory
    engine.dispose()


def client_for(factory: object, who: tuple[str, str] | None = None, **env: str) -> FlaskClient:
    client = create_app(load_settings(env), factory).server.test_client()
    if who:
        assert sign_in(client, *who).status_code == 302
    return client


def callback(client: FlaskClient, body: dict) -> object:
    return client.post("/_dash-update-component", json=body, headers=ORIGIN)


def assert_chinese_400(response: object) -> str:
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    body = response.get_json(silent=True)
    message = body["error"] if body else response.get_data(as_text=True)
    assert CJK.search(message), message
    return message


# ------------------------------------------------------------- headers ---


def _policy(response: object) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def _common_headers(response: object) -> None:
    policy = _policy(response)
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'" and policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'" and policy["connect-src"] == "'self'"
    assert policy["img-src"] == "'self' data: blob:"
    assert policy["style-src"] == "'self' 'unsafe-inline'"
    script = policy["script-src"].split()
    assert script[0] == "'self'" and all(s.startswith("'sha256-") for s in script[1:])
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # SECURE_COOKIES is off


def test_sec001_every_kind_of_response_carries_the_headers_and_no_store(factory) -> None:
    anonymous, signed_in = client_for(factory), client_for(factory, ADMIN)
    index = anonymous.get("/").get_data(as_text=True)
    bundle = re.search(r'src="(/_dash-component-suites/[^"]+)"', index).group(1)
    dynamic = {
        "page": anonymous.get("/"),
        "deep link": anonymous.get("/indicator?id=gdp&region=510100"),
        "sign-in form": anonymous.get("/login"),
        "signed-in page": signed_in.get("/admin"),
        "Dash layout": signed_in.get("/_dash-layout"),
        "Dash dependencies": anonymous.get("/_dash-dependencies"),
        "Dash callback": callback(signed_in, HEADER_CALLBACK),
        "API 404": anonymous.get("/api/v1/nothing-here"),
        "API 400": anonymous.get("/api/v1/targets?year=二〇二五"),
        "refused callback": callback(anonymous, {"output": 1}),
        "health": anonymous.get("/health"),
        "sign-out redirect": signed_in.post("/auth/logout", headers=ORIGIN),
    }
    for kind, response in dynamic.items():
        assert response.status_code < 500, kind
        _common_headers(response)
        assert response.headers.get("Cache-Control") == "no-store", kind
    # a read API answer is the same for every reader: revalidated by its ETag (the data
    # version), never kept by a shared cache (it may sit behind the sign-in)
    read = anonymous.get("/api/v1/regions")
    _common_headers(read)
    assert read.headers["Cache-Control"] == "private, no-cache" and read.headers["ETag"]
    static = {
        "Dash bundle": anonymous.get(bundle),
        "asset": anonymous.get("/assets/style.css"),
        "map boundaries": anonymous.get("/geo/circle.geojson"),
        "OpenAPI": anonymous.get("/api/v1/openapi.json"),
    }
    for kind, response in static.items():
        assert response.status_code == 200, kind
        _common_headers(response)
        assert "no-store" not in response.headers.get("Cache-Control", ""), kind
    assert "max-age" in static["Dash bundle"].headers["Cache-Control"]  # kept
    assert "public" in static["map boundaries"].headers["Cache-Control"]
    for response in [*dynamic.values(), *static.values()]:
        response.close()  # files sent as they are read


def test_sec002_the_policy_allows_exactly_the_pages_inline_scripts(factory) -> None:
    app = create_app(load_settings({}), factory)
    response = app.server.test_client().get("/")
    allowed = set(_policy(response)["script-src"].split()[1:])
    assert allowed == set(app.csp_hashes())  # Dash's own count of its inline scripts
    assert len(allowed) >= 2  # the renderer's start, the clientside callbacks
    login = app.server.test_client().get("/login")  # no inline script: 'self' only
    assert _policy(login)["script-src"] == "'self'"


def test_sec003_hsts_only_where_cookies_are_secure(factory) -> None:
    response = client_for(factory, SECURE_COOKIES="true").get("/login")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


# ---------------------------------------------------------------- ids ---


@pytest.mark.parametrize(
    "selected",
    [
        [{"submission_id": "1 OR 1=1"}],
        [{"submission_id": 2**70}],
        [{"submission_id": MAX_ID + 1}],  # beyond PostgreSQL's INTEGER
        [{"submission_id": -1}],
        [{"submission_id": 1.5}],
        [{"other": 1}],
        ["1 OR 1=1"],
        {"submission_id": 1},
    ],
)
def test_sec004_crafted_callback_ids_are_400_in_chinese(factory, selected: object) -> None:
    reviewer = client_for(factory, REVIEWER)
    assert_chinese_400(callback(reviewer, show_rows_body(selected)))


def test_sec005_a_valid_id_still_answers(factory) -> None:
    reviewer = client_for(factory, REVIEWER)
    response = callback(reviewer, show_rows_body([{"submission_id": 12345}]))
    assert response.status_code == 200
    assert response.get_json()["response"]["review-rows"]["rowData"] == []


def test_sec006_bounded_id_accepts_ids_and_names_what_it_refuses() -> None:
    assert bounded_id(7) == bounded_id("7") == bounded_id(7.0) == 7
    assert bounded_id(MAX_ID) == MAX_ID
    for bad in ("1 OR 1=1", 2**70, 0, -3, True, None, [1], "²", "１", " 7"):
        with pytest.raises(InvalidInput, match="无效的提交编号"):
            bounded_id(bad, "提交编号")


def token_body(
    button: str, user: str | None, name: str | None, trusted: bool, revoke: object
) -> dict:
    """What 用户管理 sends from its token form."""
    return {
        "output": "..admin-token-result.children...admin-tokens.rowData..",
        "outputs": [
            {"id": "admin-token-result", "property": "children"},
            {"id": "admin-tokens", "property": "rowData"},
        ],
        "inputs": [
            {"id": f"admin-token-{b}", "property": "n_clicks", "value": 1 if b == button else None}
            for b in ("create", "revoke")
        ],
        "state": [
            {"id": "admin-token-user", "property": "value", "value": user},
            {"id": "admin-token-name", "property": "value", "value": name},
            {"id": "admin-token-days", "property": "value", "value": None},
            {"id": "admin-token-trusted", "property": "value", "value": trusted},
            {"id": "admin-token-revoke-id", "property": "value", "value": revoke},
            {"id": "url", "property": "search", "value": ""},
        ],
        "changedPropIds": [f"admin-token-{button}.n_clicks"],
    }


def test_sec007_an_administrator_typing_a_bad_token_id_is_told_in_the_form(factory) -> None:
    admin = client_for(factory, ADMIN)
    response = callback(admin, token_body("revoke", None, None, False, 2**40))
    assert response.status_code == 200
    assert "无效的令牌编号" in json.dumps(response.get_json(), ensure_ascii=False)


def test_sec016_a_trusted_system_token_is_marked_shown_and_audited(factory) -> None:
    """直报: an administrator marks a token trusted on 用户管理; the list says so and
    the audit log records it."""
    admin = client_for(factory, ADMIN)
    response = callback(admin, token_body("create", ADMIN[0], "直报系统", True, None))
    answer = response.get_json()["response"]
    assert "令牌只显示这一次" in json.dumps(answer, ensure_ascii=False)
    (row,) = [r for r in answer["admin-tokens"]["rowData"] if r["name"] == "直报系统"]
    assert row["trusted"] == "直报"
    with factory() as session:
        event = session.scalars(
            select(models.AuditEvent).where(
                models.AuditEvent.action == "token_create",
                models.AuditEvent.object_id == "直报系统",
            )
        ).one()
    assert event.after["trusted"] is True and event.actor == ADMIN[0]


@pytest.mark.parametrize(
    "query",
    [
        "/api/v1/targets?year=²",
        "/api/v1/targets?year=99999999999999999999",
        "/api/v1/progress?as_of=99999999999999999999",
        "/api/v1/progress?as_of=1 OR 1=1",
    ],
)
def test_sec008_api_years_that_are_no_years_are_400(factory, query: str) -> None:
    assert_chinese_400(client_for(factory).get(query))


# ------------------------------------------------ deep JSON, NUL, shape ---


def test_sec009_json_nested_100k_deep_is_400_before_anything_parses_it(factory) -> None:
    client = client_for(factory)
    for body in ("[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000):
        response = client.post(
            "/_dash-update-component",
            data=body,
            content_type="application/json",
            headers=ORIGIN,
        )
        assert "嵌套过深" in assert_chinese_400(response)
    unclosed = client.post(
        "/_dash-update-component",
        data="[" * 100_000,
        content_type="application/json",
        headers=ORIGIN,
    )
    assert "嵌套过深" in assert_chinese_400(unclosed)


def test_sec010_the_depth_scan_counts_only_real_nesting() -> None:
    limit = MAX_JSON_DEPTH
    assert not json_depth_exceeds(b"[" * limit + b"]" * limit)
    assert json_depth_exceeds(b"[" * (limit + 1) + b"]" * (limit + 1))
    assert json_depth_exceeds(b"[" * (limit + 1))  # never closed
    assert json_depth_exceeds(b"[{" * (limit // 2 + 1) + b"}]" * (limit // 2 + 1))
    # brackets inside strings are text, escaped quotes included
    assert not json_depth_exceeds(json.dumps({"a": "[" * 10_000, "b": '"[[[' * 500}).encode())
    # wide is not deep: many siblings, each shallow
    assert not json_depth_exceeds(json.dumps([[{"x": [1]}] for _ in range(50_000)]).encode())
    # deep nesting interleaved with siblings, no long run of "["
    nested: object = 1
    for _ in range(limit + 1):
        nested = [0, nested, {"k": [2]}]
    assert json_depth_exceeds(json.dumps(nested).encode())


def test_sec011_a_recursion_error_anywhere_is_400_not_500(factory) -> None:
    app = create_app(load_settings({}), factory)

    def recurse(n: int = 0) -> int:
        return recurse(n + 1)

    app.server.add_url_rule("/api/v1/test-recursion", "api_v1_test_recursion", recurse)
    response = app.server.test_client().get("/api/v1/test-recursion")
    assert "嵌套过深" in assert_chinese_400(response)


def test_sec012_nul_bytes_in_path_query_form_and_callback_values_are_400(factory) -> None:
    client = client_for(factory)
    assert_chinese_400(client.get("/api/v1/regions?name=成都%00"))
    assert_chinese_400(client.get("/api/v1/projects/a%00b/reports"))
    assert_chinese_400(client.post("/auth/login", data={"username": "a\x00"}, headers=ORIGIN))
    admin = client_for(factory, ADMIN)
    body = {
        "output": "..audit-grid.rowData...audit-count.children...audit-share.href..",
        "outputs": [
            {"id": "audit-grid", "property": "rowData"},
            {"id": "audit-count", "property": "children"},
            {"id": "audit-share", "property": "href"},
        ],
        "inputs": [
            {"id": "audit-action", "property": "value", "value": None},
            {"id": "audit-actor", "property": "value", "value": "a\x00b"},
            {"id": "audit-dates", "property": "start_date", "value": None},
            {"id": "audit-dates", "property": "end_date", "value": None},
        ],
        "state": [{"id": "url", "property": "search", "value": ""}],
        "changedPropIds": ["audit-actor.value"],
    }
    assert_chinese_400(callback(admin, body))
    body["inputs"][1]["value"] = None
    body["inputs"][2]["value"] = "9999-12-31"  # its next day does not exist
    assert_chinese_400(callback(admin, body))
    body["inputs"][2]["value"] = "2026-01-01"
    assert callback(admin, body).status_code == 200


def test_sec013_route_ids_beyond_the_database_are_400(factory) -> None:
    app = create_app(load_settings({}), factory)
    app.server.add_url_rule("/api/v1/test-ids/<int:n>", "api_v1_test_ids", lambda n: {"n": n})
    client = app.server.test_client()
    assert client.get(f"/api/v1/test-ids/{MAX_ID}").get_json() == {"n": MAX_ID}
    assert_chinese_400(client.get(f"/api/v1/test-ids/{2**70}"))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"inputs": "x"}, "inputs"),
        ({"output": 1}, "output"),
        ({"output": "no-such-thing.children"}, "未知的回调"),
        ({"inputs": [{"id": "url", "property": "pathname", "value": "1 OR 1=1"}]}, "路径"),
        ({"inputs": [{"id": "url", "property": "search", "value": {"a": 1}}]}, "search"),
        ({"inputs": [{"id": "url", "property": "search", "value": "?x=%00"}]}, "search"),
        ({"changedPropIds": [1]}, "changedPropIds"),
        ({"state": [{"id": "x", "property": "n_clicks", "value": -1}]}, "n_clicks"),
        ({"state": [{"id": "x", "property": "data", "value": 2**70}]}, "超出范围"),
        # shaped unlike the callback it names: Dash answered these with a 500
        ({"inputs": HEADER_CALLBACK["inputs"][:1]}, "inputs 与回调定义不符"),
        ({"state": [{"id": "x", "property": "value", "value": 1}]}, "state 与回调定义不符"),
        ({"outputs": {"id": "not-the-header", "property": "children"}}, "与回调定义不符"),
    ],
)
def test_sec014_malformed_callback_requests_are_400(
    factory, change: dict[str, object], expected: str
) -> None:
    body = {**HEADER_CALLBACK, **change}
    assert expected in assert_chinese_400(callback(client_for(factory), body))


def test_sec015_the_pages_own_callback_requests_pass_the_shape_check() -> None:
    assert callback_problem(HEADER_CALLBACK) is None
    assert callback_problem(show_rows_body([{"submission_id": 3, "region": "成都市"}])) is None
    pattern = {**HEADER_CALLBACK, "inputs": [[{"id": {"i": 1}, "property": "value", "value": 2}]]}
    assert callback_problem(pattern) is None


def test_sec016_a_component_suite_path_that_is_no_file_is_404_not_500(factory) -> None:
    """Dash raises DependencyException for a /_dash-component-suites/ path that names
    no registered file or package: a crafted address answered 500 and logged a
    traceback. A real bundle still answers 200."""
    client = client_for(factory)
    for path in (
        "/_dash-component-suites/dash/nope.js",
        "/_dash-component-suites/dash/dcc/async-nope.v4_4_1m1.js",
        "/_dash-component-suites/no_such_package/x.js",
    ):
        response = client.get(path)
        assert response.status_code == 404, (path, response.status_code)
        assert response.get_json() == {"error": "文件不存在"}
    assert client.get("/_dash-component-suites/dash/dcc/async-graph.js").status_code == 200
