"""终期评估 page: layout, scope callback and Excel workbook on a seeded database."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from typing import Any

import dash
import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from config.clock import beijing_today
from config.settings import load_settings
from dashboard.app import create_app
from db.session import make_engine, make_session_factory
from tests.helpers import callback, layout
from workflows.final_evaluation import final_evaluation


def through_year() -> int:
    """As the page reckons it (its module registers a page, so it is not imported here)."""
    return beijing_today().year - 1


@pytest.fixture(scope="module")
def world(module_full_url: str) -> Iterator[tuple[dash.Dash, object]]:
    engine = make_engine(module_full_url)
    factory = make_session_factory(engine)
    with factory() as session:
        expected = final_evaluation(session, through_year())
    yield create_app(load_settings({}), factory), expected
    engine.dispose()


@pytest.fixture(scope="module")
def client(world: tuple[dash.Dash, object]) -> FlaskClient:
    return world[0].server.test_client()


def _download(client: FlaskClient) -> dict[str, Any]:
    """The whole circle's workbook as the page's download button gets it."""
    response = callback(
        client,
        "final-download.data",
        [{"id": "final-xlsx", "property": "n_clicks", "value": 1}],
        [
            {"id": "final-scope", "property": "value", "value": None},
            {"id": "url", "property": "search", "value": ""},
        ],
    )
    return response["final-download"]["data"]  # type: ignore[no-any-return]


def _rows(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(base64.b64decode(data["content"])))["终期评估"]
    return list(sheet.iter_rows(values_only=True))


def test_fpg001_page_counts_every_due_target_once_with_its_verdict(world) -> None:
    app, expected = world
    text = layout(app, "/final")
    counts = expected.verdict.value_counts()
    assert f"目标年份在 {through_year()} 年及以前" in text
    assert f"无公开数据 {counts['no_data']} 个" in text
    assert f"已完成 {counts.get('done', 0)} 个" in text
    assert "示例数据和未公开的报送数据不参与评估" in text
    assert "final-judged" in text and "final-no-data" in text
    english = layout(app, "/final", lang="en")
    assert "final evaluation of plan targets due by" in english and "已完成" not in english


def test_fpg002_a_scope_shows_only_its_targets_and_keeps_the_link(client: FlaskClient) -> None:
    response = callback(
        client,
        "..final-body.children...final-share.href..",
        [{"id": "final-scope", "property": "value", "value": "500000"}],
        [{"id": "url", "property": "search", "value": "?lang=en"}],
    )
    assert response["final-share"]["href"] == "/final?scope=500000&lang=en"
    text = json.dumps(response["final-body"]["children"], ensure_ascii=False)
    assert "Chongqing" in text and "Chengdu–Chongqing Economic Circle:" not in text


def test_fpg003_workbook_holds_each_verdict_with_figure_source_and_sentence(
    client: FlaskClient, world
) -> None:
    _, expected = world
    data = _download(client)
    assert data["filename"] == f"终期评估-ccec-{through_year()}.xlsx"
    rows = _rows(data)
    header = rows[0]
    assert len(rows) - 1 == len(expected)
    verdicts = [r[header.index("结论")] for r in rows[1:]]
    assert verdicts.count("无公开数据") == (expected.verdict == "no_data").sum()
    judged = [r for r in rows[1:] if r[header.index("结论")] != "无公开数据"]
    assert judged and all(r[header.index("发布者")] and r[header.index("规划原文")] for r in judged)
    assert all(str(r[header.index("网址")] or "").startswith("http") for r in judged)


def test_fpg011_a_published_bound_reads_as_one_on_the_page_and_in_the_workbook(
    client: FlaskClient, world
) -> None:
    """A figure published as a bound (中欧班列 "超5000列", a Jan–Oct total standing for
    the year) decides a verdict only as a bound; the page showed it as the year's figure
    itself ("5,000列（2025）"). It reads "≥5,000列（2025，下限）" now, and the workbook says
    下限 beside it."""
    app, expected = world
    bounded = expected[expected.figure_bound == "lower"]
    assert not bounded.empty  # the shipped published layer holds lower bounds
    text = layout(app, "/final")
    assert text.count("，下限）") == len(bounded)
    assert text.count("≥") >= len(bounded)
    plain = expected[expected.figure_bound == ""]
    assert not plain.empty and "，上限）" not in text
    english = layout(app, "/final", lang="en")
    assert english.count(", lower bound)") == len(bounded)
    rows = _rows(_download(client))
    bounds = [r[rows[0].index("界限")] for r in rows[1:]]
    assert bounds.count("下限") == len(bounded)


def test_fpg010_a_reporters_upload_does_not_evaluate_again_a_published_figure_does(
    full_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The evaluation reads published figures and the catalogue alone: kept by each worker
    until one of those changes, not evaluated again (1.4 s) after every reporter's upload,
    which moves the snapshots."""
    import dashboard.data
    from db.progress import snapshots_version
    from workflows.intake import receive
    from workflows.progress import recompute_progress
    from workflows.published import store_entry

    engine = make_engine(full_url)
    factory = make_session_factory(engine)
    evaluations: list[int] = []
    evaluate = dashboard.data.evaluate_final
    monkeypatch.setattr(dashboard.data, "_finals", {})
    monkeypatch.setattr(
        dashboard.data,
        "evaluate_final",
        lambda session, year: evaluations.append(year) or evaluate(session, year),
    )
    app = create_app(load_settings({}), factory)
    layout(app, "/final")
    assert len(evaluations) == 1
    upload = "地区,指标,期间,数值,单位,备注\r\n成都市,新落户品牌首店数,2024年,650,家,\r\n"
    with factory() as session:
        before = snapshots_version(session)
    assert receive(factory, "stores.csv", upload.encode("utf-8-sig"), recompute=False).ok
    recompute_progress(factory)  # what the upload's background recompute does
    with factory() as session:
        assert snapshots_version(session) != before  # the snapshots moved
    layout(app, "/final")
    assert len(evaluations) == 1
    with factory.begin() as session:
        store_entry(
            session,
            {
                "indicator": "gdp",
                "region": "510100",
                "period": 2025,
                "value": 24100.0,
                "unit": "亿元",
                "comparator": "equal",
                "vintage": "initial",
                "grade": "A",
                "publisher": "成都市统计局",
                "url": "https://example.org/bulletin",
                "wording": "地区生产总值24100亿元",
            },
        )
    layout(app, "/final")
    assert len(evaluations) == 2
    engine.dispose()
