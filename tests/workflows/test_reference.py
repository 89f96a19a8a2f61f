"""The regions and the catalogue an upload is checked against are kept per process while
the reference version stands (workflows/reference.py): a change made through another
engine on the same database — another process, manage.py load-catalogue — is seen by the
next upload, and what an upload stores does not depend on whether they were kept."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from db import models
from db.session import make_engine, make_session_factory, transaction
from tests.helpers import template_csv as csv
from workflows import reference
from workflows.intake import check, receive
from workflows.reference import reference_data


@pytest.fixture
def db_url(ready_url: str) -> str:
    """Each test here gets its own copy of the 'ready' seed (tests/conftest.py SEEDS)."""
    return ready_url


@pytest.fixture
def elsewhere(db_url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions of another engine on the same database: what another process has."""
    engine = make_engine(db_url)
    yield make_session_factory(engine)
    engine.dispose()


def test_ref001_the_reference_data_are_read_once_per_version(
    factory: sessionmaker[Session],
) -> None:
    with factory() as session:
        first = reference_data(session)
    with factory() as session:
        again = reference_data(session)
    assert again.catalogue is first.catalogue and again.directory is first.directory


def test_ref002_a_catalogue_change_made_elsewhere_is_seen_by_the_next_upload(
    factory: sessionmaker[Session], elsewhere: sessionmaker[Session]
) -> None:
    renamed = csv("重庆市,地区生产总值核算值,2022年,29129.03,亿元,")
    result, report = check(factory, "gdp.csv", renamed)  # kept: the name is unknown
    assert result is not None and not result.ok
    assert report["problems"][0]["message"].startswith("未知指标“地区生产总值核算值”")
    with transaction(elsewhere) as session:  # manage.py load-catalogue, in another process
        session.execute(
            update(models.Indicator)
            .where(models.Indicator.id == "gdp")
            .values(name_zh="地区生产总值核算值")
        )
    outcome = receive(factory, "gdp.csv", renamed, vintage="initial", recompute=False)
    assert outcome.ok and outcome.report["inserted"] == 1, outcome.report


def test_ref003_a_region_change_made_elsewhere_is_seen_by_the_next_upload(
    factory: sessionmaker[Session], elsewhere: sessionmaker[Session]
) -> None:
    aliased = csv("巴渝测试别名,地区生产总值,2022年,29129.03,亿元,")
    result, report = check(factory, "cq.csv", aliased)
    assert result is not None and not result.ok
    assert report["problems"][0]["message"].startswith("未知地区“巴渝测试别名”")
    with transaction(elsewhere) as session:  # manage.py load-regions, in another process
        session.add(models.RegionAlias(region_code="500000", alias="巴渝测试别名"))
    outcome = receive(factory, "cq.csv", aliased, vintage="initial", recompute=False)
    assert outcome.ok, outcome.report
    with factory() as session:
        stored = session.scalars(
            select(models.Observation.region_code).where(
                models.Observation.submission_id == outcome.submission_id
            )
        ).all()
    assert stored == ["500000"]


def _stored(factory: sessionmaker[Session], submission_id: int | None) -> list[tuple[object, ...]]:
    """An upload's observations, all but what differs by nature (id, time, submission)."""
    o = models.Observation
    columns = [
        c
        for c in o.__table__.columns
        if c.name not in ("id", "created_at", "submission_id", "source_note", "period")
    ]
    with factory() as session:
        rows = session.execute(
            select(*columns).where(o.submission_id == submission_id).order_by(o.region_code)
        ).all()
    return [tuple(row) for row in rows]


def test_ref004_an_upload_stores_the_same_rows_with_the_reference_kept_or_read(
    factory: sessionmaker[Session],
) -> None:
    def upload(year: int) -> tuple[list[tuple[object, ...]], dict[str, object]]:
        content = csv(
            f"重庆市,地区生产总值,{year}年,29129.03,亿元,初步核算",
            f"四川,地区生产总值,{year}年,5.67万亿,,",
            f"成都,常住人口,{year}年,2126.8,万人,",
        )
        outcome = receive(factory, f"{year}.csv", content, vintage="initial", recompute=False)
        assert outcome.ok, outcome.report
        report = {k: v for k, v in outcome.report.items() if k != "progress"}
        return _stored(factory, outcome.submission_id), report

    reference._kept.clear()  # read from the database
    cold = upload(2021)
    with factory() as session:
        kept = reference_data(session)
    warm = upload(2022)  # kept from the upload before
    with factory() as session:
        assert reference_data(session).catalogue is kept.catalogue
    assert warm[0] == cold[0] and len(cold[0]) == 3
    assert {k: v for k, v in warm[1].items() if k != "problems"} == {
        k: v for k, v in cold[1].items() if k != "problems"
    }
    assert [p["message"] for p in warm[1]["problems"]] == [  # type: ignore[attr-defined]
        p["message"]
        for p in cold[1]["problems"]  # type: ignore[attr-defined]
    ]
