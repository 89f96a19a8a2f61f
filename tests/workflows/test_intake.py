"""Receiving files end to end: kept as received, all-or-nothing, revisions kept."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

import db.intake
from db import models
from db.intake import observation_history
from workflows.intake import receive

HEADER = "地区,指标,期间,数值,单位,备注\r\n"


def csv(*rows: str) -> bytes:
    return (HEADER + "".join(r + "\r\n" for r in rows)).encode("utf-8-sig")


@pytest.fixture
def db_url(ready_url: str) -> str:
    """Each test here gets its own copy of the 'ready' seed (tests/conftest.py SEEDS)."""
    return ready_url


@pytest.fixture
def ready(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    return factory


def _counts(factory: sessionmaker[Session]) -> tuple[int, int]:
    with factory() as session:
        return (
            session.scalar(select(func.count()).select_from(models.Observation)),
            session.scalar(select(func.count()).select_from(models.Submission)),
        )


def test_itk001_a_clean_file_is_kept_and_imported(ready: sessionmaker[Session]) -> None:
    content = csv(
        "重庆市,地区生产总值,2022年,29129.03,亿元,初步核算", "四川,地区生产总值,2022年,5.67万亿,,"
    )
    outcome = receive(ready, "gdp-2022.csv", content, vintage="initial", recompute=False)
    assert outcome.ok and outcome.report["inserted"] == 2
    with ready() as session:
        submission = session.get(models.Submission, outcome.submission_id)
        assert submission.content == content and submission.size == len(content)
        assert submission.status == "imported" and len(submission.sha256) == 64
        rows = session.scalars(select(models.Observation).order_by(models.Observation.region_code))
        assert [(o.region_code, o.value, o.vintage, o.note) for o in rows] == [
            ("500000", 29129.03, "initial", "初步核算"),
            ("510000", 56700.0, "initial", None),
        ]


def test_itk002_the_same_file_twice_is_recognised(ready: sessionmaker[Session]) -> None:
    content = csv("重庆市,地区生产总值,2022年,29129.03,亿元,")
    first = receive(ready, "a.csv", content, recompute=False)
    second = receive(ready, "a-copy.csv", content, recompute=False)
    assert second.status == "duplicate"
    assert f"提交编号 {first.submission_id}" in second.report["problems"][0]["message"]
    assert _counts(ready) == (1, 2)


def test_itk003_vintages_are_revisions_that_keep_what_they_replace(
    ready: sessionmaker[Session],
) -> None:
    for value, vintage in (
        ("29129.03", "initial"),
        ("28576.1", "final"),
        ("28771.8", "census_revision"),
    ):
        outcome = receive(
            ready,
            f"{vintage}.csv",
            csv(f"重庆市,地区生产总值,2022年,{value},亿元,"),
            vintage=vintage,
            recompute=False,
        )
        assert outcome.ok
    with ready() as session:
        history = observation_history(session, "gdp", "500000", "2022")
    assert [(o.revision, o.value, o.vintage, o.is_current) for o in history] == [
        (1, 29129.03, "initial", False),
        (2, 28576.1, "final", False),
        (3, 28771.8, "census_revision", True),
    ]
    assert history[2].supersedes_id == history[1].id


def test_itk004_a_bad_file_is_kept_refused_and_changes_nothing(
    ready: sessionmaker[Session],
) -> None:
    receive(ready, "good.csv", csv("重庆市,地区生产总值,2022年,29129.03,亿元,"), recompute=False)
    before = _counts(ready)
    outcome = receive(
        ready,
        "bad.csv",
        csv("重庆市,地区生产总值,2023年,30145.79,亿元,", "成度,地区生产总值,2023年,1,亿元,"),
        recompute=False,
    )
    assert outcome.status == "refused"
    problem = outcome.report["problems"][0]
    assert problem["row"] == 3 and "未知地区“成度”" in problem["message"]
    assert _counts(ready) == (before[0], before[1] + 1)  # the file is kept, no row imported


def test_itk005_an_import_failing_half_way_leaves_nothing(
    ready: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    receive(ready, "v1.csv", csv("重庆市,地区生产总值,2021年,27894.02,亿元,"), recompute=False)
    before = _counts(ready)
    real_write = db.intake.write_chunk
    calls = {"n": 0}

    def write_then_fail(session, rows):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        real_write(session, rows[:1])  # half the work is done …
        raise RuntimeError("disk full (injected)")  # … then the import breaks

    monkeypatch.setattr(db.intake, "write_chunk", write_then_fail)
    outcome = receive(
        ready,
        "v2.csv",
        csv("重庆市,地区生产总值,2021年,28077.3,亿元,", "四川省,地区生产总值,2021年,53850.8,亿元,"),
        vintage="final",
        recompute=False,
    )
    monkeypatch.setattr(db.intake, "write_chunk", real_write)
    assert outcome.status == "failed" and calls["n"] == 1
    assert "未写入任何数据" in outcome.report["failure"]
    assert _counts(ready) == (before[0], before[1] + 1)
    with ready() as session:  # the superseded value is still the current one
        (current,) = [
            o for o in observation_history(session, "gdp", "500000", "2021") if o.is_current
        ]
        assert current.value == 27894.02 and current.revision == 1
        failed = session.get(models.Submission, outcome.submission_id)
        assert failed.status == "failed" and failed.content.startswith(b"\xef\xbb\xbf")


def test_itk006_an_unreadable_file_is_refused_in_chinese(ready: sessionmaker[Session]) -> None:
    outcome = receive(ready, "报表.pdf", b"%PDF-1.4", recompute=False)
    assert outcome.status == "refused"
    assert "报表.pdf" in outcome.report["problems"][0]["message"]


def test_itk007_published_layer_keeps_vintages_and_loads_once(ready: sessionmaker[Session]) -> None:
    from workflows.published import load_published

    first = load_published(ready)
    # the NBS export is imported the first time (a refused or duplicate one is a failure)
    assert first.figures > 100 and first.export_status == "imported"
    before = _counts(ready)
    again = load_published(ready)
    assert again.export_status == "duplicate"
    assert _counts(ready)[0] == before[0]  # nothing new the second time
    with ready() as session:
        gdp = observation_history(session, "gdp", "500000", "2022")
    published = [(o.vintage, o.value, o.is_current) for o in gdp if o.layer == "published"]
    assert published == [
        ("initial", 29129.03, False),
        ("final", 28576.1, False),
        ("census_revision", 28771.8, True),
    ]
    assert "公开数据（B级）" in gdp[0].source_note


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("成度,地区生产总值,2023年,1,亿元,", "未知地区“成度”"),
        ("重庆市,地区生产增值,2023年,1,亿元,", "未知指标“地区生产增值”"),
        ("重庆市,地区生产总值,2023年,一千,亿元,", "“一千”不是数值"),
        ("重庆市,地区生产总值,2023年,1,万吨,", "不能换算为指标“地区生产总值”的单位“亿元”"),
        ("重庆市,地区生产总值,明年,1,亿元,", "期间“明年”无法识别"),
        ("重庆市,常住人口城镇化率,2023Q1,70,%,", "为年度指标，不接受季度期间"),
        ("重庆市,地区生产总值,2023年,-1,亿元,", "不能为负数"),
        ("重庆市,常住人口城镇化率,2023年,170,%,", "是比例，应在 0—100% 之间"),
    ],
)
def test_itk008_each_bad_input_leaves_the_database_as_it_was(
    ready: sessionmaker[Session], row: str, message: str
) -> None:
    receive(ready, "base.csv", csv("重庆市,地区生产总值,2022年,29129.03,亿元,"), recompute=False)
    observations, submissions = _counts(ready)
    outcome = receive(
        ready, "bad.csv", csv("四川省,地区生产总值,2023年,60132.9,亿元,", row), recompute=False
    )
    assert outcome.status == "refused"
    (problem,) = outcome.report["problems"]
    assert message in problem["message"] and problem["row"] == 3
    assert _counts(ready) == (observations, submissions + 1)
