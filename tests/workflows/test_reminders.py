"""The overdue job end to end: reminders once, e-mail once, through a fake mailer
and through smtplib to a fake SMTP server on localhost."""

from __future__ import annotations

import email
import pickle
import smtplib
import socket
import socketserver
import threading
from collections.abc import Iterator
from datetime import date
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from config.settings import CONFIG_DIR
from db import models
from db.projects import file_report
from db.reminders import digests_for, reminders_for
from db.session import make_engine, make_session_factory, transaction
from db.users import create_user
from indicators.access import Account
from indicators.regions import load_region_directory
from indicators.reporting_duty import owed_indicators
from workflows import reminders as job
from workflows import scheduler as sched
from workflows.catalogue import read_catalogue_files
from workflows.reminders import (
    MailError,
    SmtpConfig,
    expected_pairs,
    overdue_job,
    reporting_matrix,
    smtp_config,
    stored_expected_pairs,
)
from workflows.scheduler import build_scheduler, overdue_reminders_job, scheduled

TODAY = date(2026, 4, 1)
CHENGDU, WANZHOU, CHONGQING = "510100", "500101", "500000"


class FakeMailer:
    """Collects messages; refuses the addresses in ``refuse`` as a server would."""

    def __init__(self, refuse: tuple[str, ...] = ()) -> None:
        self.sent: list[EmailMessage] = []
        self.refuse = refuse

    def send_message(self, msg: EmailMessage) -> None:
        if msg["To"] in self.refuse:
            raise smtplib.SMTPRecipientsRefused({msg["To"]: (550, b"mailbox unavailable")})
        self.sent.append(msg)


