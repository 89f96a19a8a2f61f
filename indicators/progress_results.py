"""/api/v1/progress's items of one as-of year, written once per progress version
and shared by every process (issue 19 item 4).

The route's answer is the snapshots of a year, joined to their target, plan,
indicator and scope names, as ``json_records`` of that frame and Flask's
``jsonify`` wrote them until 2026-12-07 (compact, keys sorted, Chinese unescaped): the tests
api011/api013 hold it to those bytes. Here each item's JSON is made once, in two
parts around its ``computed_at`` text, because that text depends on the other
items an answer holds (``stamps_as_text``); a request then filters on three plain
fields and joins strings. ``to_plain``/``from_plain``: the bytes
db/progress_views.py stores per progress version and year, written by the
background recompute right after its commit (workflows/progress_views.py) or by
the first worker that needs them, so that a worker on a new version reads one row
instead of the snapshots, and writes no JSON.

Pure: no database, no web framework."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from indicators.progress import STATUS_ZH

FORMAT = 1  # raised when the stored shape changes: older rows are then computed again
# the fields the route filters on, kept beside each item's JSON
KEYS = ("indicator_id", "target_id", "scope_code")
_STAMP = "\x00computed_at\x00"  # where an item's computed_at text goes
_TEXTS_KEPT = 64


# as the app's JSON provider writes (dashboard/app.py: Chinese as it is, not escaped)
ENSURE_ASCII = False


def dumps(value: Any) -> str:
    """JSON as the app's provider writes a compact answer (``jsonify`` outside
    debug): keys sorted, no spaces, ``ENSURE_ASCII``. No fallback for other types: a
    value the snapshots do not hold must fail here, not be written some other way."""
    return json.dumps(value, sort_keys=True, ensure_ascii=ENSURE_ASCII, separators=(",", ":"))


def frame_records(columns: list[str], rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """``json_records(pd.DataFrame(rows, columns=columns))`` (dashboard.api) without
    building the frame: the same items, a value's type included. A frame holds a
    column's integers as floats when the column also has a gap (None) or a float
    (``baseline_year`` 2020.0), so such a column's integers become floats here too;
    NaN is None. Booleans stay booleans (a frame keeps a column of booleans with gaps
    as objects), lists stay lists, timestamps stay timestamps."""
    if not rows:
        return []
    cells = [list(values) for values in zip(*rows, strict=True)]
    for n, values in enumerate(cells):
        kinds = {type(v) for v in values}
        if int in kinds and kinds <= {int, float, type(None)} and len(kinds) > 1:
            values = cells[n] = [None if v is None else float(v) for v in values]
        if float in kinds:
            cells[n] = [None if isinstance(v, float) and math.isnan(v) else v for v in values]
    return [dict(zip(columns, row, strict=True)) for row in zip(*cells, strict=True)]


def stamps_as_text(stamps: list[Any]) -> list[str | None]:
    """Timestamps as ``frame.computed_at.astype(str)`` writes them: pandas gives the
    whole column one precision (``.000`` on every stamp when one has milliseconds;
    the date alone when all are at midnight), so the text of a stamp depends on the
    others the answer holds — on which distinct stamps it holds, not how often."""
    written = pd.Series(stamps).astype(str).tolist()
    return [v if isinstance(v, str) else None for v in written]


def _stamp_key(stamp: Any) -> tuple[Any, Any]:
    """A stamp as a dict key: two instants equal across time zones are written
    differently, so the zone is part of the key."""
    return stamp, getattr(stamp, "tzinfo", None)


@dataclass
class Results:
    """One as-of year's assessments as /api/v1/progress gives them, sorted by target:
    per item its ``KEYS`` values, its ``computed_at`` (a timestamp) and its JSON in
    two parts, before and after the ``computed_at`` text."""

    keys: list[tuple[str, str, str]]
    stamps: list[Any]
    encoded: list[tuple[str, str]]
    _texts: dict[tuple[Any, ...], dict[Any, str]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def __len__(self) -> int:
        return len(self.keys)

    def pick(self, wanted: Mapping[str, str]) -> list[int]:
        """The items whose ``KEYS`` fields equal ``wanted``'s values, in order."""
        checks = [(KEYS.index(name), value) for name, value in wanted.items()]
        return [n for n, key in enumerate(self.keys) if all(key[i] == value for i, value in checks)]

    def stamp_texts(self, picked: list[int]) -> list[str]:
        """The JSON of each picked item's ``computed_at`` text, as an answer holding
        exactly these items writes it (kept per set of distinct stamps)."""
        distinct = tuple(dict.fromkeys(_stamp_key(self.stamps[n]) for n in picked))
        texts = self._texts.get(distinct)
        if texts is None:
            written = stamps_as_text([stamp for stamp, _ in distinct])
            texts = {key: json.dumps(text) for key, text in zip(distinct, written, strict=True)}
            if len(self._texts) >= _TEXTS_KEPT:
                self._texts.clear()
            self._texts[distinct] = texts
        return [texts[_stamp_key(self.stamps[n])] for n in picked]

    def body(self, picked: list[int]) -> str:
        """The compact answer holding the ``picked`` items (what ``jsonify`` wrote)."""
        written = ",".join(
            f"{self.encoded[n][0]}{text}{self.encoded[n][1]}"
            for n, text in zip(picked, self.stamp_texts(picked), strict=True)
        )
        return f'{{"count":{len(picked)},"results":[{written}]}}\n'

    def items(self, picked: list[int]) -> list[dict[str, Any]]:
        """The ``picked`` items as JSON-ready dicts (``computed_at`` as text), for a
        provider that writes JSON in another way (indented in debug)."""
        return [
            json.loads(f"{self.encoded[n][0]}{text}{self.encoded[n][1]}")
            for n, text in zip(picked, self.stamp_texts(picked), strict=True)
        ]


