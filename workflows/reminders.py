"""报送进度 and the daily overdue job: reminders in the app, and by e-mail.

The job writes one reminder per region × indicator × period that is overdue
(db/reminders.py; running it again creates nothing new) and, when an SMTP
server is configured, sends every reporter of those regions one e-mail listing
theirs. E-mail settings come from config/settings.py (environment variables):

- ``SMTP_HOST``: the relay; empty (the default) means no e-mail;
- ``SMTP_PORT``: default 25;
- ``SMTP_FROM``: the sender address, default ``ccec-monitor@localhost``.

A reminder whose e-mail could not be sent keeps ``emailed_at`` empty and is
tried again by the next runs for a few days (RETRY), never as an old backlog.

Which pairs are expected is the region's reporting duty
(indicators.reporting_duty.owed_indicators), the rows of its template and online
form, so a reporter is reminded of exactly those. Deadlines are Beijing dates.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from config.clock import beijing_today
from config.settings import CONFIG_DIR, DEFAULT_SENDER, SettingsError, load_settings
from db.catalogue import stored_catalogue
from db.completeness import completeness_matrix
from db.regions import load_directory
from db.reminders import (
    Pending,
    Recipient,
    create_overdue_reminders,
    digest_message,
    mark_emailed,
    recipients,
    unsent,
)
from db.session import transaction
from indicators.catalogue import Catalogue
from indicators.regions import RegionDirectory
from indicators.reporting_calendar import (
    ReportingCalendar,
    load_reporting_calendar,
)
from indicators.reporting_duty import owed_indicators
from workflows.projects import overdue_dispatch_reminders

log = logging.getLogger(__name__)
CALENDAR_FILE = CONFIG_DIR / "reporting_calendar.yaml"
RETRY = timedelta(days=3)
SUBJECT = "【成渝地区双城经济圈规划目标监测平台】数据报送逾期提醒（{count} 项）"


class Mailer(Protocol):
    """What the job needs of a mail connection (``smtplib.SMTP`` has it)."""

    def send_message(self, msg: EmailMessage) -> object: ...


class MailError(RuntimeError):
    """The SMTP server could not be reached; the reminders are stored all the same."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    sender: str


def smtp_config(environ: Mapping[str, str] | None = None) -> SmtpConfig | None:
    """The mail relay from the settings (config/settings.py); None when SMTP_HOST is empty."""
    try:
        settings = load_settings(environ)
    except SettingsError as error:
        raise MailError(str(error)) from None
    host = settings.smtp_host.strip()
    if not host:
        return None
    return SmtpConfig(host, settings.smtp_port, settings.smtp_from.strip() or DEFAULT_SENDER)


_calendars: dict[tuple[str, int], ReportingCalendar] = {}


def reporting_calendar(path: Path | None = None) -> ReportingCalendar:
    """The checked calendar file (default CALENDAR_FILE), read again only when it changes."""
    path = path or CALENDAR_FILE
    key = (str(path), Path(path).stat().st_mtime_ns if Path(path).exists() else -1)
    if key not in _calendars:
        _calendars.clear()
        _calendars[key] = load_reporting_calendar(path)
    return _calendars[key]


_pairs: dict[tuple[object, ...], frozenset[tuple[str, str]]] = {}


def expected_pairs(catalogue: Catalogue, directory: RegionDirectory) -> frozenset[tuple[str, str]]:
    """(region_code, indicator_id) for every unit in the circle and every
    indicator of its reporting duty (the rows of its template and online form);
    computed once per catalogue and regions (the duty reads targets' sentences
    and indicators' sources, so both are in the key)."""
    key = (
        tuple(sorted((r.code, r.level, r.in_circle, r.members) for r in directory)),
        tuple(sorted((e.scope_code, e.indicator_id, e.quote) for e in catalogue.targets)),
        tuple(
            sorted(
                (i.id, i.aggregation, i.components, i.source) for i in catalogue.indicators.values()
            )
        ),
    )
    cached = _pairs.get(key)
    if cached is not None:
        return cached
    units = [r for r in directory if not r.is_grouping and r.in_circle != "outside"]
    concerned: dict[str, set[str]] = {}
    pairs = frozenset(
        (unit.code, indicator.id)
        for unit in units
        for indicator in owed_indicators(catalogue, directory, unit.code, concerned)
    )
    _pairs.clear()
    _pairs[key] = pairs
    return pairs


def stored_expected_pairs(session: Session) -> frozenset[tuple[str, str]]:
    """``expected_pairs`` of the stored catalogue and regions."""
    return expected_pairs(stored_catalogue(session), load_directory(session))


