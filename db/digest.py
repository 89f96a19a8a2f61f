"""A digest of a set of rows known by their ids: what a reply computed from those rows
is kept by (dashboard/page_cache.py).

It holds for tables whose rows the app only inserts and deletes (or, for
observations, retires), never edits in place: a row that changes is a new row with a
new id. The digest is the rows' count, a sum of their ids scattered by a
multiplicative hash (two sets of ids give the same sum only by a one-in-four-billion
chance — a plain sum or the highest id would not see a PostgreSQL writer that took a
lower id commit after one that took a higher one and delete a row meanwhile), the
highest id and the latest write time (SQLite reuses the ids of deleted rows, not
their write times).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, ColumnElement, cast, func, literal
from sqlalchemy.orm import InstrumentedAttribute

_SCATTER = 2654435761  # Knuth's multiplicative hash
_SCATTER_MOD = 4294967291  # the largest prime below 2**32


def digest_columns(
    row_id: InstrumentedAttribute[int], written: InstrumentedAttribute[Any]
) -> tuple[ColumnElement[Any], ...]:
    """The columns of the digest of the rows a query selects: count, scattered sum of
    ``row_id``, highest ``row_id``, latest ``written``."""
    big = BigInteger()  # PostgreSQL's integer would overflow
    scattered = func.sum((cast(row_id, big) * literal(_SCATTER, big)) % literal(_SCATTER_MOD, big))
    return func.count(), scattered, func.max(row_id), func.max(written)


def digest_text(values: tuple[Any, ...]) -> str:
    """The digest's values as one string (part of a cache key)."""
    return "/".join(str(x) for x in values)
