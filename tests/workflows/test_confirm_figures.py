"""The joint office confirms bulletin proposals into the published layer (workflows/confirm_figures.py),
on a real bulletin excerpt (tests/fixtures/bulletins/cq_2024_annual.txt, 重庆市统计局's reading of
2024 via 人民网重庆频道): stored as figures.yaml entries are, with an audit event each, the data
version raised and the recompute marked; the vintage rule; refusals in Chinese."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from config.settings import PROJECT_ROOT
from db import models
from db.data_version import current_version
from db.progress import pending_changes
from db.session import make_engine, make_session_factory, transaction
from db.users import account_of, create_user
from indicators.access import AccessDenied, Account
from indicators.bulletin_view import face_of
from workflows.bulletin import propose_from, published_entries, read_text
from workflows.confirm_figures import (
    ConfirmError,
    Figure,
    confirm,
    confirm_file,
    figures_in,
    proposal_figures,
)
from workflows.first_run import ensure_ready
from workflows.published import source_note

BULLETINS = PROJECT_ROOT / "tests" / "fixtures" / "bulletins"
SOURCE = yaml.safe_load((BULLETINS / "cq_2024_annual.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def world(module_db_url: str) -> Iterator[tuple[sessionmaker[Session], dict[str, Account]]]:
    engine = make_engine(module_db_url)
    factory = make_session_factory(engine)
    ensure_ready(engine, factory, sample=False, published=False)
    with transaction(factory) as session:
        users = [
            create_user(session, "office", "office-password-2026", "reviewer", "联合办公室"),
            create_user(session, "leader", "leader-password-2026", "viewer", "领导"),
        ]
        accounts = {u.username: account_of(u) for u in users}
    yield factory, accounts
    engine.dispose()


def _proposals() -> list:
    _, proposals = propose_from(read_text(BULLETINS / "cq_2024_annual.txt"))
    return proposals


def _entries(vintage: str = "initial") -> list[dict]:
    return published_entries(_proposals(), SOURCE["publisher"], SOURCE["url"], vintage, "A")


def _published(factory: sessionmaker[Session], indicator: str, period: str) -> list:
    o = models.Observation
    with factory() as session:
        return list(
            session.scalars(
                select(o)
                .where(
                    o.layer == "published",
                    o.indicator_id == indicator,
                    o.region_code == "500000",
                    o.period == period,
                )
                .order_by(o.revision)
            )
        )


def _count(factory: sessionmaker[Session], model: type[models.Base]) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_cf001_confirmed_figures_are_stored_like_yaml_entries_with_audit_and_recompute(
    world,
) -> None:
    factory, accounts = world
    entries = [e for e in _entries() if e["indicator"] in ("gdp", "gdp_growth")]
    assert {(e["indicator"], e["period"], e["value"]) for e in entries} == {
        ("gdp", "2024", 32193.15),
        ("gdp_growth", "2024", 5.7),
    }
    with factory() as session:
        version = current_version(session)
    figures = [Figure(f"第 {n} 条", e) for n, e in enumerate(entries, start=1)]
    outcome = confirm(factory, figures, accounts["office"], recompute=False)
    assert outcome.stored == ("第 1 条", "第 2 条") and not outcome.skipped and not outcome.kept
    assert outcome.message.startswith("已入库 2 条公开数据")
    gdp = entries[[e["indicator"] for e in entries].index("gdp")]
    (stored,) = _published(factory, "gdp", "2024")
    assert (stored.value, stored.unit, stored.vintage, stored.is_current) == (
        32193.15,
        "亿元",
        "initial",
        True,
    )
    # the YAML loader's source note: grade, publisher, the sentence, the URL
    assert stored.source_note == source_note(gdp)
    assert "32193.15亿元" in stored.source_note and SOURCE["url"] in stored.source_note
    with factory() as session:
        events = session.scalars(
            select(models.AuditEvent).where(models.AuditEvent.action == "confirm_figure")
        ).all()
        assert current_version(session) > version
        changed = {(ind, reg) for _, ind, reg in pending_changes(session)}
    assert len(events) == 2 and {e.actor for e in events} == {"office"}
    gdp_event = next(e for e in events if e.after["indicator"] == "gdp")
    assert gdp_event.before is None and gdp_event.object_id == str(stored.id)
    assert gdp_event.after["wording"] == gdp["wording"] and gdp_event.after["url"] == SOURCE["url"]
    assert {("gdp", "500000"), ("gdp_growth", "500000")} <= changed


def test_cf002_an_older_release_never_replaces_a_newer_one(world) -> None:
    factory, accounts = world
    office = accounts["office"]
    (gdp,) = [e for e in _entries() if e["indicator"] == "gdp"]
    final = gdp | {"period": "2023", "value": 30145.79, "vintage": "final"}
    initial = gdp | {"period": "2023", "value": 30100.0, "vintage": "initial"}
    assert confirm(factory, [Figure("核实数", final)], office, recompute=False).stored
    outcome = confirm(factory, [Figure("初步数", initial)], office, recompute=False)
    assert outcome.stored == () and outcome.kept[0][0] == "初步数"
    assert "最终核实数 30145.8" in outcome.kept[0][1] and "存为历史版本" in outcome.message
    assert outcome.message.startswith("未入库任何数据")
    rows = _published(factory, "gdp", "2023")
    assert [(r.value, r.vintage, r.is_current) for r in rows] == [
        (30145.79, "final", True),
        (30100.0, "initial", False),
    ]
    again = confirm(factory, [Figure("再次", final)], office, recompute=False)
    assert again.written == 0 and "已有相同数值" in again.skipped[0][1]


def test_cf003_refused_without_publisher_or_url_and_for_non_reviewers(world) -> None:
    factory, accounts = world
    (gdp,) = [e for e in _entries() if e["indicator"] == "gdp"]
    before = (_count(factory, models.Observation), _count(factory, models.AuditEvent))
    cases = {
        "请填写原文网址": gdp | {"url": None},
        "应以 http:// 或 https:// 开头": gdp | {"url": "ftp://tjj.cq.gov.cn/a"},
        "请填写发布者": gdp | {"publisher": "  "},
        "缺少原文语句": gdp | {"wording": ""},
        "数据版本“provisional”无效": gdp | {"vintage": "provisional"},
    }
    for message, entry in cases.items():
        with pytest.raises(ConfirmError, match=message) as refused:
            confirm(factory, [Figure("第 7 条", entry)], accounts["office"], recompute=False)
        assert "第 7 条" in str(refused.value) and "未作任何更改" in str(refused.value)
    with pytest.raises(ConfirmError, match="未勾选"):
        confirm(factory, [], accounts["office"])
    for who in (accounts["leader"], None):
        with pytest.raises(AccessDenied):
            confirm(factory, [Figure("第 1 条", gdp)], who)
    assert (_count(factory, models.Observation), _count(factory, models.AuditEvent)) == before


def test_cf004_rows_that_cannot_be_stored_are_skipped_with_their_reason(world) -> None:
    factory, accounts = world
    (gdp,) = [e for e in _entries() if e["indicator"] == "gdp"]
    figures = [
        Figure("第 1 条", gdp | {"indicator": "no_such_indicator"}),
        Figure("第 2 条", gdp | {"region": None}),
        Figure("第 3 条", gdp | {"unit": "万元"}),
        Figure("第 4 条", gdp | {"period": "二〇二二年"}),
        Figure("第 5 条", gdp | {"value": "三万亿"}),
        Figure("第 6 条", gdp | {"period": "2022年", "value": "29129.03"}),
        Figure("第 7 条", gdp | {"period": "2022", "value": 29000.0}),
    ]
    outcome = confirm(factory, figures, accounts["office"], recompute=False)
    assert outcome.stored == ("第 6 条",)
    reasons = dict(outcome.skipped)
    assert "不在目标库中" in reasons["第 1 条"] and "地区未识别" in reasons["第 2 条"]
    assert "单位“万元”" in reasons["第 3 条"] and "无法识别" in reasons["第 4 条"]
    assert "不是数值" in reasons["第 5 条"] and "与第 6 条是同一指标" in reasons["第 7 条"]
    assert [r.value for r in _published(factory, "gdp", "2022")] == [29129.03]
    results = outcome.results()
    assert results["第 6 条"] == "已入库" and results["第 1 条"].startswith("跳过：指标")
    nothing = confirm(factory, figures[:2], accounts["office"], recompute=False)
    assert nothing.message.startswith("未入库任何数据") and "跳过 2 条" in nothing.message


def test_cf005_a_corrected_value_is_stored_and_the_proposal_kept_in_the_audit(world) -> None:
    factory, accounts = world
    proposals = _proposals()
    faces = {n: face_of(p) for n, p in enumerate(proposals)}
    number = next(n for n, f in faces.items() if f["indicator"] == "gdp")
    cite = {"publisher": SOURCE["publisher"], "url": SOURCE["url"], "vintage": "estimate"}
    cite["grade"] = "B"
    edits = {number: {"value": "32193.15", "period": "2019年"}}  # the same value, another year
    (figure,) = proposal_figures(faces, [number], edits, cite, {"gdp": "地区生产总值"})
    assert figure.label == f"第 {number + 1} 条（地区生产总值 2024）"
    assert (
        figure.proposed == {"period": "2024"}
        and figure.entry["wording"] == faces[number]["wording"]
    )
    outcome = confirm(factory, [figure], accounts["office"], recompute=False)
    assert outcome.stored == (figure.label,)
    (row,) = _published(factory, "gdp", "2019")
    with factory() as session:
        event = session.scalars(
            select(models.AuditEvent).where(models.AuditEvent.object_id == str(row.id))
        ).one()
    assert event.after["proposed"] == {"period": "2024"} and event.after["period"] == "2019"


def test_cf006_the_command_line_confirms_a_yaml_file_by_a_named_reviewer(
    world, tmp_path: Path
) -> None:
    factory, _ = world
    entries = [e | {"period": "2018"} for e in _entries() if e["indicator"] == "gdp"]
    path = tmp_path / "figures.yaml"
    path.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    outcome = confirm_file(factory, path, "office", recompute=False)
    assert outcome.stored == ("第 1 条（gdp 500000 2018）",)
    for who in ("leader", "nobody"):
        with pytest.raises(AccessDenied):
            confirm_file(factory, path, who, recompute=False)
    path.write_text("indicator: gdp\n", encoding="utf-8")
    with pytest.raises(ConfirmError, match="应为公开数据条目的列表"):
        confirm_file(factory, path, "office")


def test_cf007_a_value_no_figure_can_have_is_skipped_with_its_reason(world) -> None:
    """The attack of 2026-12-07: a crafted 确认入库 stored GDP −5 亿元, a share of 150 % and
    a corrected value the request sent as the number 1e308. The intake's own range rule
    (no negative amount, a share within 0–100) now holds for the published layer, and a
    correction is read as the text of the grid's cell."""
    factory, accounts = world
    (gdp,) = [e for e in _entries() if e["indicator"] == "gdp"]
    share = gdp | {"indicator": "urbanization_rate", "unit": "%", "period": "2017"}
    before = _count(factory, models.Observation), _count(factory, models.AuditEvent)
    figures = [
        Figure("第 1 条", gdp | {"period": "2017", "value": -5}),
        Figure("第 2 条", share | {"value": 150}),
        Figure("第 3 条", share | {"value": "-0.5"}),
    ]
    outcome = confirm(factory, figures, accounts["office"], recompute=False)
    reasons = dict(outcome.skipped)
    assert outcome.written == 0 and outcome.message.startswith("未入库任何数据")
    assert "数值 -5 不可能" in reasons["第 1 条"] and "不能为负数" in reasons["第 1 条"]
    assert "应在 0—100% 之间" in reasons["第 2 条"] and "应在 0—100% 之间" in reasons["第 3 条"]
    faces = {0: {**gdp, "period": "2017"}}
    cite = {k: gdp[k] for k in ("publisher", "url", "vintage", "grade")}
    (huge,) = proposal_figures(faces, [0], {0: {"value": 1e308}}, cite, {})
    outcome = confirm(factory, [huge], accounts["office"], recompute=False)
    assert outcome.written == 0 and "“1e+308”不是数值" in dict(outcome.skipped)[huge.label]
    assert (_count(factory, models.Observation), _count(factory, models.AuditEvent)) == before


