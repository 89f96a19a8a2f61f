"""Online entry (在线填报) and the templates: one set of rows, the intake's checks,
drafts per user and period, filing through review with the channel 在线填报."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db import models
from db.catalogue import stored_catalogue
from db.regions import load_directory
from db.session import transaction
from db.users import account_of, create_user
from indicators.access import AccessDenied, Account
from loaders.templates import HEADER, form_rows, render
from workflows.intake import check
from workflows.online_entry import check_form, clean_fields, file, open_form, save
from workflows.review import decide

CHENGDU = "510100"
LEMON = "安岳、安居、潼南、大足柠檬产业集群种植面积"


@pytest.fixture
def db_url(ready_url: str) -> str:
    """Each test here gets its own copy of the 'ready' seed (tests/conftest.py SEEDS)."""
    return ready_url


@pytest.fixture
def world(factory: sessionmaker[Session]) -> dict[str, Account]:
    """Regions and catalogue; 成都's reporter, 重庆's, a reviewer; 成都's 2024 GDP accepted."""
    with transaction(factory) as session:
        users = [
            create_user(session, "cd", "cd-password-1", "reporter", "成都填报员", [CHENGDU]),
            create_user(session, "cq", "cq-password-1", "reporter", "重庆填报员", ["500000"]),
            create_user(session, "office", "office-password", "reviewer", "联合办公室"),
        ]
        session.add(
            models.Observation(
                indicator_id="gdp",
                region_code=CHENGDU,
                period="2024",
                layer="reported",
                value=23511.3,
                unit="亿元",
            )
        )
        return {user.username: account_of(user) for user in users}


def _template(factory: sessionmaker[Session], fmt: str) -> bytes:
    with factory() as session:
        directory = load_directory(session)
        content, _ = render(session, stored_catalogue(session), directory, CHENGDU, "2025年", fmt)
    return content


def test_ent001_template_and_form_are_the_same_rows(factory, world) -> None:
    form = open_form(factory, world["cd"], CHENGDU, "2025年")
    sheet = load_workbook(io.BytesIO(_template(factory, "xlsx")))["填报数据"]
    rows = list(sheet.values)
    assert rows[0] == tuple(HEADER)
    assert [r[2] for r in rows[1:]] == [row.indicator.name_zh for row in form.rows]
    assert LEMON not in {r[2] for r in rows}
    gdp = next(r for r in rows if r[2] == "地区生产总值")
    assert gdp[0] == "综合" and gdp[6] == "2024年：23,511.3" and gdp[7] == "≥0"
    assert rows[1][2] == "地区生产总值"  # the overall pillar first, GDP at its head
    csv_lines = _template(factory, "csv").decode("utf-8-sig").splitlines()
    assert len(csv_lines) == len(rows)


def test_ent002_a_mostly_blank_template_passes_with_a_count_of_blanks(factory, world) -> None:
    with factory() as session:
        directory = load_directory(session)
        rows = form_rows(session, stored_catalogue(session), directory, CHENGDU, "2025")
    text = (
        _template(factory, "csv")
        .decode("utf-8-sig")
        .replace("成都市,地区生产总值,2025年,,", "成都市,地区生产总值,2025年,24000,")
    )
    _, report = check(factory, "cd.csv", text.encode("utf-8-sig"), allowed_regions={CHENGDU})
    assert report["ok"] and report["rows"] == 1
    blank = [p for p in report["problems"] if "未填数值" in p["message"]]
    assert len(blank) == 1 and blank[0]["level"] == "提示"
    assert f"共 {len(rows)} 行中有 {len(rows) - 1} 行未填数值" in blank[0]["message"]


def test_ent003_typing_is_checked_by_the_intakes_rules_row_by_row(factory, world) -> None:
    form = open_form(factory, world["cd"], CHENGDU, "2025")
    fields = clean_fields(
        form,
        {
            "gdp": "24,000.5",
            "population": "-3",
            "urbanization_rate": "80.5",
            "nonsense": "1",
            "note:gdp": "初步核算",
        },
    )
    assert "nonsense" not in fields
    result, by_row = check_form(factory, world["cd"], form, fields)
    assert set(by_row) >= {"population"} and "gdp" not in by_row
    assert "不能为负数" in by_row["population"][0].message
    assert not result.ok and sorted(result.rows.indicator_id) == ["gdp", "urbanization_rate"]
    assert any("未填数值" in p.message for p in result.problems)  # most of the form is blank


def test_ent004_drafts_are_per_user_region_and_period(factory, world) -> None:
    form = open_form(factory, world["cd"], CHENGDU, "2025年")
    assert save(factory, world["cd"], form, {"gdp": "24000", "note:gdp": "初步"}) == 1
    again = open_form(factory, world["cd"], CHENGDU, "2025")  # another spelling, same period
    assert again.draft == {"gdp": "24000", "note:gdp": "初步"}
    assert open_form(factory, world["cd"], CHENGDU, "2024").draft == {}
    assert open_form(factory, world["office"], CHENGDU, "2025").draft == {}  # not another's


def test_ent005_only_ones_own_regions_on_every_action(factory, world) -> None:
    with pytest.raises(AccessDenied, match="无权报送或修改成都市"):
        open_form(factory, world["cq"], CHENGDU, "2025")
    form = open_form(factory, world["cd"], CHENGDU, "2025")
    for action in (check_form, save, file):
        with pytest.raises(AccessDenied):
            action(factory, world["cq"], form, {"gdp": "1"})
    with factory() as session:
        assert session.scalar(select(models.EntryDraft)) is None
        assert session.scalar(select(models.Submission)) is None


def test_ent006_filing_is_a_submission_reviewed_like_a_file(factory, world) -> None:
    form = open_form(factory, world["cd"], CHENGDU, "2025")
    save(factory, world["cd"], form, {"gdp": "24000"})
    outcome = file(factory, world["cd"], form, {"gdp": "24000", "population": "2150.1"})
    assert outcome.status == "pending" and outcome.report["rows"] == 2
    with factory() as session:
        submission = session.get(models.Submission, outcome.submission_id)
        assert (submission.channel, submission.region_code, submission.period) == (
            "online",
            CHENGDU,
            "2025",
        )
        event = session.scalars(
            select(models.AuditEvent).where(models.AuditEvent.action == "upload")
        ).one()
        assert event.after["channel"] == "online" and event.actor == "cd"
        assert session.scalar(select(models.EntryDraft)) is None  # the draft is gone
    decided = decide(
        factory, outcome.submission_id, world["office"], "approve", "", recompute=False
    )
    assert decided.approved == 2
    with factory() as session:
        value = session.scalar(
            select(models.Observation.value).where(
                models.Observation.indicator_id == "gdp",
                models.Observation.period == "2025",
                models.Observation.layer == "reported",
                models.Observation.is_current,
            )
        )
    assert value == 24000


def test_ent007_a_wrong_value_refuses_the_filing_and_keeps_the_draft(factory, world) -> None:
    form = open_form(factory, world["cd"], CHENGDU, "2025")
    save(factory, world["cd"], form, {"gdp": "abc"})
    outcome = file(factory, world["cd"], form, {"gdp": "abc"})
    assert outcome.status == "refused"
    assert any("不是数值" in p["message"] for p in outcome.report["problems"])
    assert open_form(factory, world["cd"], CHENGDU, "2025").draft == {"gdp": "abc"}
