"""Online entry (在线填报): the reporter's template as a form on 数据填报.

The form's rows are the template's (loaders.templates.form_rows); what is typed
is checked by the intake's own validator (workflows.intake.check_records) on the
template's records, so a value the form accepts is one the file would accept
and the other way round; filing turns the form into the template's CSV and
sends it through the reporter's review workflow (workflows.review.submit, channel
``online``): a submission like a file, 待审核 until 数据审核 decides, with an
``upload`` audit event naming the channel 在线填报.

Every function checks the account against the region first (reporters only
for their own regions; reviewers and administrators for any): the page's
callbacks call them on every request, whatever the page showed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from db.drafts import delete_draft, draft_of, save_draft
from db.session import transaction
from indicators.access import AccessDenied, Account, may_submit, report_scope, require_report
from indicators.normalise import parse_period
from indicators.reporting_duty import DutyRow
from loaders.readers.model import COLUMNS, column_letter
from loaders.templates import (
    HEADER,
    VALUE_COLUMN,
    form_rows,
    period_label,
    table,
    template_csv,
)
from loaders.templates import (
    last_value_text as last_value_text,  # the page shows 上期数值 as the template does
)
from loaders.validate import Problem, Result
from workflows.intake import Outcome, check_records
from workflows.reference import reference_data
from workflows.review import submit

CHANNEL = "online"
FORM_FILE = "在线填报"
NOTE = "note:"
MAX_VALUE = 60  # characters of a typed value: a figure, not a text
MAX_NOTE = 500
FIRST_ROW = 2  # the form's first row is the template's row 2 (under its header)


@dataclass(frozen=True)
class Form:
    """A region's form for a period: its rows and the fields saved as a draft."""

    region_code: str
    region_name: str
    period: str  # canonical
    period_shown: str
    rows: list[DutyRow]
    draft: dict[str, str]


def _allowed(
    factory: sessionmaker[Session], account: Account | None, region_code: str
) -> tuple[Account, str]:
    """The signed-in account and the region's name, once the account may report for
    it (else AccessDenied)."""
    if account is None or not may_submit(account):
        raise AccessDenied("在线填报需以填报员账号登录")
    with factory() as session:
        directory = reference_data(session).directory
    region = directory.regions.get(str(region_code or ""))
    if region is None or region.is_grouping:
        raise AccessDenied("请选择要填报的地区")
    require_report(account, region.code, region.name_zh)
    return account, region.name_zh


def open_form(
    factory: sessionmaker[Session], account: Account | None, region_code: str, period: str
) -> Form:
    """The form of ``region_code`` for ``period`` and the account's draft of it.

    Raises AccessDenied (not the account's region) or NormaliseError (a period
    that cannot be read), both with a Chinese message."""
    reporter, name = _allowed(factory, account, region_code)
    canonical = parse_period(period)
    with factory() as session:
        reference = reference_data(session)
        rows = form_rows(session, reference.catalogue, reference.directory, region_code, canonical)
        draft = draft_of(session, reporter.id, region_code, canonical)
    return Form(region_code, name, canonical, period_label(canonical), rows, draft)


def clean_fields(form: Form, fields: Any) -> dict[str, str]:
    """The typed fields the form has (its indicators' values and notes), as text of
    bounded length; anything else a crafted request sends is dropped."""
    if not isinstance(fields, dict):
        return {}
    known = {row.indicator.id for row in form.rows}
    out: dict[str, str] = {}
    for key, raw in fields.items():
        key = str(key)
        indicator = key.removeprefix(NOTE)
        if indicator not in known or raw is None:
            continue
        text = str(raw).strip()[: MAX_NOTE if key.startswith(NOTE) else MAX_VALUE]
        if text:
            out[key] = text
    return out


def records(form: Form, fields: dict[str, str]) -> pd.DataFrame:
    """The template's records with the typed values, as the reader gives a file's."""
    grid = table(form.region_name, form.period_shown, form.rows, fields)
    column = column_letter(VALUE_COLUMN)
    role = {name: HEADER.index(name) for name in ("地区", "指标", "期间", "数值", "单位", "备注")}
    return pd.DataFrame(
        [
            {
                "sheet": "",
                "row": FIRST_ROW + i,
                "column": column,
                "region": line[role["地区"]],
                "indicator": line[role["指标"]],
                "period": line[role["期间"]],
                "value": line[role["数值"]] or None,
                "unit": line[role["单位"]],
                "note": line[role["备注"]] or None,
            }
            for i, line in enumerate(grid)
        ],
        columns=list(COLUMNS),  # the readers' record columns: the same validator reads both
    )


def check_form(
    factory: sessionmaker[Session], account: Account | None, form: Form, fields: dict[str, str]
) -> tuple[Result, dict[str, list[Problem]]]:
    """The validator's verdict on what is typed, and each row's problems by indicator."""
    reporter, _ = _allowed(factory, account, form.region_code)
    result = check_records(
        factory,
        records(form, fields),
        FORM_FILE,
        allowed_regions=report_scope(reporter),  # the same as a file's
        grouped=False,
    )
    by_row: dict[str, list[Problem]] = {}
    for problem in result.problems:
        index = (problem.row or 0) - FIRST_ROW
        if 0 <= index < len(form.rows):
            by_row.setdefault(form.rows[index].indicator.id, []).append(problem)
    return result, by_row


def save(
    factory: sessionmaker[Session], account: Account | None, form: Form, fields: dict[str, str]
) -> int:
    """Keep the typed fields as the account's draft; returns how many values it holds."""
    reporter, _ = _allowed(factory, account, form.region_code)
    with transaction(factory) as session:
        save_draft(session, reporter.id, form.region_code, form.period, fields)
    return sum(1 for key in fields if not key.startswith(NOTE))


def file(
    factory: sessionmaker[Session],
    account: Account | None,
    form: Form,
    fields: dict[str, str],
    *,
    address: str | None = None,
) -> Outcome:
    """Submit the form for review: the template's CSV with the typed values goes
    through the reporter's workflow (channel 在线填报); the draft goes once it is
    taken (待审核)."""
    reporter, _ = _allowed(factory, account, form.region_code)
    content = template_csv(table(form.region_name, form.period_shown, form.rows, fields))
    filename = f"{FORM_FILE}-{form.region_name}-{form.period_shown}.csv"
    outcome = submit(
        factory, filename, content, account, form.period, address=address, channel=CHANNEL
    )
    if outcome.ok:
        with transaction(factory) as session:
            delete_draft(session, reporter.id, form.region_code, form.period)
    return outcome