def reporting_matrix(
    factory: sessionmaker[Session],
    period: str,
    today: date | None = None,
    regions: list[str] | None = None,
    indicators: list[str] | None = None,
) -> pd.DataFrame:
    """The 报送进度 matrix as the page should show it: the configured calendar (its
    rules and its first period: nothing earlier is owed) and the templates'
    obligations (see db.completeness.completeness_matrix)."""
    calendar = reporting_calendar()
    with factory() as session:
        expected = stored_expected_pairs(session)
        return completeness_matrix(
            session,
            period,
            today or beijing_today(),
            regions,
            indicators,
            calendar.rules,
            expected,
            since=calendar.start,
        )


def overdue_job(
    factory: sessionmaker[Session], today: date | None = None, mailer: Mailer | None = None
) -> int:
    """Create the overdue reminders of ``today`` (default: today in Beijing) and
    e-mail them; returns how many reminders are new.

    ``mailer`` is any object with ``send_message`` (tests pass a fake); without
    one, SMTP_HOST decides whether mail goes out through smtplib.
    """
    today = today or beijing_today()
    calendar = reporting_calendar()
    with factory() as session:
        expected = stored_expected_pairs(session)
    with transaction(factory) as session:
        created = len(
            create_overdue_reminders(session, today, calendar.rules, calendar.start, expected)
        )
        created += overdue_dispatch_reminders(session, today)
    log.info("逾期提醒：新增 %d 条（%s）", created, today.isoformat())
    if mailer is not None:
        _email(factory, mailer, smtp_config() or SmtpConfig("", 0, DEFAULT_SENDER))
        return created
    config = smtp_config()
    if config is None:
        return created
    try:
        with smtplib.SMTP(config.host, config.port, timeout=30) as smtp:
            _email(factory, smtp, config)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(
            f"已新增逾期提醒 {created} 条，但无法连接邮件服务器 {config.host}:{config.port}：{exc}"
        ) from exc
    return created


def _email(factory: sessionmaker[Session], mailer: Mailer, config: SmtpConfig) -> int:
    """Send each reporter one message listing their unsent reminders; returns the
    number of messages sent. Reading, sending and recording are separate steps,
    so no transaction stays open while the mail server answers."""
    with factory() as session:
        pending = unsent(session, datetime.now(UTC) - RETRY)
        people = recipients(session, {p.region_code for p in pending})
    inbox: dict[int, tuple[Recipient, list[Pending]]] = {}
    for item in pending:
        for person in people.get(item.region_code, []):
            if item.user_id is None or item.user_id == person.user_id:
                inbox.setdefault(person.user_id, (person, []))[1].append(item)
    sent_ids: set[int] = set()
    sent = 0
    for person, items in inbox.values():
        try:
            mailer.send_message(_message(config.sender, person, items))
        except (OSError, smtplib.SMTPException) as exc:  # one bad address must not stop the rest
            log.warning("逾期提醒邮件未能发送给 %s：%s", person.email, exc)
            continue
        sent += 1
        sent_ids.update(item.id for item in items)
    with transaction(factory) as session:
        mark_emailed(session, sent_ids, datetime.now(UTC))
    log.info("逾期提醒：发送邮件 %d 封", sent)
    return sent


NAMES_IN_MAIL = 10


def _message(sender: str, person: Recipient, items: list[Pending]) -> EmailMessage:
    """One line per region and reporting year, as the app shows it (成都市：2025年度
    23 项逾期，最早截止 2026-03-31), naming up to ten of the indicators; a first
    run can owe a region well over a hundred figures, listed one per line nobody
    would read them."""
    message = EmailMessage()
    message["Subject"] = SUBJECT.format(count=len(items))
    message["From"] = sender
    message["To"] = person.email
    lines = [
        f"{person.display_name}：",
        "",
        "以下数据已超过报送截止日期，请尽快通过监测平台报送：",
        "",
    ]
    groups: dict[tuple[str, str], list[Pending]] = {}
    for item in items:
        groups.setdefault((item.region_name, item.period[:4]), []).append(item)
    for (region_name, year), group in groups.items():
        named = [i for i in group if i.indicator_name]
        if named:
            earliest = min(i.due_date for i in named)
            names = list(dict.fromkeys(str(i.indicator_name) for i in named))
            more = f" 等 {len(names)} 个指标" if len(names) > NAMES_IN_MAIL else ""
            lines.append(f"· {digest_message(region_name, year, 'overdue', len(named), earliest)}")
            lines.append(f"  {'、'.join(names[:NAMES_IN_MAIL])}{more}")
        lines += [f"· {i.message}" for i in group if not i.indicator_name]
    lines += ["", "详情请登录监测平台查看“报送进度”。本邮件由系统自动发送，请勿直接回复。"]
    message.set_content("\n".join(lines))
    return message
