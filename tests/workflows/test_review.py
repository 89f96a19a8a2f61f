"""The review workflow end to end: a reporter submits, a reviewer decides, on both backends."""

from __future__ import annotations

import threading

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from db import models
from db.intake import observation_history
from db.progress import pending_changes
from db.review import frame_faces, review_queue, submission_rows_frame, submissions_of
from db.session import transaction
from db.users import account_of, create_user
from indicators.access import AccessDenied, Account
from indicators.outliers import REVISION
from indicators.review_view import ViewError, check, seal
from workflows.intake import receive
from workflows.review import ReviewError, decide, submit

HEADER = "地区,指标,期间,数值,单位,备注\r\n"
CHENGDU_2023 = (
    "成都市,地区生产总值,2023年,22074.7,亿元,初步核算",
    "成都市,常住人口,2023年,2140.3,万人,",
)


def csv(*rows: str) -> bytes:
    return (HEADER + "".join(r + "\r\n" for r in rows)).encode("utf-8-sig")


@pytest.fixture
def db_url(ready_url: str) -> str:
    """Each test here gets its own copy of the 'ready' seed (tests/conftest.py SEEDS)."""
    return ready_url


@pytest.fixture
def world(factory: sessionmaker[Session]) -> dict[str, Account]:
    """Regions and catalogue, and one account of each kind: 成都's and 重庆's
    reporters, a reviewer of the joint office, a leader who only reads."""
    with transaction(factory) as session:
        users = [
            create_user(session, "cd", "cd-password-1", "reporter", "成都填报员", ["510100"]),
            create_user(session, "cq", "cq-password-1", "reporter", "重庆填报员", ["500000"]),
            create_user(session, "office", "office-password", "reviewer", "联合办公室"),
            create_user(session, "leader", "leader-password", "viewer", "领导"),
        ]
        return {user.username: account_of(user) for user in users}


def _count(factory: sessionmaker[Session], model: type[models.Base], **where: object) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    with factory() as session:
        return session.scalar(query) or 0


def _state(factory: sessionmaker[Session]) -> tuple[int, ...]:
    """Everything a refused decision must leave as it was."""
    with factory() as session:
        decisions = tuple(
            session.scalars(select(models.SubmissionRow.decision).order_by(models.SubmissionRow.id))
        )
        statuses = tuple(
            session.scalars(select(models.Submission.status).order_by(models.Submission.id))
        )
    return (
        _count(factory, models.Observation),
        _count(factory, models.AuditEvent),
        hash(decisions),
        hash(statuses),
    )


def _pending(factory: sessionmaker[Session], account: Account, *rows: str) -> int:
    outcome = submit(factory, "chengdu-2023.csv", csv(*rows or CHENGDU_2023), account)
    assert outcome.status == "pending", outcome.report
    return outcome.submission_id


def _row_ids(factory: sessionmaker[Session], submission_id: int) -> list[int]:
    with factory() as session:
        return submission_rows_frame(session, submission_id).row_id.tolist()


def _events(factory: sessionmaker[Session], action: str) -> list[models.AuditEvent]:
    with factory() as session:
        e = models.AuditEvent
        return list(session.scalars(select(e).where(e.action == action).order_by(e.id)))


def test_rev001_a_reporter_cannot_submit_another_regions_rows(
    factory: sessionmaker[Session], world: dict[str, Account]
) -> None:
    content = csv(CHENGDU_2023[0], "重庆市,地区生产总值,2023年,30145.79,亿元,")
    outcome = submit(factory, "mixed.csv", content, world["cd"])
    assert outcome.status == "refused" and not outcome.ok
    [problem] = [p for p in outcome.report["problems"] if p["level"] == "错误"]
    assert problem["row"] == 3 and problem["message"] == "您无权报送“重庆市”的数据"
    with factory() as session:
        [submission] = session.scalars(select(models.Submission))
        assert (submission.status, submission.user_id, submission.content) == (
            "refused",
            world["cd"].id,
            content,
        )
    assert _count(factory, models.SubmissionRow) == 0
    assert _count(factory, models.Observation) == 0
    [upload] = _events(factory, "upload")
    assert upload.actor == "cd" and upload.after["status"] == "refused"


