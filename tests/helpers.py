"""Shared test helpers: small worlds built in code, and Dash pages driven without a browser."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dash
import yaml
from flask.testing import FlaskClient

from config.settings import PROJECT_ROOT
from indicators.catalogue import Catalogue, load_catalogue
from indicators.regions import Member, Region, RegionDirectory, Source

if TYPE_CHECKING:  # the database and the app are imported by the helpers that use them
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from db import models
    from tests.conftest import Seeds


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


def callback_body(
    output: str, inputs: list[dict[str, Any]], state: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A callback request as the browser sends it when ``inputs`` changed."""
    outputs = [
        {"id": o.split(".")[0], "property": o.split(".")[1]} for o in output.strip(".").split("...")
    ]
    return {
        "output": output,
        "outputs": outputs if output.startswith("..") else outputs[0],
        "inputs": inputs,
        "state": state or [],
        "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs],
    }


def router_body(path: str, search: str = "") -> dict[str, Any]:
    """The page router's callback request for ``path`` and ``search``, as the browser
    sends it on a visit (the reply is the page's rendered layout)."""
    location = (("pathname", path), ("search", search))
    inputs = [{"id": "_pages_location", "property": p, "value": v} for p, v in location]
    body = callback_body(".._pages_content.children..._pages_store.data..", inputs)
    return {**body, "changedPropIds": ["_pages_location.pathname"]}


