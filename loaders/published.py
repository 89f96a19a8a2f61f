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

import pandas as pd
import yaml
from sqlalchemy.orm import Session, sessionmaker

from config.settings import CONFIG_DIR
from db.intake import import_observations
from db.observations import NOTE_OF_BOUND, observations_frame
from db.session import transaction
from loaders.intake import receive

PUBLISHED_DIR = CONFIG_DIR / "published"
VINTAGE_ORDER = ("estimate", "initial", "final", "census_revision")
CORRIDOR = "land_sea_corridor_provinces"
# 超过 / 突破 / 以上 (comparator at_least) is a lower bound, 以下 an upper one: the
# observation's note says so, and the progress method judges it as a bound
BOUND_NOTE = {"at_least": NOTE_OF_BOUND["lower"], "at_most": NOTE_OF_BOUND["upper"]}


@dataclass(frozen=True)
class PublishedCounts:
    figures: int
    skipped: int  # figures for an area the master data does not hold (e.g. an airport group)
    export_status: str


def _region(entry: dict) -> str | None:
    if entry["region"] != "external":
        return str(entry["region"])
    return CORRIDOR if "西部陆海新通道" in (entry.get("covers") or "") else None


def _source_note(entry: dict) -> str:
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


def parse_source_note(note: object) -> dict[str, str]:
    """The parts ``_source_note`` joined — grade, publisher, wording, url — for views
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


def load_published(factory: sessionmaker[Session], folder: Path = PUBLISHED_DIR) -> PublishedCounts:
    entries = yaml.safe_load((folder / "figures.yaml").read_text(encoding="utf-8"))
    usable = [e for e in entries if _region(e) is not None]
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
                    _region(entry),
                    str(entry["period"]),
                    vintage,
                    float(entry["value"]),
                )
                if key in known:  # loaded before: loading again changes nothing
                    continue
                frame = pd.DataFrame(
                    [
                        {
                            "indicator_id": entry["indicator"],
                            "region_code": _region(entry),
                            "period": str(entry["period"]),
                            "value": float(entry["value"]),
                            "unit": entry["unit"],
                            "note": BOUND_NOTE.get(entry.get("comparator")),
                        }
                    ]
                )
                import_observations(
                    session,
                    frame,
                    layer="published",
                    vintage=vintage,
                    submission_id=None,
                    user_id=None,
                    source_note=_source_note(entry),
                )
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
