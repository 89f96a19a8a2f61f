"""The published layer (公开数据): real figures with their publisher, grade and wording.

``config/published/figures.yaml`` holds the grade A and B figures found for the
circle, Chongqing, Sichuan and Chengdu; ``nbs_gdp_post_census.csv`` is a
national statistics portal export, loaded through the same reader and
validation as any uploaded file. A figure released in several vintages
(bulletin, final verification, census revision) keeps each as a revision, in
that order, the latest current; views say which vintage they show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from sqlalchemy.orm import Session, sessionmaker

from config.settings import CONFIG_DIR
from db.intake import ImportCounts, import_observations
from db.observations import NOTE_OF_BOUND, observations_frame
from db.session import transaction
from indicators.vintages import VINTAGE_ORDER
from workflows.intake import receive

PUBLISHED_DIR = CONFIG_DIR / "published"
CORRIDOR = "land_sea_corridor_provinces"
# the fields of a figures.yaml entry, in the file's order (config/published/README.md)
ENTRY_FIELDS = (
    "indicator",
    "region",
    "period",
    "value",
    "unit",
    "comparator",
    "vintage",
    "grade",
    "publisher",
    "url",
    "wording",
    "covers",
)
# 超过 / 突破 / 以上 (comparator at_least) is a lower bound, 以下 an upper one: the
# observation's note says so, and the progress method judges it as a bound
BOUND_NOTE = {"at_least": NOTE_OF_BOUND["lower"], "at_most": NOTE_OF_BOUND["upper"]}


@dataclass(frozen=True)
class PublishedCounts:
    figures: int
    skipped: int  # figures for an area the master data does not hold (e.g. an airport group)
    export_status: str


def entry_region(entry: dict[str, Any]) -> str | None:
    """The region an entry is stored under: its own, or for ``external`` the corridor's
    provinces when it covers 西部陆海新通道 (None: an area the master data does not hold)."""
    if entry["region"] != "external":
        return str(entry["region"])
    return CORRIDOR if "西部陆海新通道" in (entry.get("covers") or "") else None


def source_note(entry: dict[str, Any]) -> str:
    """The observation's source note: grade, publisher, the wording quoted, the bound, the URL."""
    parts = [f"公开数据（{entry['grade']}级）", entry["publisher"], f"原文：“{entry['wording']}”"]
    if entry.get("comparator") not in (None, "equal"):
        parts.append(
            {"about": "约数", "at_least": "下限（超过/突破）", "at_most": "上限"}.get(
                entry["comparator"], entry["comparator"]
            )
        )
    if entry.get("url"):
        parts.append(entry["url"])
    return "；".join(parts)


_NOTE = re.compile(
    r"公开数据（(?P<grade>[^）]*)级）；(?P<publisher>.*?)；原文：“(?P<wording>.*)”(?P<rest>.*)",
    re.S,
)


def store_entry(session: Session, entry: dict[str, Any]) -> ImportCounts:
    """Write one figures.yaml entry into the published layer, in the caller's transaction: its
    value as a revision of the figure (an older release than the current one kept as history,
    db.intake's vintage rule), the source note with grade, publisher, wording and URL, and the
    bound its comparator states. The YAML loader and the joint office's confirmation
    (workflows/confirm_figures.py) both write through here, so a confirmed figure is stored
    exactly as a figures.yaml entry would be."""
    region = entry_region(entry)
    if region is None:
        raise ValueError(f"公开数据条目的地区“{entry['region']}”不在主数据中")
    frame = pd.DataFrame(
        [
            {
                "indicator_id": entry["indicator"],
                "region_code": region,
                "period": str(entry["period"]),
                "value": float(entry["value"]),
                "unit": entry["unit"],
                "note": BOUND_NOTE.get(entry.get("comparator") or ""),
            }
        ]
    )
    return import_observations(
        session,
        frame,
        layer="published",
        vintage=entry["vintage"],
        submission_id=None,
        user_id=None,
        source_note=source_note(entry),
    )


def parse_source_note(note: object) -> dict[str, str]:
    """The parts ``source_note`` joined — grade, publisher, wording, url — for views
    that show them apart (publishers and wordings may hold "；" themselves); a note
    of another form is all publisher."""
    parts = {"grade": "", "publisher": "", "wording": "", "url": ""}
    if not isinstance(note, str) or not note:  # none, or a missing value of a frame
        return parts
    match = _NOTE.fullmatch(note)
    if match is None:
        return parts | {"publisher": note}
    url = match["rest"].rsplit("；", 1)[-1]
    return {
        "grade": match["grade"],
        "publisher": match["publisher"],
        "wording": match["wording"],
        "url": url if url.startswith(("http://", "https://")) else "",
    }


def figure_files(folder: Path = PUBLISHED_DIR) -> list[Path]:
    """The published layer's files: ``figures.yaml`` first, then ``figures-*.yaml`` by name.

    Several files so that figures gathered from different sources (a province's bulletins, a
    ministry's releases) are reviewed and merged apart; they are one list to the loader."""
    return [folder / "figures.yaml", *sorted(folder.glob("figures-*.yaml"))]


def published_entries(folder: Path = PUBLISHED_DIR) -> list[dict[str, Any]]:
    """Every entry of the published layer's files, in file order."""
    entries: list[dict[str, Any]] = []
    for path in figure_files(folder):
        if path.exists():
            entries.extend(yaml.safe_load(path.read_text(encoding="utf-8")) or [])
    return entries


def load_published(factory: sessionmaker[Session], folder: Path = PUBLISHED_DIR) -> PublishedCounts:
    entries = published_entries(folder)
    usable = [e for e in entries if entry_region(e) is not None]
    usable.sort(key=lambda e: VINTAGE_ORDER.index(e["vintage"]))
    with transaction(factory) as session:
        stored = observations_frame(session, current_only=False)
        known = (
            set()
            if stored.empty
            else {
                (r.indicator_id, r.region_code, r.period, r.vintage, r.value)
                for r in stored[stored.layer == "published"].itertuples()
            }
        )
        for vintage in VINTAGE_ORDER:  # each vintage a revision over the one before
            batch = [e for e in usable if e["vintage"] == vintage]
            for entry in batch:
                key = (
                    entry["indicator"],
                    entry_region(entry),
                    str(entry["period"]),
                    vintage,
                    float(entry["value"]),
                )
                if key in known:  # loaded before: loading again changes nothing
                    continue
                store_entry(session, entry)
    export = folder / "nbs_gdp_post_census.csv"
    outcome = receive(
        factory,
        export.name,
        export.read_bytes(),
        channel="published",
        layer="published",
        vintage="census_revision",
    )
    return PublishedCounts(len(usable), len(entries) - len(usable), outcome.status)
