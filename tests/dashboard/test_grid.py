"""The one grid builder (dashboard/components/grid.py): every page's table comes from it,
in the page's language, with the app's common options."""

from __future__ import annotations

import re

from config.settings import PROJECT_ROOT
from dashboard.components.grid import PAGE_SIZES, WRAPPED, grid
from dashboard.i18n import GRID_LOCALE_ZH

COLUMNS = [("name", "名称", "Name", 200), ("note", "说明", "Note", 300)]


def test_grd001_headers_and_grid_words_follow_the_language() -> None:
    zh = grid("g", COLUMNS, "zh", height=300)
    en = grid("g", COLUMNS, "en", height=300)
    assert [c["headerName"] for c in zh.columnDefs] == ["名称", "说明"]
    assert [c["headerName"] for c in en.columnDefs] == ["Name", "Note"]
    assert [c["width"] for c in zh.columnDefs] == [200, 300]
    assert zh.dashGridOptions["localeText"] == GRID_LOCALE_ZH and GRID_LOCALE_ZH
    assert en.dashGridOptions["localeText"] == {}  # AG Grid's own English
    assert zh.defaultColDef == {"sortable": True, "resizable": True}
    assert all(c["filter"] is True for c in zh.columnDefs)
    assert not any("filter" in c for c in grid("g", COLUMNS, "zh", filter=False).columnDefs)


def test_grd002_height_paging_wrapping_row_ids_and_hidden_fields() -> None:
    boxed = grid("g", COLUMNS, "zh", height=420, rows=[{"name": "a"}])
    assert boxed.style == {"height": "420px"} and "domLayout" not in boxed.dashGridOptions
    assert boxed.rowData == [{"name": "a"}]
    grown = grid("g", COLUMNS, "zh")
    assert grown.style == {} and grown.dashGridOptions["domLayout"] == "autoHeight"
    assert grown.rowData == []

    paged = grid("g", COLUMNS, "zh", page_size=50, wrap={"note"}, row_id="id", hidden=["id"])
    assert paged.dashGridOptions["pagination"] is True
    assert paged.dashGridOptions["paginationPageSize"] == 50
    assert "paginationPageSizeSelector" not in paged.dashGridOptions  # 50 is offered
    name, note, hidden = paged.columnDefs
    assert "wrapText" not in name and note.items() >= WRAPPED.items()
    assert hidden == {"field": "id", "hide": True}
    assert paged.getRowId == "params.data.id"
    assert not hasattr(grown, "getRowId") or grown.getRowId is None

    # a size AG Grid does not offer: no chooser (it would warn in the console)
    odd = grid("g", COLUMNS, "zh", page_size=25)
    assert 25 not in PAGE_SIZES and odd.dashGridOptions["paginationPageSizeSelector"] is False


def test_grd003_a_column_or_grid_of_its_own_keeps_the_rest() -> None:
    built = grid(
        "g",
        COLUMNS,
        "en",
        column_extra={"name": {"pinned": "left", "filter": False}},
        default_column={"flex": 1},
        selection={"mode": "singleRow"},
        options={"quickFilterText": "x"},
        columnSize="responsiveSizeToFit",
    )
    name, note = built.columnDefs
    assert name == {"field": "name", "headerName": "Name", "width": 200, "pinned": "left"} | {
        "filter": False
    }
    assert note["filter"] is True
    assert built.defaultColDef == {"sortable": True, "resizable": True, "flex": 1}
    assert built.dashGridOptions["rowSelection"] == {"mode": "singleRow"}
    assert built.dashGridOptions["quickFilterText"] == "x"
    assert built.columnSize == "responsiveSizeToFit"


def test_grd004_no_page_builds_a_grid_of_its_own() -> None:
    """Every AG Grid of the web layer comes from the shared builder."""
    builder = PROJECT_ROOT / "dashboard" / "components" / "grid.py"
    own = [
        f"{path.relative_to(PROJECT_ROOT)}:{number}"
        for path in sorted((PROJECT_ROOT / "dashboard").rglob("*.py"))
        if path != builder
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\bAgGrid\(|(?<!def )grid_locale\(", line)
    ]
    assert own == []
