"""What a statement run through a session reports back.

``Session.execute`` is typed to return a plain ``Result`` whatever the statement;
an UPDATE or DELETE gives a ``CursorResult``, the one that counts rows. Callers
that need the count go through here, so the narrowing is checked at run time
instead of being assumed by a cast in each of them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import CursorResult, Result


def affected_rows(result: Result[*tuple[Any, ...]]) -> int:
    """How many rows the UPDATE or DELETE that gave ``result`` changed."""
    if not isinstance(result, CursorResult):
        raise TypeError(f"期望 UPDATE/DELETE 的结果，得到 {type(result).__name__}")
    return result.rowcount
