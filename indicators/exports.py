"""Cells leaving the monitor in a CSV or Excel file, made safe to open.

A spreadsheet takes a cell beginning with ``=``, ``+``, ``-`` or ``@`` (or a tab
or carriage return before one) for a formula: a user name like
``=HYPERLINK("http://…"&B2,"点击查看")`` in the audit log would become a link
that sends the neighbouring cells away when clicked (OWASP "CSV injection").
Every export passes its cells through ``spreadsheet_cell`` (one value) or
``spreadsheet_safe`` (a whole table): such text gets a leading apostrophe, which
spreadsheets show as text and never evaluate. Only text changes: numbers,
negative numbers included, stay numbers.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any) -> Any:
    """``value`` as a spreadsheet will not run it: text beginning like a formula
    gets a leading ``'``; anything else is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and column names) pass ``spreadsheet_cell``;
    numeric, date and boolean columns are left as they are."""
    safe = frame.rename(columns=spreadsheet_cell)
    for position in range(safe.shape[1]):
        column = safe.iloc[:, position]
        if pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column):
            safe.isetitem(position, column.map(spreadsheet_cell))
    return safe
