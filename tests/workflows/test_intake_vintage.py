"""Vintages never go backwards silently (issue 15 item 6), on two real portal exports
of the same series: the post-fifth-census export (重庆 2016 = 18271.1, its note says
1992–2023 were revised) and an older one (时间：1993-2017, 重庆 2016 = 17740.59)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db import models
from workflows.intake import receive
from workflows.vintage import census_note

REAL = Path(__file__).parents[1] / "loaders" / "fixtures" / "real"
CENSUS = REAL / "nbs_provinces_gdp_census_20y.csv"
OLDER = REAL / "nbs_provinces_gdp_1993_2017.csv"


@pytest.fixture
def ready(sqlite_ready: sessionmaker[Session]) -> sessionmaker[Session]:
    return sqlite_ready  # a database with the regions and the catalogue


def send(factory: sessionmaker[Session], path: Path, **options):  # type: ignore[no-untyped-def]
    return receive(factory, path.name, path.read_bytes(), recompute=False, **options)


def rows(factory: sessionmaker[Session], period: str) -> list[tuple[float, str, bool]]:
    o = models.Observation
    with factory() as session:
        found = session.execute(
            select(o.value, o.vintage, o.is_current)
            .where(o.indicator_id == "gdp", o.region_code == "500000", o.period == period)
            .order_by(o.revision)
        )
        return [tuple(r) for r in found]


def test_vin001_the_census_note_makes_its_years_a_census_revision() -> None:
    note, years = census_note(
        [
            "按照我国国民经济核算数据修订制度和国际通行做法，在第五次全国经济普查后，"
            "对1992年-2023年地区生产总值历史数据进行了系统修订。"
        ]
    )
    assert "第五次全国经济普查" in note and years == tuple(range(1992, 2024))
    two = census_note(
        [
            "1.本表按当年价格计算。\n\u3000\u3000\u30002.2018年数据为根据第四次全国经济普查资料修订后数据。"
        ]
    )
    assert two is not None and two[1] == (2018,)
    assert (
        census_note(["本表按当年价格计算。2004-2012年地区生产总值数据执行《国民经济行业分类》"])
        is None
    )


def test_vin002_an_older_vintage_after_the_revision_is_kept_as_history(
    ready: sessionmaker[Session],
) -> None:
    first = send(ready, CENSUS)
    assert first.status == "imported" and first.report["vintage"] == "mixed"
    assert first.report["census_revision"]["years"][0] == 1992
    assert rows(ready, "2016") == [(18271.1, "census_revision", True)]
    assert rows(ready, "2024") == [(32046.7, "initial", True)]  # after the census years
    second = send(ready, OLDER)
    assert second.status == "imported"
    # the current value stays; the older figure is kept, not current
    assert rows(ready, "2016") == [(18271.1, "census_revision", True), (17740.59, "initial", False)]
    kept = [p for p in second.report["problems"] if "较新的修订值已存在，未覆盖" in p["message"]]
    assert len(kept) == 2  # one line per series: 重庆市 and 四川省
    assert any(p["message"].startswith("重庆市“地区生产总值”") for p in kept)
    # 1993-2005 are not in the census export: the older file adds them
    assert second.report["inserted"] == 26 and second.report["revised"] == 0
    assert second.report["kept_newer"] == 24
    assert rows(ready, "1993") == [(608.53, "initial", True)]


def test_vin003_the_revision_after_an_older_vintage_replaces_it(
    ready: sessionmaker[Session],
) -> None:
    assert send(ready, OLDER).status == "imported"
    assert rows(ready, "2016") == [(17740.59, "initial", True)]
    later = send(ready, CENSUS)
    assert later.report["revised"] == 24 and not later.report.get("kept_newer")
    assert rows(ready, "2016") == [(17740.59, "initial", False), (18271.1, "census_revision", True)]


def test_vin004_a_reviewer_may_force_an_explicit_vintage(ready: sessionmaker[Session]) -> None:
    send(ready, CENSUS)
    forced = send(ready, OLDER, vintage="initial", force_vintage=True)
    assert forced.report["revised"] == 24 and not forced.report.get("kept_newer")
    assert rows(ready, "2016")[-1] == (17740.59, "initial", True)


def test_vin005_files_that_go_to_review_keep_the_vintage_rule(
    ready: sessionmaker[Session],
) -> None:
    """The same two real exports sent for review (a reviewer's account sends any region) and
    approved: the census note makes 2016 a census revision, and the older export approved
    afterwards is kept as history, said in the decision (issue 15 item 6 on the review path)."""
    from db.session import transaction
    from db.users import account_of, create_user
    from workflows.review import decide, submit

    with transaction(ready) as session:
        office = account_of(create_user(session, "office", "office-password", "reviewer"))

    def approve_all(path: Path):  # type: ignore[no-untyped-def]
        sent = submit(ready, path.name, path.read_bytes(), office)
        assert sent.status == "pending", sent.report
        return sent, decide(ready, sent.submission_id, office, "approve", "", recompute=False)

    sent, first = approve_all(CENSUS)
    assert sent.report["vintage"] == "mixed" and sent.report["vintage_given"] is False
    assert rows(ready, "2016") == [(18271.1, "census_revision", True)]
    assert rows(ready, "2024") == [(32046.7, "initial", True)]
    _, second = approve_all(OLDER)
    assert rows(ready, "2016") == [(18271.1, "census_revision", True), (17740.59, "initial", False)]
    assert second.kept_newer == 24 and "较新的修订值已存在，未覆盖" in second.message
