"""Shared test helpers: small worlds built in code, and Dash pages driven without a browser."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import dash
from flask.testing import FlaskClient

from config.settings import PROJECT_ROOT
from indicators.regions import Member, Region, RegionDirectory, Source


def small_directory() -> RegionDirectory:
    """Two provinces, a few units, one partial member, one grouping, and two
    districts that share a short name (市中区) so ambiguity can be tested."""
    source = Source("outline", 1, "规划范围包括")
    regions = [
        Region("500000", "重庆市", "Chongqing", "province", aliases=("重庆",)),
        Region("510000", "四川省", "Sichuan", "province", aliases=("四川",)),
        Region("500101", "万州区", "Wanzhou", "district", "500000", aliases=("万州",)),
        Region(
            "500154",
            "开州区",
            "Kaizhou",
            "district",
            "500000",
            "partial",
            aliases=("开州",),
            partial_note="部分区域",
        ),
        Region("510100", "成都市", "Chengdu", "city", "510000", aliases=("成都",)),
        Region("511000", "内江市", "Neijiang", "city", "510000", aliases=("内江",)),
        Region("511100", "乐山市", "Leshan", "city", "510000", aliases=("乐山",)),
        Region(
            "511002", "市中区", "Shizhong (Neijiang)", "district", "511000", aliases=("内江市中区",)
        ),
        Region(
            "511102", "市中区", "Shizhong (Leshan)", "district", "511100", aliases=("乐山市中区",)
        ),
        Region(
            "wandakai",
            "万达开地区",
            "Wan-Da-Kai area",
            "cooperation_zone",
            aliases=("万达开",),
            members=(Member("500101"), Member("500154", True)),
            source=source,
        ),
        Region(
            "ccec",
            "成渝地区双城经济圈",
            "Chengdu–Chongqing Economic Circle",
            "circle",
            aliases=("双城经济圈",),
            members=(Member("wandakai"), Member("510100")),
            source=source,
        ),
    ]
    return RegionDirectory({r.code: r for r in regions})


# Dash pages without a browser: a page's layout as JSON text, a callback over HTTP.


def layout(app: dash.Dash, path: str, **query: str) -> str:
    page = next((p for p in dash.page_registry.values() if p["path"] == path), None)
    assert page is not None, f"no page registered at {path}"
    with app.server.test_request_context():
        return json.dumps(page["layout"](**query), cls=_Encoder, ensure_ascii=False)


class _Encoder(json.JSONEncoder):
    def default(self, o: Any) -> Any:
        return o.to_plotly_json() if hasattr(o, "to_plotly_json") else str(o)


def callback(
    client: FlaskClient,
    output: str,
    inputs: list[dict[str, Any]],
    state: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    outputs = [
        {"id": o.split(".")[0], "property": o.split(".")[1]} for o in output.strip(".").split("...")
    ]
    body = {
        "output": output,
        "outputs": outputs if output.startswith("..") else outputs[0],
        "inputs": inputs,
        "state": state or [],
        "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs],
    }
    response = client.post(
        "/_dash-update-component", json=body, headers={"Origin": "http://localhost"}
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()["response"]


def indicator_tab(
    client: FlaskClient, indicator: str, region: str | None, tab: str = "chart", search: str = ""
) -> tuple[Any, str]:
    """One tab of the 指标 page (chart, table, map, definition) and the link to the
    view, as the browser gets them."""
    response = callback(
        client,
        "..ind-body.children...ind-share.href..",
        [
            {"id": "ind-indicator", "property": "value", "value": indicator},
            {"id": "ind-region", "property": "value", "value": region},
            {"id": "ind-tabs", "property": "active_tab", "value": tab},
        ],
        [{"id": "url", "property": "search", "value": search}],
    )
    return response["ind-body"]["children"], response["ind-share"]["href"]


# from tests.dashboard.test_auth
ORIGIN = {"Origin": "http://localhost"}


# from tests.dashboard.test_auth
HEADER = {
    "output": "app-header.children",
    "outputs": {"id": "app-header", "property": "children"},
    "inputs": [
        {"id": "url", "property": "pathname", "value": "/"},
        {"id": "url", "property": "search", "value": ""},
    ],
    "state": [],
    "changedPropIds": ["url.pathname"],
}


# from tests.dashboard.test_auth
def sign_in(
    client: FlaskClient,
    username: str,
    password: str,
    next_: str = "/",
    address: str = "127.0.0.1",
    headers: dict[str, str] | None = None,
) -> object:
    """Post the sign-in form as a browser at ``address`` would."""
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    return client.post(
        "/auth/login",
        data={"csrf": csrf, "username": username, "password": password, "next": next_},
        headers={**ORIGIN, **(headers or {})},
        environ_base={"REMOTE_ADDR": address},
    )


# from tests.dashboard.test_auth
def find_prop(tree: object, key: str, value: str) -> dict:
    """The props of the first component in a callback response with ``key == value``."""
    if isinstance(tree, dict):
        props = tree.get("props")
        if isinstance(props, dict) and props.get(key) == value:
            return props
        children = tree.values()
    elif isinstance(tree, list):
        children = tree
    else:
        return {}
    for child in children:
        found = find_prop(child, key, value)
        if found:
            return found
    return {}


# from tests.dashboard.test_auth
def nothing(response: object) -> bool:
    """A callback that refused: no update at all (Dash answers 204 or an empty response)."""
    return response.status_code == 204 or response.get_json()["response"] == {}


# from tests.dashboard.test_workflow
REVIEW_BUTTONS = (
    "review-approve-selected",
    "review-reject-selected",
    "review-approve-all",
    "review-reject-all",
    "review-confirm-yes",
    "review-confirm-no",
)


def review_body(
    submission_id: int,
    view: dict | None,
    button: str = "review-approve-all",
    rows: list[dict] | None = None,
    comment: str = "与统计公报一致",
) -> dict:
    """What 数据审核 sends when ``button`` is pressed with the file chosen, the
    ``rows`` ticked and the page holding ``view`` (show_rows gives it)."""
    outputs = [
        ("review-result", "children"),
        ("review-queue", "rowData"),
        ("review-confirm", "is_open"),
        ("review-confirm-text", "children"),
        ("review-confirm-yes", "children"),
        ("review-asked", "data"),
    ]
    return {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..",
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [
            {"id": b, "property": "n_clicks", "value": 1 if b == button else None}
            for b in REVIEW_BUTTONS
        ],
        "state": [
            {
                "id": "review-queue",
                "property": "selectedRows",
                "value": [{"submission_id": submission_id}],
            },
            {"id": "review-rows", "property": "selectedRows", "value": rows or []},
            {"id": "review-comment", "property": "value", "value": comment},
            {"id": "url", "property": "search", "value": ""},
            {"id": "review-view", "property": "data", "value": view},
            {"id": "review-asked", "property": "data", "value": None},
        ],
        "changedPropIds": [f"{button}.n_clicks"],
    }


def approve_all_body(submission_id: int, view: dict | None) -> dict:
    """What 数据审核 sends when 全部通过 is pressed with the file chosen."""
    return review_body(submission_id, view)


# from tests.dashboard.test_workflow
def show_rows_body(selected: object) -> dict:
    """What 数据审核 sends when a file is chosen in the queue."""
    return {
        "output": "..review-rows.rowData...review-view.data..",
        "outputs": [
            {"id": "review-rows", "property": "rowData"},
            {"id": "review-view", "property": "data"},
        ],
        "inputs": [
            {"id": "review-queue", "property": "selectedRows", "value": selected},
            {"id": "review-result", "property": "children", "value": None},
        ],
        "state": [{"id": "url", "property": "search", "value": ""}],
        "changedPropIds": ["review-queue.selectedRows"],
    }


# from tests.dashboard.test_uploads
def check_body(
    filename: str, contents: str, indicator: str | None = None, region: str | None = None
) -> dict[str, Any]:
    """What 数据校验 sends when a file is dropped on it (with the indicator and region
    chosen for a file that names none)."""
    return {
        "output": "..upload-summary.children...upload-problems.rowData...upload-report.data"
        "...upload-download-button.disabled..",
        "outputs": [
            {"id": "upload-summary", "property": "children"},
            {"id": "upload-problems", "property": "rowData"},
            {"id": "upload-report", "property": "data"},
            {"id": "upload-download-button", "property": "disabled"},
        ],
        "inputs": [
            {"id": "upload-file", "property": "contents", "value": contents},
            {"id": "upload-default-indicator", "property": "value", "value": indicator},
            {"id": "upload-default-region", "property": "value", "value": region},
        ],
        "state": [
            {"id": "upload-file", "property": "filename", "value": filename},
            {"id": "url", "property": "search", "value": ""},
        ],
        "changedPropIds": ["upload-file.contents"],
    }


# from tests.dashboard.test_uploads
def data_url(content: bytes, mime: str = "text/csv") -> str:
    return f"data:{mime};base64," + base64.b64encode(content).decode()


# from tests.dashboard.test_security
HEADER_CALLBACK = {
    "output": "app-header.children",
    "outputs": {"id": "app-header", "property": "children"},
    "inputs": [
        {"id": "url", "property": "pathname", "value": "/"},
        {"id": "url", "property": "search", "value": ""},
    ],
    "state": [],
    "changedPropIds": ["url.pathname"],
}


# from tests.test_manage
def manage(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATA_DIR": str(tmp_path), "DATABASE_URL": ""}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
    )
