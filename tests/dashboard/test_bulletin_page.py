"""公报读取 by crafted requests: a reviewer's upload of a real bulletin excerpt gets the proposals
with their sentences and the YAML entries; a viewer and an anonymous client get neither."""

from __future__ import annotations

import base64
import json
import sys
from collections.abc import Iterator

import dash
import pytest
import yaml

from config.settings import PROJECT_ROOT, load_settings
from dashboard.app import create_app
from db.session import make_engine, make_session_factory, transaction
from db.users import create_user
from loaders.first_run import ensure_ready
from tests.dashboard.test_completeness_page import client
from tests.helpers import ORIGIN

BULLETIN = PROJECT_ROOT / "tests" / "fixtures" / "bulletins" / "cq_2024_q3.txt"


@pytest.fixture(scope="module")
def factory(module_db_url: str) -> Iterator[object]:
    engine = make_engine(module_db_url)
    factory = make_session_factory(engine)
    ensure_ready(engine, factory, sample=False, published=False)
    with transaction(factory) as session:
        create_user(session, "office", "联合办公室-密码-2026", "reviewer", "联合办公室")
        create_user(session, "leader", "领导-密码-2026", "viewer", "领导")
    yield factory
    engine.dispose()


def _contents(name: str = BULLETIN.name, raw: bytes | None = None) -> list[dict]:
    data = BULLETIN.read_bytes() if raw is None else raw
    encoded = "data:text/plain;base64," + base64.b64encode(data).decode()
    return [
        {"id": "bulletin-file", "property": "contents", "value": encoded},
        {"id": "bulletin-file", "property": "filename", "value": name},
    ]


def read(client: object, name: str = BULLETIN.name, raw: bytes | None = None) -> object:
    upload, filename = _contents(name, raw)
    body = {
        "output": "..bulletin-summary.children...bulletin-proposals.rowData..",
        "outputs": [
            {"id": "bulletin-summary", "property": "children"},
            {"id": "bulletin-proposals", "property": "rowData"},
        ],
        "inputs": [upload],
        "state": [
            filename,
            {"id": "bulletin-region", "property": "value", "value": None},
            {"id": "url", "property": "search", "value": ""},
        ],
        "changedPropIds": ["bulletin-file.contents"],
    }
    return client.post("/_dash-update-component", json=body, headers=ORIGIN)


def download(client: object, publisher: str = "中新网（重庆市统计局发布）") -> object:
    upload, filename = _contents()
    body = {
        "output": "..bulletin-download.data...bulletin-download-error.children..",
        "outputs": [
            {"id": "bulletin-download", "property": "data"},
            {"id": "bulletin-download-error", "property": "children"},
        ],
        "inputs": [{"id": "bulletin-download-button", "property": "n_clicks", "value": 1}],
        "state": [
            {**upload},
            filename,
            {"id": "bulletin-region", "property": "value", "value": None},
            {"id": "bulletin-publisher", "property": "value", "value": publisher},
            {
                "id": "bulletin-url",
                "property": "value",
                "value": "http://golangjump.com/?mW=4.html",
            },
            {"id": "bulletin-vintage", "property": "value", "value": "initial"},
            {"id": "bulletin-grade", "property": "value", "value": "B"},
            {"id": "url", "property": "search", "value": ""},
        ],
        "changedPropIds": ["bulletin-download-button.n_clicks"],
    }
    return client.post("/_dash-update-component", json=body, headers=ORIGIN)


def test_bpg001_a_reviewer_gets_the_proposals_with_their_sentences(factory) -> None:
    response = read(client(factory, "office", "联合办公室-密码-2026"))
    answer = response.get_json()["response"]
    rows = answer["bulletin-proposals"]["rowData"]
    got = {(r["indicator"], r["region"], r["period"], r["value"]) for r in rows}
    assert ("gdp", "500000", "2024-01/09", 23244.31) in got
    assert ("retail_sales", "500000", "2024-01/09", 11700.0) in got
    gdp = next(r for r in rows if r["value"] == 23244.31)
    assert gdp["indicator_name"] == "地区生产总值" and "23244.31亿元" in gdp["wording"]
    summary = json.dumps(answer["bulletin-summary"], ensure_ascii=False)
    assert "重庆市" in summary and f"{len(rows)} 条候选数据" in summary


def test_bpg002_viewers_and_anonymous_clients_are_refused(factory) -> None:
    for who in (client(factory, "leader", "领导-密码-2026"), client(factory)):
        answer = read(who).get_json()["response"]
        assert answer["bulletin-proposals"]["rowData"] == []
        assert "仅限联合办公室" in json.dumps(answer["bulletin-summary"], ensure_ascii=False)
        answer = download(who).get_json()["response"]
        assert answer["bulletin-download"]["data"] is None
        assert "仅限联合办公室" in json.dumps(answer, ensure_ascii=False)


def test_bpg003_the_download_is_published_layer_entries(factory) -> None:
    answer = download(client(factory, "office", "联合办公室-密码-2026")).get_json()["response"]
    data = answer["bulletin-download"]["data"]
    assert data["filename"] == "cq_2024_q3-公开数据候选.yaml"
    entries = yaml.safe_load(data["content"])
    gdp = next(e for e in entries if e["value"] == 23244.31)
    assert gdp | {"wording": ""} == {
        "indicator": "gdp",
        "region": "500000",
        "period": "2024-01/09",
        "value": 23244.31,
        "unit": "亿元",
        "comparator": "equal",
        "vintage": "initial",
        "grade": "B",
        "publisher": "中新网（重庆市统计局发布）",
        "url": "http://golangjump.com/?mW=4.html",
        "wording": "",
        "covers": None,
    }


def test_bpg004_refusals_in_chinese(factory) -> None:
    office = client(factory, "office", "联合办公室-密码-2026")
    answer = read(office, "公报.pdf", b"%PDF").get_json()["response"]
    assert "不支持的文件类型" in json.dumps(answer["bulletin-summary"], ensure_ascii=False)
    answer = read(office, "空.txt", "全市经济运行总体平稳。".encode()).get_json()["response"]
    assert "未找到可识别的指标数据" in json.dumps(answer["bulletin-summary"], ensure_ascii=False)
    answer = download(office, publisher="").get_json()["response"]
    assert "请注明发布者" in json.dumps(answer["bulletin-download-error"], ensure_ascii=False)


def test_bpg005_the_page_shows_the_upload_to_reviewers_only(factory, monkeypatch) -> None:
    from indicators.access import Account
    from tests.helpers import layout

    app = create_app(load_settings({}), factory)
    page = next(p for p in dash.page_registry.values() if p["path"] == "/bulletin")
    assert "bulletin-denied" in layout(app, "/bulletin") and "bulletin-file" not in layout(
        app, "/bulletin"
    )
    reviewer = Account(1, "office", "联合办公室", "reviewer")
    monkeypatch.setattr(sys.modules[page["module"]], "current_account", lambda: reviewer)
    page = layout(app, "/bulletin")
    assert (
        "bulletin-file" in page and "下载为公开数据条目" in page and "bulletin-denied" not in page
    )