def test_cf008_a_hostile_yaml_file_is_refused_before_anything_is_read_into_the_database(
    world, tmp_path: Path
) -> None:
    """manage.py confirm-figures with a crafted file: nested aliases (billion laughs: the
    names of the entries were built from them and the command ran for minutes), a
    !!python tag, a list where a value belongs, a file over the upload limit."""
    factory, _ = world
    before = _count(factory, models.Observation), _count(factory, models.AuditEvent)
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for this, last in zip("bcdefghi", "abcdefgh", strict=True):
        levels.append(f"{this}: &{this} [" + ",".join([f"*{last}"] * 9) + "]")
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(
        "- indicator: gdp\n  junk:\n"
        + "".join(f"    {line}\n" for line in levels)
        + "- indicator: *i\n  region: 重庆市\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfirmError, match="别名"):
        confirm_file(factory, bomb, "office", recompute=False)
    tagged = tmp_path / "tagged.yaml"
    marker = tmp_path / "ran"
    tagged.write_text(f"- !!python/object/apply:os.system ['touch {marker}']\n")
    with pytest.raises(ConfirmError, match="无法读取 tagged.yaml"):
        confirm_file(factory, tagged, "office", recompute=False)
    assert not marker.exists()
    nested = tmp_path / "nested.yaml"
    nested.write_text("- indicator: [gdp, gdp]\n  region: {a: 1}\n", encoding="utf-8")
    with pytest.raises(ConfirmError, match="第 1 条的 indicator、第 1 条的 region 应为单个值"):
        confirm_file(factory, nested, "office", recompute=False)
    large = tmp_path / "large.yaml"
    large.write_text("- indicator: gdp\n  wording: '" + "x" * 2000 + "'\n", encoding="utf-8")
    with pytest.raises(ConfirmError, match=r"large.yaml 过大：\d+ 字节，上限 1000 字节"):
        figures_in(large, max_bytes=1000)
    assert (_count(factory, models.Observation), _count(factory, models.AuditEvent)) == before
