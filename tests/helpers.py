"""Shared test helpers: small worlds built in code, and Dash pages driven without a browser."""

from __future__ import annotations

import json
from typing import Any

import dash
from flask.testing import FlaskClient

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
    page = next(p for p in dash.page_registry.values() if p["path"] == path)
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