def test_rev002_a_clean_file_waits_for_review_and_imports_nothing(
    factory: sessionmaker[Session], world: dict[str, Account]
) -> None:
    outcome = submit(factory, "chengdu-2023.csv", csv(*CHENGDU_2023), world["cd"], period="2023年")
    assert outcome.status == "pending" and outcome.ok
    assert _count(factory, models.Observation) == 0
    assert _count(factory, models.SubmissionRow, decision="pending") == 2
    with factory() as session:
        submission = session.get(models.Submission, outcome.submission_id)
        assert (submission.region_code, submission.period) == ("510100", "2023")
        queue = review_queue(session)
        rows = submission_rows_frame(session, outcome.submission_id)
    assert queue.to_dict("records")[0] | {"received_at": None} == {
        "submission_id": outcome.submission_id,
        "received_at": None,
        "filename": "chengdu-2023.csv",
        "channel": "upload",
        "user_id": world["cd"].id,
        "username": "cd",
        "reporter": "成都填报员",
        "regions": "成都市",
        "region_codes": ["510100"],
        "periods": "2023",
        "rows": 2,
        "pending": 2,
    }
    assert rows.row_no.tolist() == [2, 3]
    assert rows.note.iloc[0] == "初步核算" and pd.isna(rows.note.iloc[1])
    [upload] = _events(factory, "upload")
    assert upload.object_id == str(outcome.submission_id) and upload.after["rows"] == 2


def test_rev003_the_same_file_again_is_a_duplicate_until_it_is_rejected(
    factory: sessionmaker[Session], world: dict[str, Account]
) -> None:
    first = _pending(factory, world["cd"])
    again = submit(factory, "copy.csv", csv(*CHENGDU_2023), world["cd"])
    assert again.status == "duplicate"
    assert f"提交编号 {first}，待审核" in again.report["problems"][0]["message"]
    decide(factory, first, world["office"], "reject", "口径有误", recompute=False)
    assert submit(factory, "fixed.csv", csv(*CHENGDU_2023), world["cd"]).status == "pending"


def test_rev004_viewers_and_reporters_cannot_decide_nor_viewers_submit(
    factory: sessionmaker[Session], world: dict[str, Account]
) -> None:
    submission_id = _pending(factory, world["cd"])
    before = _state(factory)
    for who in ("leader", "cd"):
        with pytest.raises(AccessDenied, match="无审核权限"):
            decide(factory, submission_id, world[who], "approve", "", recompute=False)
    with pytest.raises(AccessDenied, match="请先登录"):
        decide(factory, submission_id, None, "approve", "", recompute=False)
    with pytest.raises(AccessDenied, match="无报送权限"):
        submit(factory, "x.csv", csv(*CHENGDU_2023), world["leader"])
    assert _state(factory) == before


def test_rev005_approving_the_whole_file_makes_its_values_current(
    factory: sessionmaker[Session], world: dict[str, Account]
) -> None:
    submission_id = _pending(factory, world["cd"])
    outcome = decide(factory, submission_id, world["office"], "approve", "", recompute=False)
    assert (outcome.status, outcome.approved, outcome.inserted, outcome.pending) == (
        "approved",
        2,
        2,
        0,
    )
    assert "已通过" in outcome.message
    with factory() as session:
        submission = session.get(models.Submission, submission_id)
        assert (submission.status, submission.reviewed_by) == ("approved", world["office"].id)
        observations = list(
            session.scalars(select(models.Observation).order_by(models.Observation.indicator_id))
        )
        rows = list(session.scalars(select(models.SubmissionRow).order_by(models.SubmissionRow.id)))
    assert {(o.indicator_id, o.value, o.layer, o.is_current) for o in observations} == {
        ("gdp", 22074.7, "reported", True),
        ("population", 2140.3, "reported", True),
    }
    assert {(o.submission_id, o.created_by, o.vintage) for o in observations} == {
        (submission_id, world["cd"].id, "initial")
    }
    assert all(r.decision == "approved" and r.decided_by == world["office"].id for r in rows)
    assert {r.observation_id for r in rows} == {o.id for o in observations}
    approvals = _events(factory, "approve")
    assert [e.object_type for e in approvals] == ["submission_row", "submission_row", "submission"]
    assert approvals[0].before is None and approvals[0].after["value"] == 22074.7
    assert approvals[2].before == {"status": "pending"}
    assert approvals[2].after["status"] == "approved" and approvals[2].actor == "office"