def callback(
    client: FlaskClient,
    output: str,
    inputs: list[dict[str, Any]],
    state: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    body = callback_body(output, inputs, state)
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


def data_dir(seeds: Seeds, folder: Path, seed: str = "full") -> Path:
    """``folder`` as a DATA_DIR whose database (``monitor.sqlite``) holds ``seed``: what
    ``manage.py init`` leaves ("full"; "published" with LOAD_SAMPLE_DATA=false), copied in
    milliseconds where a real init costs seconds of CPU, for the tests whose subject is
    not init (those that test init run it)."""
    with seeds.copy("sqlite", seed, folder, "monitor.sqlite"):
        pass  # a SQLite copy is a file that stays: nothing to undo
    return folder


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


# A catalogue folder written for a test (from tests.indicators.test_catalogue)

# the ports target counts from 2020: its sentence says so ("十四五"期间, base year 2020)
SEED = "前言\n\n规划范围总面积 18.5 万平方公里。\n到 2025 年，万达开地区生产总值达\n\n到 5000 亿元以上，“十四五”期间力争新增 1—2 个口岸。\n"
INDICATORS = """
indicators:
  - {id: gdp, name_zh: 地区生产总值, name_en: GDP, definition: d, definition_en: d, source_en: s, unit: 亿元, direction: higher,
     frequency: annual, pillar: overall, source: s, aggregation: sum, facility: false, headline: true}
  - {id: land_area, name_zh: 面积, name_en: Area, definition: d, definition_en: d, source_en: s, unit: 万平方公里, direction: none,
     frequency: annual, pillar: overall, source: s, aggregation: sum, facility: false}
  - {id: ports, name_zh: 口岸数量, name_en: Ports, definition: d, definition_en: d, source_en: s, unit: 个, direction: higher,
     frequency: annual, pillar: opening, source: s, aggregation: sum, facility: true}
"""
ENTRIES = {
    "gdp": dict(
        id="p-001",
        indicator="gdp",
        section="前言",
        line=4,
        quote="万达开地区生产总值达到5000亿元以上",
        scope="万达开",
        kind="level",
        year=2025,
        base_year=None,
        value=5000,
        value_high=None,
        unit="亿元",
        comparator="at_least",
        stretch=False,
    ),
    "area": dict(
        id="p-002",
        indicator="land_area",
        section="前言",
        line=3,
        quote="规划范围总面积18.5万平方公里",
        scope="万达开",
        kind="baseline",
        year=2020,
        base_year=None,
        value=18.5,
        value_high=None,
        unit="万平方公里",
        comparator="equal",
        stretch=False,
    ),
    "ports": dict(
        id="p-003",
        indicator="ports",
        section="前言",
        line=6,
        quote="力争新增1—2个口岸",
        scope="万达开",
        kind="count",
        year=2025,
        base_year=2020,
        value=1,
        value_high=2,
        unit="个",
        comparator="range",
        stretch=True,
    ),
}


def write_world(
    tmp: Path,
    *,
    seed: str = SEED,
    indicators: str = INDICATORS,
    title: str = "示例规划",
    entries: list[dict] | None = None,
    **changes: dict,
) -> Path:
    """A catalogue folder of one plan ``p`` over a short seed (lines 1–6): by
    default the five-line seed and entries above, ``changes`` editing them."""
    import yaml

    (tmp / "sources").mkdir(exist_ok=True)
    (tmp / "sources" / "seed.txt").write_text(seed, encoding="utf-8")
    folder = tmp / "catalogue"
    folder.mkdir(exist_ok=True)
    (folder / "indicators.yaml").write_text(textwrap.dedent(indicators), encoding="utf-8")
    if entries is None:
        entries = [{**entry, **changes.get(key, {})} for key, entry in ENTRIES.items()]
    plan = {
        "plan": {
            "id": "p",
            "title": title,
            "issuer": "某机关",
            "date": "2021",
            "seed": "seed.txt",
            "lines": [1, 6],
        },
        "entries": entries,
    }
    (folder / "p.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    return folder


# Class, rank and relative targets (from tests.indicators.test_catalogue_kinds)

KINDS_SEED = (
    "前言\n到 2025 年，长江干线朝天门至涪陵段提\n升到一级航道标准，产量迈入全国前三。\n"
    "社会物流总额在“十四五”期间翻一番。2020 年社会物流总额 100 亿元。\n"
    "到 2035 年，建成实力雄厚、特色鲜明的物流枢纽。\n"
)
KINDS_INDICATORS = """
indicators:
  - {id: grade, name_zh: 航道等级, name_en: Grade, definition: d, definition_en: d, source_en: s, unit: 级, scale: waterway_grade,
     direction: lower, frequency: annual, pillar: infrastructure, source: s,
     aggregation: not_combinable}
  - {id: rank, name_zh: 产量位次, name_en: Rank, definition: d, definition_en: d, source_en: s, unit: 位, direction: lower,
     frequency: annual, pillar: industry, source: s, aggregation: not_combinable}
  - {id: logistics, name_zh: 社会物流总额, name_en: Logistics, definition: d, definition_en: d, source_en: s, unit: 亿元,
     direction: higher, frequency: annual, pillar: infrastructure, source: s, aggregation: sum,
     facility: false}
"""
KINDS_BASE = dict(section="前言", scope="万达开", base_year=None, value_high=None, stretch=False)
KINDS_ENTRIES = {
    "grade": dict(
        KINDS_BASE,
        id="p-001",
        indicator="grade",
        line=2,
        quote="到2025年，长江干线朝天门至涪陵段提升到一级航道标准",
        kind="class",
        year=2025,
        value=1,
        unit="级",
        comparator="at_most",
    ),
    "rank": dict(
        KINDS_BASE,
        id="p-002",
        indicator="rank",
        line=3,
        quote="产量迈入全国前三",
        kind="rank",
        year=2025,
        value=3,
        unit="位",
        comparator="at_most",
    ),
    "double": dict(
        KINDS_BASE,
        id="p-003",
        indicator="logistics",
        line=4,
        quote="社会物流总额在“十四五”期间翻一番",
        kind="relative",
        year=2025,
        base_year=2020,
        value=2,
        unit="倍",
        comparator="reach",
    ),
    "base": dict(
        KINDS_BASE,
        id="p-004",
        indicator="logistics",
        line=4,
        quote="2020年社会物流总额100亿元",
        kind="baseline",
        year=2020,
        value=100,
        unit="亿元",
        comparator="equal",
    ),
    "vision": dict(
        KINDS_BASE,
        id="p-005",
        indicator="logistics",
        line=5,
        quote="到2035年，建成实力雄厚、特色鲜明的物流枢纽",
        kind="vision",
        year=2035,
        value=None,
        unit=None,
        comparator=None,
    ),
}


def kinds_world(tmp: Path, **changes: dict) -> Catalogue:
    """A catalogue of class, rank and relative targets over a five-line seed, ``changes``
    editing its entries."""
    (tmp / "sources").mkdir(exist_ok=True)
    (tmp / "sources" / "seed.txt").write_text(KINDS_SEED, encoding="utf-8")
    folder = tmp / "catalogue"
    folder.mkdir(exist_ok=True)
    (folder / "indicators.yaml").write_text(textwrap.dedent(KINDS_INDICATORS), encoding="utf-8")
    plan = {
        "plan": {"id": "p", "title": "t", "seed": "seed.txt", "lines": [1, 5]},
        "entries": [{**e, **changes.get(k, {})} for k, e in KINDS_ENTRIES.items()],
    }
    (folder / "p.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    return load_catalogue(folder, small_directory(), tmp / "sources")


# Reported figures in every state (from tests.db.test_completeness)

REPORTED_INDICATORS = {  # id: (name, frequency)
    "gdp": ("地区生产总值", "annual"),
    "retail": ("社会消费品零售总额", "quarterly"),
    "power": ("全社会用电量", "monthly"),
}
# units of the small world in the circle, and one outside it
UNITS = ["500000", "500101", "500154", "510000", "510100", "511000", "511002", "511100", "511102"]
OUTSIDE = "530100"


def world_directory() -> RegionDirectory:
    regions = dict(small_directory().regions)
    regions[OUTSIDE] = Region(OUTSIDE, "昆明市", "Kunming", "city", in_circle="outside")
    return RegionDirectory(regions)


def observe(
    session: Session,
    indicator: str,
    region: str,
    period: str,
    status: str = "accepted",
    layer: str = "reported",
    revision: int = 1,
    current: bool = True,
) -> models.Observation:
    from db import models

    row = models.Observation(
        indicator_id=indicator,
        region_code=region,
        period=period,
        layer=layer,
        revision=revision,
        value=1.0,
        unit="亿元",
        status=status,
        is_current=current,
    )
    session.add(row)
    session.flush()
    return row


def build_world(engine: Engine, factory: sessionmaker[Session]) -> dict[str, int]:
    """Regions, three indicators of the three frequencies, and reported figures
    in every state; returns observation ids by a short name."""
    from db import migrate, models
    from db.regions import sync_regions
    from db.session import transaction

    migrate.upgrade(engine)
    ids: dict[str, int] = {}
    with transaction(factory) as session:
        sync_regions(session, world_directory())
        for id_, (name, frequency) in REPORTED_INDICATORS.items():
            session.add(
                models.Indicator(
                    id=id_,
                    name_zh=name,
                    name_en=id_,
                    unit="亿元",
                    direction="higher",
                    frequency=frequency,
                    pillar="overall",
                    aggregation="sum",
                )
            )
        session.flush()
        submission = models.Submission(
            channel="upload", filename="cd.csv", content=b"x", sha256="0" * 64, size=1
        )
        session.add(submission)
        session.flush()
        ids["submission"] = submission.id
        ids["cd_gdp"] = observe(session, "gdp", "510100", "2025").id
        session.get(models.Observation, ids["cd_gdp"]).submission_id = submission.id
        ids["wz_gdp"] = observe(session, "gdp", "500101", "2025", "pending").id
        ids["nj_gdp"] = observe(session, "gdp", "511000", "2025", "rejected").id
        # an accepted figure replaced by a rejected revision: the current row decides
        observe(session, "gdp", "511100", "2025", "accepted", current=False)
        ids["ls_gdp"] = observe(session, "gdp", "511100", "2025", "rejected", revision=2).id
        observe(session, "gdp", "500000", "2025", layer="sample")  # not a report
        observe(session, "gdp", OUTSIDE, "2025")  # outside the circle: not expected
        observe(session, "retail", "510100", "2025Q1")
        observe(session, "retail", "510100", "2025Q2", "pending")
        observe(session, "power", "510100", "2025-01")
        observe(session, "power", "510100", "2026-03")
    return ids


# The project register's plans and columns (from tests.loaders.test_project_register)

REGISTER_PLANS = {"outline", "shipping_centre"}
REGISTER_HEADER = [
    "项目编号",
    "项目名称",
    "类别",
    "所属规划",
    "所在地",
    "责任单位",
    "开工年",
    "完工年",
    "总投资（亿元）",
    "项目状态",
    "2025年计划投资（亿元）",
    "2026年计划投资（亿元）",
    "建设内容",
    "备注",
]


# from tests.dashboard.test_completeness_page


def app_client(factory: object, username: str | None = None, password: str = "") -> object:
    """A test client of the app over ``factory``, signed in when ``username`` is given."""
    from config.settings import load_settings
    from dashboard.app import create_app

    client = create_app(load_settings({}), factory).server.test_client()
    if username:
        sign_in(client, username, password)
    return client


TEMPLATE_HEADER = "地区,指标,期间,数值,单位,备注\r\n"


def template_csv(*rows: str) -> bytes:
    """A reporting-template CSV file (with a BOM, as Excel saves it) of ``rows``."""
    return (TEMPLATE_HEADER + "".join(r + "\r\n" for r in rows)).encode("utf-8-sig")
