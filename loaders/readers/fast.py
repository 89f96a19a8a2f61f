"""A column-wise reader for large files in the project's own CSV template.

Systems that push a year of monthly figures for every unit send hundreds of
thousands of rows in the plain template; reading them cell by cell through the
general layout finder costs seconds per hundred thousand rows. When the first
line is exactly a template header and nothing follows the data (no 注 or
数据来源 lines), pandas reads the columns at once; the records are the same as
the general path's (a test holds the two to it).
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import pandas as pd

from loaders.readers.labels import BLANKS, template_role, unit_in_label
from loaders.readers.model import COLUMNS, RawTable, ReadError, column_letter
from loaders.readers.text import decode

MIN_BYTES = 1_000_000
REQUIRED = {"region", "indicator", "period", "value"}
NO_ROWS = "找到了表头，但表头下面没有数据行"


def fast_template(name: str, content: bytes, min_bytes: int = MIN_BYTES) -> RawTable | None:
    """The records of a large plain template CSV, or None to use the general path."""
    if len(content) < min_bytes:
        return None
    text, encoding = decode(name, content)
    header_line = text[: text.find("\n")].rstrip("\r")
    if "\t" in header_line or '"' in header_line:
        return None
    headers = header_line.split(",")
    roles = [template_role(h) for h in headers]
    if not REQUIRED <= set(roles) or len(set(r for r in roles if r)) != len(
        [r for r in roles if r]
    ):
        return None
    tail = text[-4096:].splitlines()
    if any(line.lstrip(BLANKS).startswith(("注", "数据来源", "资料来源")) for line in tail):
        return None
    frame = pd.read_csv(
        io.StringIO(text),
        dtype=str,
        keep_default_na=False,
        header=0,
        names=[f"c{i}" for i in range(len(headers))],
        skip_blank_lines=False,
        engine="c",
    )
    columns = {role: f"c{i}" for i, role in enumerate(roles) if role}
    cleaned = {role: _clean(frame[column]) for role, column in columns.items()}
    filled = pd.concat(list(cleaned.values()), axis=1).notna().any(axis=1)
    rows = frame.index[filled]
    unit = cleaned.get("unit", pd.Series(None, index=frame.index, dtype=object))
    indicator = cleaned["indicator"]
    missing_unit = unit.isna() & indicator.notna()
    labels = {label: unit_in_label(label) for label in indicator[missing_unit].unique()}
    if labels:
        found = [
            labels.get(label) if gap else u
            for label, u, gap in zip(indicator, unit, missing_unit, strict=True)
        ]
        unit = pd.Series(found, index=frame.index, dtype=object)
    count = int(filled.sum())
    if count == 0:  # only blank lines under the header: refused as the general path does
        raise ReadError(name, NO_ROWS, None, 1)

    def column(values: Iterable[object]) -> pd.Series:
        # object dtype, so that None stays None (pandas 3 would infer str and NaN)
        return pd.Series(list(values), dtype=object)

    records = pd.DataFrame(
        {
            "sheet": column([""] * count),
            "row": pd.Series((rows + 2).to_numpy(), dtype="int64"),
            "column": column([column_letter(roles.index("value"))] * count),
            "region": column(cleaned["region"][filled]),
            "indicator": column(indicator[filled]),
            "period": column(cleaned["period"][filled]),
            "value": column(cleaned["value"][filled]),
            "unit": column(unit[filled]),
            "note": column(cleaned["note"][filled] if "note" in cleaned else [None] * count),
        },
        columns=list(COLUMNS),
    )
    return RawTable(records.reset_index(drop=True), "template", encoding, None, (), None)


def _clean(column: pd.Series) -> pd.Series:
    """Stripped text, None where nothing is left (as ``labels.clean`` does per cell)."""
    stripped = column.str.strip(BLANKS).tolist()
    return pd.Series([v or None for v in stripped], index=column.index, dtype=object)
