"""公报读取 by crafted requests: a reviewer's upload of a real bulletin excerpt gets the proposals
with their sentences and the YAML entries; a viewer and an anonymous client get neither.
确认入库 stores the ticked proposals the page was given (by id, sealed), and refuses a row the
page did not show, a tampered or foreign view, a missing URL, a viewer and a statistician, and
corrections the grid cannot produce (bpg009)."""

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
from tests.helpers import ORIGIN
from tests.helpers import app_client as client

BULLETIN = PROJECT_ROOT / "tests" / "fixtures" / "bulletins" / "cq_2024_q3.txt"


@pytest.fixture(scope="module")
def factory(module_ready_url: str) -> Iterator[object]:
    engine = make_engine(module_ready_url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        create_user(session, "office", "联合办公室-密码-2026", "reviewer", "联合办公室")
        create_user(session, "leader", "领导-密码-2026", "viewer", "领导")
        create_user(session, "office2", "联合办公室-密码-2027", "reviewer", "联合办公室二")
        create_user(session, "stat", "统计员-密码-2026", "reporter", "统计员", ["500000"])
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
        "output": "..bulletin-summary.children...bulletin-proposals.rowData...bulletin-view.data..",
        "outputs": [
            {"id": "bulletin-summary", "property": "children"},
            {"id": "bulletin-proposals", "property": "rowData"},
            {"id": "bulletin-view", "property": "data"},
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


def confirm_request(
    client: object,
    view: object,
    ticked: list[dict],
    rows: list[dict] | None = None,
    url: str | None = "https://www.cq.gov.cn/zwgk/zfxxgkml/tjxx/",
    headers: dict | None = None,
) -> str:
    # the rows' output is shared with reading (allow_duplicate): Dash names it with a hash,
    # which the page reads from the callbacks' list as a browser does
    callbacks = client.get("/_dash-dependencies", headers=ORIGIN).get_json()
    output = next(c["output"] for c in callbacks if "bulletin-confirm-result" in c["output"])
    body = {
        "output": output,
        "outputs": [
            {"id": part.split(".")[0], "property": part.split(".", 1)[1]}
            for part in output.strip(".").split("...")
        ],
        "inputs": [{"id": "bulletin-confirm", "property": "n_clicks", "value": 1}],
        "state": [
            {"id": "bulletin-proposals", "property": "selectedRows", "value": ticked},
            {"id": "bulletin-proposals", "property": "rowData", "value": rows or ticked},
            {"id": "bulletin-view", "property": "data", "value": view},
            {"id": "bulletin-publisher", "property": "value", "value": "重庆市统计局"},
            {"id": "bulletin-url", "property": "value", "value": url},
            {"id": "bulletin-vintage", "property": "value", "value": "initial"},
            {"id": "bulletin-grade", "property": "value", "value": "A"},
            {"id": "url", "property": "search", "value": ""},
        ],
        "changedPropIds": ["bulletin-confirm.n_clicks"],
    }
    response = client.post(
        "/_dash-update-component", json=body, headers=ORIGIN if headers is None else headers
    )
    if response.status_code != 200:
        return f"{response.status_code} {response.get_data(as_text=True)}"
    return json.dumps(response.get_json()["response"], ensure_ascii=False)


def _published(factory: object, period: str) -> list[tuple[str, float]]:
    from sqlalchemy import select

    from db import models

    o = models.Observation
    with factory() as session:
        return sorted(
            session.execute(
                select(o.indicator_id, o.value).where(
                    o.layer == "published", o.period == period, o.is_current
                )
            ).all()
        )


def test_bpg006_confirm_stores_the_ticked_proposals_the_page_was_given(factory) -> None:
    office = client(factory, "office", "联合办公室-密码-2026")
    answer = read(office).get_json()["response"]
    rows, view = answer["bulletin-proposals"]["rowData"], answer["bulletin-view"]["data"]
    assert [r["key"] for r in rows] == [str(n) for n in range(len(rows))]
    gdp = next(r for r in rows if r["indicator"] == "gdp" and r["value"] == 23244.31)
    retail = next(r for r in rows if r["indicator"] == "retail_sales")
    assert _published(factory, "2024-01/09") == []
    said = confirm_request(office, view, [gdp, retail], rows)
    assert "已入库 2 条公开数据" in said and "bulletin-confirmed" in said
    shown = json.loads(said)["bulletin-proposals"]["rowData"]
    assert [r["pid"] for r in shown] == [r["pid"] for r in rows]
    assert {r["pid"]: r.get("result") for r in shown if r.get("result")} == {
        gdp["pid"]: "已入库",
        retail["pid"]: "已入库",
    }
    assert _published(factory, "2024-01/09") == [("gdp", 23244.31), ("retail_sales", 11700.0)]
    again = confirm_request(office, view, [gdp])
    assert "未入库任何数据" in again and "已有相同数值" in again and "已入库" not in again


def test_bpg007_a_row_the_page_did_not_show_or_a_tampered_view_is_refused(factory) -> None:
    office = client(factory, "office", "联合办公室-密码-2026")
    answer = read(office).get_json()["response"]
    rows, view = answer["bulletin-proposals"]["rowData"], answer["bulletin-view"]["data"]
    before = _published(factory, "2024-01/09")
    crafted = {**rows[0], "pid": len(rows) + 5, "key": str(len(rows) + 5)}
    said = confirm_request(office, view, [crafted])
    assert f"第 {len(rows) + 6} 条 不在您核对的页面上" in said and "未作任何更改" in said
    forged = {**view, "proposals": [{**view["proposals"][0], "value": 99999.0}]}
    assert "无法核验" in confirm_request(office, forged, [rows[0]])
    assert "页面未载入公报的候选数据" in confirm_request(office, None, [rows[0]])
    # another reviewer replaying this reviewer's page
    other = client(factory, "office2", "联合办公室-密码-2027")
    other.application.secret_key = office.application.secret_key
    assert "不是为当前账号读取的" in confirm_request(other, view, [rows[0]])
    assert _published(factory, "2024-01/09") == before


def test_bpg008_a_missing_url_or_a_viewer_is_refused(factory) -> None:
    office = client(factory, "office", "联合办公室-密码-2026")
    answer = read(office).get_json()["response"]
    rows, view = answer["bulletin-proposals"]["rowData"], answer["bulletin-view"]["data"]
    assert "请填写原文网址" in confirm_request(office, view, rows[:1], url="")
    assert "应以 http:// 或 https:// 开头" in confirm_request(
        office, view, rows[:1], url="javascript:x"
    )
    for who in (client(factory, "leader", "领导-密码-2026"), client(factory)):
        said = confirm_request(who, view, rows[:1])
        assert "仅限联合办公室" in said and "已入库" not in said
    # the reviewer's own session, sent from another site: the app's CSRF check refuses it
    before = _published(factory, "2024-01/09")
    forged = confirm_request(office, view, rows[:1], headers={"Origin": "https://evil.example"})
    assert forged.startswith("403") and "CSRF" in forged
    assert _published(factory, "2024-01/09") == before


def test_bpg009_crafted_corrections_and_a_statistician_store_nothing_and_say_why(factory) -> None:
    """The attack of 2026-12-07: a statistician of one region, and corrections the grid's
    text cells cannot produce — the number 1e308 and a negative GDP were stored — and script,
    and 10,000 ticked copies of one row. Each refusal names the row and the reason."""
    office = client(factory, "office", "联合办公室-密码-2026")
    answer = read(office).get_json()["response"]
    rows, view = answer["bulletin-proposals"]["rowData"], answer["bulletin-view"]["data"]
    gdp = next(r for r in rows if r["indicator"] == "gdp" and r["value"] == 23000.0)
    before = _published(factory, "2024-01/09")
    said = confirm_request(client(factory, "stat", "统计员-密码-2026"), view, [gdp])
    assert "仅限联合办公室" in said and "已入库" not in said
    for value, why in (
        (1e308, "“1e+308”不是数值"),
        (-5, "不能为负数"),
        ("<script>alert(1)</script>", "“<script>alert(1)</script>”不是数值"),
    ):
        row = gdp | {"value": value}
        said = json.loads(confirm_request(office, view, [row], [row]))
        text = said["bulletin-confirm-result"]["children"]["props"]["children"]
        assert text.startswith("未入库任何数据") and f"第 {gdp['pid'] + 1} 条" in text, text
        assert why in text, text
    assert _published(factory, "2024-01/09") == before
    said = json.loads(confirm_request(office, view, [gdp] * 10_000, rows))
    text = said["bulletin-confirm-result"]["children"]["props"]["children"]
    assert text.count(f"第 {gdp['pid'] + 1} 条") == 1, text  # one figure, taken once
    assert len(_published(factory, "2024-01/09")) == len(before) + (
        gdp["indicator"] not in dict(before)
    )


def test_bpg010_a_whole_bulletin_is_read_and_a_5mb_text_refused_in_chinese(factory) -> None:
    """The whole 2025 Chongqing bulletin (30 KB) gets its proposals; 5 MB of bulletin text (it
    kept the reader some 40 s) gets the 正文过长 message at once, under the upload limit."""
    office = client(factory, "office", "联合办公室-密码-2026")
    whole = BULLETIN.with_name("cq_2025_bulletin.txt").read_bytes()
    answer = read(office, "cq_2025_bulletin.txt", whole).get_json()["response"]
    got = {(r["indicator"], r["value"]) for r in answer["bulletin-proposals"]["rowData"]}
    assert {("gdp", 33757.93), ("population", 3187.26), ("retail_sales", 16688.5)} <= got
    big = whole * (5 * 1024 * 1024 // len(whole) + 1)
    answer = read(office, "big.txt", big).get_json()["response"]
    assert answer["bulletin-proposals"]["rowData"] == []
    assert "正文过长" in json.dumps(answer["bulletin-summary"], ensure_ascii=False)
