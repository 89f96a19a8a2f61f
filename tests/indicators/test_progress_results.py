"""/api/v1/progress's items written once (indicators/progress_results.py): the text of
a ``computed_at`` depends on which distinct stamps an answer holds, and the stored
form gives back the same answers (tests prr)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from indicators.progress_results import (
    Results,
    from_plain,
    results_of,
    stamps_as_text,
    to_plain,
)

BASE = datetime(2026, 12, 7, 3, 1, 2)
NAIVE = [
    datetime(2026, 12, 7),  # midnight: alone, pandas writes the date only
    datetime(2026, 12, 6),
    BASE,
    BASE.replace(microsecond=120000),  # milliseconds
    BASE.replace(microsecond=123456),  # microseconds
]
ZONES = [UTC, ZoneInfo("Asia/Shanghai"), timezone(timedelta(hours=8))]


def _results(stamps: list[datetime]) -> Results:
    return Results(
        keys=[("i", f"t{n}", "s") for n in range(len(stamps))],
        stamps=stamps,
        encoded=[("{", "}") for _ in stamps],
    )


@pytest.mark.parametrize("zone", [None, *ZONES])
def test_prr001_stamp_texts_are_those_of_the_answer_the_items_make(zone: object) -> None:
    """Every pick of items (repeats included) gets the text ``astype(str)`` gives
    the column of exactly those stamps, in one time zone or none."""
    stamps = [s if zone is None else s.replace(tzinfo=zone) for s in NAIVE]  # type: ignore[arg-type]
    stamps += stamps[:2]  # the same stamp on several items
    results = _results(stamps)
    for size in range(1, 4):
        for picked in itertools.permutations(range(len(stamps)), size):
            texts = results.stamp_texts(list(picked))
            expected = stamps_as_text([stamps[n] for n in picked])
            assert [t.strip('"') for t in texts] == expected, picked


@pytest.mark.parametrize("zone", [None, *ZONES])
def test_prr002_stored_items_give_the_same_answers(zone: object) -> None:
    """``from_plain(to_plain(r))`` answers every filter with the bytes ``r`` gives
    (a stamp's zone comes back as an offset; its text is the same)."""
    columns = ["target_id", "indicator_id", "scope_code", "status", "computed_at", "value"]
    rows = [
        (f"t{n}", "gdp" if n % 2 else "pop", "500000" if n < 3 else "510100", "on_track",
         s if zone is None else s.replace(tzinfo=zone), None if n == 1 else n)  # type: ignore[arg-type]
        for n, s in enumerate(NAIVE)
    ]  # fmt: skip
    results = results_of(columns, rows)
    stored = from_plain(to_plain(results))
    assert stored is not None
    for wanted in ({}, {"indicator_id": "gdp"}, {"scope_code": "510100"}, {"target_id": "t3"}):
        picked = results.pick(wanted)
        assert stored.pick(wanted) == picked
        assert stored.body(picked) == results.body(picked)
        assert stored.items(picked) == results.items(picked)
    assert '"value":2.0' in results.body(results.pick({"target_id": "t2"}))  # a gap: floats
    assert from_plain(b'{"format":0,"items":[]}') is None  # another release's row