@pytest.fixture(autouse=True)
def no_smtp(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SMTP_HOST", "SMTP_PORT", "SMTP_FROM"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def db_url(ready_url: str) -> str:
    """Each test here gets its own copy of the 'ready' seed (tests/conftest.py SEEDS)."""
    return ready_url


@pytest.fixture
def ready(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    """The shipped regions and catalogue, three reporters, a reviewer, and 成都's
    2025 GDP reported and accepted."""
    with transaction(factory) as session:
        for name, regions, address in [
            ("cd", [CHENGDU], "cd@example.cn"),
            ("wz", [WANZHOU], "wz@example.cn"),
            ("cq", [CHONGQING], None),
        ]:
            user = create_user(
                session, name, "a-long-password", "reporter", f"{name}填报员", regions
            )
            user.email = address
        create_user(session, "rv", "a-long-password", "reviewer").email = "rv@example.cn"
        session.add(
            models.Observation(
                indicator_id="gdp",
                region_code=CHENGDU,
                period="2025",
                layer="reported",
                value=23511.3,
                unit="亿元",
            )
        )
    return factory


def _reminders(factory: sessionmaker[Session]) -> list[models.Reminder]:
    with factory() as session:
        return list(session.scalars(select(models.Reminder).order_by(models.Reminder.id)))


def test_rmj001_reminders_and_mail_once_for_the_templates_rows(
    ready: sessionmaker[Session],
) -> None:
    mailer = FakeMailer()
    created = overdue_job(ready, TODAY, mailer)
    rows = _reminders(ready)
    assert created == len(rows) > 0
    with ready() as session:
        pairs = stored_expected_pairs(session)
    statistics = [r for r in rows if r.project_id is None]  # the others: project dispatches
    assert {(r.region_code, r.indicator_id) for r in statistics} <= pairs
    keys = {(r.region_code, r.indicator_id, r.period) for r in statistics}
    assert (CHENGDU, "gdp", "2025") not in keys  # reported and accepted
    assert (CHENGDU, "gdp", "2024") not in keys  # before the calendar's start (2025)
    wanzhou = next(
        r for r in rows if (r.region_code, r.indicator_id, r.period) == (WANZHOU, "gdp", "2025")
    )
    assert wanzhou.message == "万州区 2025年 地区生产总值 数据已逾期（应于 2026-03-31 前报送）"
    # one message per reporter with an address, listing that reporter's reminders
    assert sorted(m["To"] for m in mailer.sent) == ["cd@example.cn", "wz@example.cn"]
    to_wz = next(m for m in mailer.sent if m["To"] == "wz@example.cn")
    own = [r for r in rows if r.region_code == WANZHOU]
    assert (
        to_wz["Subject"]
        == f"【成渝地区双城经济圈规划目标监测平台】数据报送逾期提醒（{len(own)} 项）"
    )
    body = to_wz.get_content()
    assert body.startswith("wz填报员：")
    # one line per region and reporting year, with the count and the earliest due date:
    # monthly indicators owe January 2025 by 15 February: the earliest of the year
    late = [r for r in own if r.project_id is None and r.period.startswith("2025")]
    first = min(r.due_date for r in late)
    lines = body.splitlines()
    digest = f"· 万州区：2025年度 {len(late)} 项逾期，最早截止 {first:%Y-%m-%d}"
    assert digest in lines and first == date(2025, 2, 15)
    names = lines[lines.index(digest) + 1]  # ten names, and how many indicators in all
    assert names.count("、") == 9 and names.endswith(
        f"等 {len({r.indicator_id for r in late})} 个指标"
    )
    assert to_wz["From"] == "ccec-monitor@localhost"
    mailed = {r.region_code for r in rows if r.emailed_at is not None}
    assert mailed == {CHENGDU, WANZHOU}  # 重庆市's reporter has no address
    # a second run the same day (or the next) writes and sends nothing again
    assert overdue_job(ready, TODAY, mailer) == 0
    assert overdue_job(ready, date(2026, 4, 2), mailer) == 0
    assert len(mailer.sent) == 2 and len(_reminders(ready)) == len(rows)


def test_rmj002_a_refused_message_is_sent_on_the_next_run(ready: sessionmaker[Session]) -> None:
    first = FakeMailer(refuse=("wz@example.cn",))
    overdue_job(ready, TODAY, first)
    assert [m["To"] for m in first.sent] == ["cd@example.cn"]
    assert all(r.emailed_at is None for r in _reminders(ready) if r.region_code == WANZHOU)
    second = FakeMailer()
    assert overdue_job(ready, TODAY, second) == 0
    assert [m["To"] for m in second.sent] == ["wz@example.cn"]
    assert all(r.emailed_at is not None for r in _reminders(ready) if r.region_code == WANZHOU)


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: greeting, EHLO, MAIL, RCPT, DATA, QUIT."""

    def handle(self) -> None:
        self.wfile.write(b"220 fake ESMTP\r\n")
        lines: list[bytes] | None = None
        while raw := self.rfile.readline():
            if lines is not None:
                if raw == b".\r\n":
                    self.server.received.append(b"".join(lines))  # type: ignore[attr-defined]
                    lines = None
                    self.wfile.write(b"250 queued\r\n")
                else:
                    lines.append(raw[1:] if raw.startswith(b"..") else raw)
                continue
            verb = raw[:4].upper()
            if verb == b"EHLO":
                self.wfile.write(b"250-fake\r\n250 8BITMIME\r\n")
            elif verb == b"DATA":
                lines = []
                self.wfile.write(b"354 end with .\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, list[bytes]]]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpHandler)
    server.daemon_threads = True
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], server.received  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_rmj003_smtplib_to_a_server_named_in_the_environment(
    ready: sessionmaker[Session],
    smtp_server: tuple[int, list[bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port, received = smtp_server
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(port))
    monkeypatch.setenv("SMTP_FROM", "monitor@cyjjq.example.cn")
    assert overdue_job(ready, TODAY) > 0
    messages = [email.message_from_bytes(raw, policy=default_policy) for raw in received]
    assert sorted(m["To"] for m in messages) == ["cd@example.cn", "wz@example.cn"]
    to_cd = next(m for m in messages if m["To"] == "cd@example.cn")
    assert to_cd["From"] == "monitor@cyjjq.example.cn"
    assert "数据报送逾期提醒" in to_cd["Subject"]
    content = to_cd.get_content()
    assert "\n· 成都市：2025年度 " in content and "项逾期，最早截止 2025-02-15\n" in content


def test_rmj004_an_unreachable_server_keeps_the_reminders(
    ready: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(port))
    with pytest.raises(MailError, match="已新增逾期提醒 \\d+ 条，但无法连接邮件服务器"):
        overdue_job(ready, TODAY)
    rows = _reminders(ready)
    assert rows and all(r.emailed_at is None for r in rows)


def test_rmj005_without_smtp_host_no_mail_is_attempted(ready: sessionmaker[Session]) -> None:
    assert overdue_job(ready, TODAY) > 0
    assert all(r.emailed_at is None for r in _reminders(ready))


def test_rmj006_smtp_settings_from_the_environment() -> None:
    assert smtp_config({}) is None
    assert smtp_config({"SMTP_HOST": "  "}) is None
    assert smtp_config({"SMTP_HOST": "mail.gov.cn"}) == SmtpConfig(
        "mail.gov.cn", 25, "ccec-monitor@localhost"
    )
    assert smtp_config(
        {"SMTP_HOST": "mail.gov.cn", "SMTP_PORT": "587", "SMTP_FROM": "a@b.cn"}
    ) == SmtpConfig("mail.gov.cn", 587, "a@b.cn")
    with pytest.raises(MailError, match="SMTP_PORT 的值 'twenty-five' 不是整数"):
        smtp_config({"SMTP_HOST": "mail.gov.cn", "SMTP_PORT": "twenty-five"})


def test_rmj007_the_scheduled_job_is_recorded_and_runs_daily_at_six(
    ready: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch, sqlite_url: str, tmp_path: Path
) -> None:
    monkeypatch.setattr(job, "beijing_today", lambda: TODAY)
    assert overdue_reminders_job(ready) is True
    with ready() as session:
        runs = session.scalars(
            select(models.JobRun).where(models.JobRun.job == "overdue_reminders")
        ).all()
    assert [r.ok for r in runs] == [True] and int(runs[0].detail) == len(_reminders(ready))
    scheduler = build_scheduler(sqlite_url, tmp_path / "drop")
    jobs = {j.id: j for j in scheduler.get_jobs()}
    assert set(jobs) == {
        "drop_folder",
        "recompute_progress",
        "recovery",
        "overdue_reminders",
        "backup",
    }
    for stored in jobs.values():  # the persistent job store pickles every job's arguments
        assert stored.func is scheduled and pickle.loads(pickle.dumps(stored.args))
    trigger = str(jobs["overdue_reminders"].trigger)
    assert "hour='6'" in trigger and "minute='0'" in trigger
    # what the store will call: the job's name, no URL; the database is the settings'
    assert jobs["overdue_reminders"].args == ("overdue_reminders",)
    url = ready.kw["bind"].url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    assert scheduled(*jobs["overdue_reminders"].args) is True
    sched._factories.pop(url).kw["bind"].dispose()
    with ready() as session:
        runs = session.scalars(
            select(models.JobRun).where(models.JobRun.job == "overdue_reminders")
        ).all()
    assert [r.detail for r in runs] == [runs[0].detail, "0"]  # nothing new the second time


def test_rmj010_the_demo_database_gives_one_reminder_per_region_and_deadline(
    full_url: str,
) -> None:
    """Frozen clock (1 April 2026) on the demo database (manage.py init: sample data,
    published figures): what people read is one line per region and reporting year,
    so never two for one region and deadline, each with its count and earliest date."""
    engine = make_engine(full_url)
    factory = make_session_factory(engine)
    assert overdue_job(factory, TODAY, FakeMailer()) > 0
    stored = _reminders(factory)
    with factory() as session:
        digests, count = digests_for(session, Account(0, "admin", "管理员", "admin"))
    assert count == len(digests) > 0
    keys = [(d.region_code, d.year, d.kind) for d in digests]
    assert len(keys) == len(set(keys))
    per_deadline: dict[tuple[str, date], set[tuple[str, str, str]]] = {}
    for r in stored:
        per_deadline.setdefault((r.region_code, r.due_date), set()).add(
            (r.region_code, r.period[:4], r.kind)
        )
    assert all(len(lines) == 1 for lines in per_deadline.values())
    assert sum(d.count for d in digests) == len(stored)
    chengdu = next(
        d for d in digests if (d.region_code, d.year, d.kind) == (CHENGDU, "2025", "overdue")
    )
    late = [
        r
        for r in stored
        if r.region_code == CHENGDU and r.kind == "overdue" and r.period.startswith("2025")
    ]
    assert chengdu.message == (
        f"成都市：2025年度 {len(late)} 项逾期，最早截止 {min(r.due_date for r in late):%Y-%m-%d}"
    )
    assert len(digests) <= len({r.region_code for r in stored}) * 2  # a year, two kinds
    engine.dispose()


def test_rmj008_expected_pairs_are_the_templates_rows() -> None:
    directory = load_region_directory(CONFIG_DIR / "regions.yaml")
    catalogue = read_catalogue_files(directory)
    pairs = expected_pairs(catalogue, directory)
    assert {i for r, i in pairs if r == CHENGDU} == {
        i.id for i in owed_indicators(catalogue, directory, CHENGDU)
    }
    codes = {r for r, _ in pairs}
    assert all(not directory[c].is_grouping and directory[c].in_circle != "outside" for c in codes)
    assert expected_pairs(catalogue, directory) is pairs  # computed once


def test_rmj009_the_pages_matrix_uses_the_calendar_and_the_templates(
    ready: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    frame = reporting_matrix(ready, "2025", TODAY, regions=[CHENGDU])
    states = frame.set_index(["indicator_id", "period"]).state
    assert states[("gdp", "2025")] == "approved"
    assert states[("gdp", "2025")] == "approved"
    with ready() as session:
        pairs = stored_expected_pairs(session)
    assert set(frame.indicator_id) == {i for r, i in pairs if r == CHENGDU}
    later = tmp_path / "calendar.yaml"
    later.write_text(
        "rules:\n  annual: {months_after: 6, day: 30}\n"
        "  quarterly: {months_after: 1, day: 20}\n  monthly: {months_after: 1, day: 15}\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(job, "CALENDAR_FILE", later)
    moved = reporting_matrix(ready, "2025", TODAY, regions=[WANZHOU], indicators=["gdp"])
    moved = moved[moved.period == "2025"]
    assert moved.due_date.tolist() == [date(2026, 6, 30)] and moved.state.tolist() == ["missing"]


def test_rmj_since001_history_before_the_start_is_never_overdue(
    ready: sessionmaker[Session],
) -> None:
    """Frozen clock (1 April 2026), the shipped calendar (start: 2025): 报送进度 of
    2019 or 2024 owes nothing, 2025 owes what its template asks; the overdue job
    reminds of no period before 2025, and running it again adds nothing."""
    assert job.reporting_calendar().start == "2025"
    for year in ("2019", "2024"):
        assert reporting_matrix(ready, year, TODAY).empty, year
    owed = reporting_matrix(ready, "2025", TODAY)
    assert not owed.empty and set(owed.period.str[:4]) == {"2025"}
    assert overdue_job(ready, TODAY, FakeMailer()) > 0
    periods = {r.period for r in _reminders(ready) if r.kind == "overdue"}
    assert periods and min(periods) >= "2025"
    assert overdue_job(ready, TODAY, FakeMailer()) == 0


def test_rmj010_late_project_dispatches_are_reminded_once_to_the_projects_region(
    ready: sessionmaker[Session],
) -> None:
    with transaction(ready) as session:
        file_report(session, "HY06", "2026-01", 0.3, "航道疏浚进场", "cq")
    overdue_job(ready, TODAY, FakeMailer())
    dispatch = [r for r in _reminders(ready) if r.kind == "dispatch"]
    keys = {(r.project_id, r.period) for r in dispatch}
    # 1 April: January–March were due (the 25th of each month); HY06 sent January
    assert ("HY06", "2026-02") in keys and ("HY06", "2026-01") not in keys
    assert not any(period == "2026-04" for _, period in keys)
    late = next(r for r in dispatch if (r.project_id, r.period) == ("HY06", "2026-03"))
    assert late.region_code == CHONGQING and late.indicator_id is None
    assert late.message.endswith("2026-03 调度信息已逾期（应于 2026-03-25 前报送）")
    with ready() as session:
        cq = session.scalars(select(models.User).where(models.User.username == "cq")).one()
        shown = {(r.project_id, r.period) for r in reminders_for(session, cq)}
    assert ("HY06", "2026-03") in shown
    with transaction(ready) as session:  # the report arrives: the reminder is done
        file_report(session, "HY06", "2026-03", 0.9, "护岸施工", "cq")
    with ready() as session:
        shown = {(r.project_id, r.period) for r in reminders_for(session, cq)}
    assert ("HY06", "2026-03") not in shown and ("HY06", "2026-02") in shown
    assert overdue_job(ready, TODAY, FakeMailer()) == 0
