"""The app's one data grid (AG Grid): every table on every page is built by ``grid``.

Why one builder: the grid's words in Chinese (AG Grid speaks English by default), sorting,
filtering and resizing, how a long cell wraps, paging and the height, and the row ids that
callbacks and browser tests rely on were set by hand in 18 places, three private helpers
among them, and had drifted apart (a table with no sorting, three ways of wrapping a cell).
A change to how tables behave is now made here once. The look is AG Grid's own theme (the
theming API's default, Quartz): no ``className`` is set, so no legacy theme CSS is mixed in.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import dash_ag_grid as dag

from dashboard.i18n import grid_locale, t

Column = tuple[str, str, str, int]
"""A column: its field, its Chinese and English headers, its width in pixels."""

# A wrapped cell grows to its text at a text line height: at the theme's row-height line
# spacing a five-line cell outgrew the height measured for it and ran into the next row.
# No cell padding: autoHeight would not count it.
WRAPPED: dict[str, Any] = {
    "wrapText": True,
    "autoHeight": True,
    "cellStyle": {"lineHeight": "1.6"},
}

# The page sizes AG Grid offers to choose from; another size is used without the choice.
PAGE_SIZES = (20, 50, 100)

# What every column may do unless a grid says otherwise.
DEFAULT_COLUMN: dict[str, Any] = {"sortable": True, "resizable": True}


def column_defs(
    columns: Sequence[Column],
    lang: str,
    *,
    filter: bool = True,
    wrap: Collection[str] = (),
    extra: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """AG Grid's column definitions in the page's language: ``wrap`` names the columns whose
    long text wraps, ``extra`` adds a column's own settings (a renderer, a tooltip, pinning)."""
    extra = extra or {}
    return [
        {"field": field, "headerName": t(lang, zh, en), "width": width}
        | ({"filter": True} if filter else {})
        | (WRAPPED if field in wrap else {})
        | dict(extra.get(field, {}))
        for field, zh, en, width in columns
    ]


def grid(
    id_: str,
    columns: Sequence[Column],
    lang: str,
    *,
    rows: list[dict[str, Any]] | None = None,
    height: int | None = None,
    page_size: int | None = None,
    filter: bool = True,
    wrap: Collection[str] = (),
    column_extra: Mapping[str, Mapping[str, Any]] | None = None,
    hidden: Sequence[str] = (),
    row_id: str | None = None,
    selection: Mapping[str, Any] | None = None,
    default_column: Mapping[str, Any] | None = None,
    options: Mapping[str, Any] | None = None,
    **props: Any,
) -> dag.AgGrid:
    """A grid with the app's common options.

    ``height`` in pixels gives a box that scrolls; ``None`` lets the grid grow to its rows
    (every row rendered, so the page prints whole and a test finds any row). ``page_size``
    pages the rows. ``hidden`` fields travel with each row (a tooltip's text, a callback's
    key) without a column. ``row_id`` names the field that keys a row, so a selection
    survives new row data (AG Grid wants strings). ``selection`` is AG Grid's
    ``rowSelection``; ``options`` and ``props`` are passed on for what only one grid needs.
    """
    grid_options: dict[str, Any] = {"localeText": grid_locale(lang)}
    if page_size is not None:
        grid_options |= {"pagination": True, "paginationPageSize": page_size}
        if page_size not in PAGE_SIZES:  # offered beside AG Grid's own sizes it would warn
            grid_options["paginationPageSizeSelector"] = False
    if height is None:
        grid_options["domLayout"] = "autoHeight"
    if selection is not None:
        grid_options["rowSelection"] = dict(selection)
    grid_options |= options or {}
    if row_id is not None:
        props["getRowId"] = f"params.data.{row_id}"
    return dag.AgGrid(
        id=id_,
        rowData=[] if rows is None else rows,
        columnDefs=column_defs(columns, lang, filter=filter, wrap=wrap, extra=column_extra)
        + [{"field": field, "hide": True} for field in hidden],
        defaultColDef=DEFAULT_COLUMN | dict(default_column or {}),
        dashGridOptions=grid_options,
        style={} if height is None else {"height": f"{height}px"},
        **props,
    )