def results_of(columns: list[str], rows: list[tuple[Any, ...]]) -> Results:
    """The items of ``rows`` (``db.progress.snapshot_rows``: every snapshot of one
    year, so that a column's type is the whole year's, as in the frame) with their
    status in Chinese, sorted by target, each written once."""
    items = frame_records(columns, rows)
    for item in items:
        item["status_zh"] = STATUS_ZH.get(item["status"])
    items.sort(key=lambda item: item["target_id"])  # one snapshot per target and year
    stamp = dumps(_STAMP)
    encoded: list[tuple[str, str]] = []
    for item in items:
        head, tail = dumps({**item, "computed_at": _STAMP}).split(stamp)
        encoded.append((head, tail))
    return Results(
        keys=[(item[KEYS[0]], item[KEYS[1]], item[KEYS[2]]) for item in items],
        stamps=[item["computed_at"] for item in items],
        encoded=encoded,
    )


def _stamp_plain(stamp: Any) -> str | None:
    if stamp is None:
        return None
    if not isinstance(stamp, datetime):
        raise TypeError(f"computed_at 应为时间，收到 {type(stamp).__name__}")
    return stamp.isoformat()


def to_plain(results: Results) -> bytes:
    """``results`` as JSON (what db/progress_views.py stores): data, never code."""
    return json.dumps(
        {
            "format": FORMAT,
            "items": [
                [*key, _stamp_plain(stamp), head, tail]
                for key, stamp, (head, tail) in zip(
                    results.keys, results.stamps, results.encoded, strict=True
                )
            ],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")


def from_plain(body: bytes) -> Results | None:
    """The results ``to_plain`` wrote; None when written in another format (an
    older release's row: computed again). A stamp comes back as the timestamp it
    was (its zone included), each distinct one parsed once."""
    plain = json.loads(body)
    if plain.get("format") != FORMAT:
        return None
    parsed: dict[str | None, datetime | None] = {None: None}
    keys: list[tuple[str, str, str]] = []
    stamps: list[datetime | None] = []
    encoded: list[tuple[str, str]] = []
    for indicator_id, target_id, scope_code, stamp, head, tail in plain["items"]:
        if stamp not in parsed:
            parsed[stamp] = datetime.fromisoformat(stamp)
        keys.append((indicator_id, target_id, scope_code))
        stamps.append(parsed[stamp])
        encoded.append((head, tail))
    return Results(keys=keys, stamps=stamps, encoded=encoded)