def test_rev006_row_by_row_approve_one_reject_one(
    factory: sessionmaker[Session], world: dict[str, Account]
) -> None:
    submission_id = _pending(factory, world["cd"])
    gdp, population = _row_ids(factory, submission_id)
    first = decide(factory, submission_id, world["office"], {gdp: "approve"}, "", recompute=False)
    assert (first.status, first.pending) == ("pending", 1)  # still waits for the last row
    second = decide(
        factory,
        submission_id,
        world["office"],
        {str(population): "reject"},  # ids as a page's JSON gives them
        "常住人口与公报不符，请核实",
        recompute=False,
    )
    assert (second.status, second.rejected, second.pending) == ("partly_approved", 1, 0)
    with factory() as session:
        observations = list(session.scalars(select(models.Observation)))
        frame = submission_rows_frame(session, submission_id)
        mine = submissions_of(session, world["cd"].id)
    assert [(o.indicator_id, o.value) for o in observations] == [("gdp", 22074.7)]
    rejected = frame[frame.row_id == population].iloc[0]
    assert (rejected.decision, rejected.comment, rejected.decided_by) == (
        "rejected",
        "常住人口与公报不符，请核实",
        "联合办公室",
    )
    assert rejected.value == 2140.3 and pd.isna(rejected.observation_id)
    own = mine.iloc[0]
    assert (own.status, own.approved, own.rejected, own.pending) == ("partly_approved", 1, 1, 0)
    assert own.review_comment == "常住人口与公报不符，请核实" and own.reviewed_by == "联合办公室"
    [reject_row, reject_submission] = _events(factory, "reject")
    assert reject_row.after["value"] == 2140.3 and reject_row.after["comment"].startswith(
        "常住人口"
    )
    assert reject_submission.after["status"] == "partly_approved"


def test_rev007_rejecting_without_a_comment_is_refused(
    factory: sessionmaker[Session], world: dict[str, Account]
) -> None:
    submission_id = _pending(factory, world["cd"])
    gdp, population = _row_ids(factory, submission_id)
    before = _state(factory)
    with pytest.raises(ReviewError, match="退回须填写审核意见（第 3 行）"):
        decide(
            factory,
            submission_id,
            world["office"],
            {gdp: "approve", population: "reject"},
            "  ",
            recompute=False,
        )
    with pytest.raises(ReviewError, match="审核决定“maybe”无效"):
        decide(factory, submission_id, world["office"], "maybe", "", recompute=False)
    with pytest.raises(ReviewError, match="不属于提交编号"):
        decide(factory, submission_id, world["office"], {999999: "approve"}, "", recompute=False)
    with pytest.raises(ReviewError, match="提交编号 999999 不存在"):
        decide(factory, 999999, world["office"], "approve", "", recompute=False)
    assert _state(factory) == before


def test_rev008_deciding_twice_changes_nothing(
    factory: sessionmaker[Session], world: dict[str, Account]
) -> None:
    submission_id = _pending(factory, world["cd"])
    gdp, population = _row_ids(factory, submission_id)
    decide(factory, submission_id, world["office"], {gdp: "approve"}, "", recompute=False)
    decide(factory, submission_id, world["office"], {population: "reject"}, "不符", recompute=False)
    before = _state(factory)
    with pytest.raises(ReviewError, match="已审核完毕（部分通过），不能再次审核"):
        decide(factory, submission_id, world["office"], "approve", "", recompute=False)
    with pytest.raises(ReviewError, match="第 2 行已审核（已通过），不能再次审核；第 3 行已审核"):
        decide(
            factory,
            submission_id,
            world["office"],
            {population: "approve", gdp: "approve"},
            "",
            recompute=False,
        )
    assert _state(factory) == before


def test_rev009_two_reviewers_at_once_import_once(
    factory: sessionmaker[Session], world: dict[str, Account]
) -> None:
    submission_id = _pending(factory, world["cd"])
    start = threading.Barrier(2)
    results: list[object] = []

    def review() -> None:
        start.wait()
        try:
            results.append(
                decide(factory, submission_id, world["office"], "approve", "", recompute=False)
            )
        except Exception as exc:  # collected: the test asserts on it
            results.append(exc)

    threads = [threading.Thread(target=review) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    done = [r for r in results if not isinstance(r, Exception)]
    failed = [r for r in results if isinstance(r, Exception)]
    assert len(done) == 1 and len(failed) == 1, results
    assert isinstance(failed[0], ReviewError)
    assert _count(factory, models.Observation) == 2
    assert _count(factory, models.AuditEvent, action="approve") == 3


def test_rev010_a_revision_keeps_the_value_it_replaces(
    factory: sessionmaker[Session], world: dict[str, Account]
) -> None:
    first = receive(factory, "office.csv", csv(CHENGDU_2023[0]), recompute=False)
    assert first.status == "imported"
    submission_id = _pending(factory, world["cd"], "成都市,地区生产总值,2023年,22100.0,亿元,")
    with factory() as session:
        [row] = submission_rows_frame(session, submission_id).to_dict("records")
    assert (row["current"], row["current_layer"], row["current_layer_zh"]) == (
        22074.7,
        "reported",
        "报送数据",
    )
    assert row["change"] == pytest.approx(25.3) and REVISION in row["flags"]
    outcome = decide(factory, submission_id, world["office"], "approve", "核实数", recompute=False)
    assert (outcome.revised, outcome.inserted) == (1, 0)
    with factory() as session:
        history = observation_history(session, "gdp", "510100", "2023")
    assert [(o.revision, o.value, o.is_current) for o in history] == [
        (1, 22074.7, False),
        (2, 22100.0, True),
    ]
    assert history[1].supersedes_id == history[0].id
    [row_event, _] = _events(factory, "approve")
    assert row_event.before == {
        "layer": "reported",
        "observation_id": history[0].id,
        "value": 22074.7,
        "revision": 1,
    }
    assert row_event.after["value"] == 22100.0 and row_event.after["revision"] == 2


def test_rev011_approval_recomputes_progress(
    factory: sessionmaker[Session], world: dict[str, Account], monkeypatch: pytest.MonkeyPatch
) -> None:
    import workflows.review

    calls: list[object] = []
    monkeypatch.setattr(workflows.review, "kick", calls.append)
    submission_id = _pending(factory, world["cd"])
    gdp, population = _row_ids(factory, submission_id)
    decide(factory, submission_id, world["office"], {gdp: "reject"}, "不符")
    assert calls == []  # nothing became current
    with factory() as session:
        assert pending_changes(session) == []
    outcome = decide(factory, submission_id, world["office"], {population: "approve"}, "")
    assert calls == [factory]  # the background recompute, kicked after the commit
    with factory() as session:  # of the change recorded with the approved row
        assert [(i, r) for _, i, r in pending_changes(session)] == [("population", "510100")]
    assert "进展评估在后台重新计算" in outcome.message


def test_rev012_a_declared_period_that_is_no_period_refuses_the_file(
    factory: sessionmaker[Session], world: dict[str, Account]
) -> None:
    outcome = submit(factory, "x.csv", csv(*CHENGDU_2023), world["cd"], period="明年")
    assert outcome.status == "refused"
    assert outcome.report["problems"][0]["message"].startswith("申报期间“明年”无法识别")
    assert _count(factory, models.SubmissionRow) == 0


def test_rev_view001_a_row_the_page_did_not_hold_is_refused(
    factory: sessionmaker[Session], world: dict[str, Account]
) -> None:
    """A page that held only the GDP row cannot approve the population row, and a
    page older than a decision cannot decide anything; nothing changes."""
    submission_id = _pending(factory, world["cd"])
    office = world["office"]
    with factory() as session:
        frame = submission_rows_frame(session, submission_id)
    gdp, population = frame.row_id.tolist()
    shown = seal("key", submission_id, office.id, frame_faces(frame[frame.row_id == gdp]))
    view = check("key", shown, submission_id, office.id)
    before = _state(factory)
    with pytest.raises(ReviewError, match="第 3 行不在您审核的页面上"):
        decide(factory, submission_id, office, {population: "approve"}, "", view=view)
    with pytest.raises(ReviewError, match="不在您审核的页面上"):
        decide(factory, submission_id, office, "approve", "", view=view)  # 全部 covers row 3
    assert _state(factory) == before
    whole = check(
        "key", seal("key", submission_id, office.id, frame_faces(frame)), submission_id, office.id
    )
    outcome = decide(
        factory, submission_id, office, {gdp: "approve"}, "", view=view, recompute=False
    )
    assert outcome.approved == 1
    with pytest.raises(ReviewError, match="页面已过期"):
        decide(factory, submission_id, office, {population: "approve"}, "", view=whole)
    # a view sealed under another key, or for another account, is not this server's
    with pytest.raises(ViewError, match="无法核验"):
        check("other key", shown, submission_id, office.id)
    with pytest.raises(ViewError, match="不是提交编号"):
        check("key", shown, submission_id, world["cd"].id)
