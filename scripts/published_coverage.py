"""How many targets get a verdict from the published layer (公开数据) alone.

    python scripts/published_coverage.py            # counts + headline targets without a verdict
    python scripts/published_coverage.py --targets  # also every target with its status
    python scripts/published_coverage.py --table    # only the README's entries-per-indicator table

Builds a fresh database in a temporary DATA_DIR with LOAD_SAMPLE_DATA=false
(``manage.py init``: regions, catalogue, config/published, progress snapshots),
then reads the stored snapshots through ``db.progress.snapshots_frame`` -- the
same rows /api/v1/progress returns. A target "has a verdict" when its status is
anything but ``insufficient`` (数据不足); with sample data off every figure comes
from the published layer.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from db.progress import snapshots_frame  # noqa: E402
from db.session import make_engine, make_session_factory  # noqa: E402
from workflows.published import published_entries  # noqa: E402


def build(data_dir: Path) -> None:
    env = {**os.environ, "DATA_DIR": str(data_dir), "LOAD_SAMPLE_DATA": "false", "DATABASE_URL": ""}
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "init"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


REGION_COLUMNS = (
    "ccec",
    "500000",
    "510000",
    "510100",
    "chengdu_metro_area",
    "cq_metro_area",
    "cq_main_urban_metro",
    "sichuan_chongqing",
    "external",
)
# any other region of the master data (a cooperation platform, the Science City's core area,
# a city or district): one column, so that each row's regions add up to its total
OTHER = "other"
VINTAGE_COLUMNS = ("initial", "final", "census_revision", "estimate")


def entries_table(figures: list[dict]) -> str:
    """config/published/README.md's table of entries per indicator, region and
    vintage, in the order the indicators first appear in figures.yaml."""
    order: dict[str, str] = {}
    for e in figures:
        order.setdefault(e["indicator"], e["unit"])
    regions = (*REGION_COLUMNS, OTHER)
    head = ["indicator", "unit", *regions, *VINTAGE_COLUMNS, "total"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    totals = dict.fromkeys((*regions, *VINTAGE_COLUMNS), 0)

    def column(entry: dict, field: str) -> str:
        value = str(entry[field])
        return OTHER if field == "region" and value not in REGION_COLUMNS else value

    for indicator, unit in order.items():
        rows = [e for e in figures if e["indicator"] == indicator]
        cells = []
        for key, field in [(r, "region") for r in regions] + [
            (v, "vintage") for v in VINTAGE_COLUMNS
        ]:
            n = sum(column(e, field) == key for e in rows)
            totals[key] += n
            cells.append(str(n) if n else "")
        lines.append(f"| `{indicator}` | {unit} | " + " | ".join(cells) + f" | **{len(rows)}** |")
    cells = [str(totals[k]) for k in (*regions, *VINTAGE_COLUMNS)]
    lines.append("| **total** | | " + " | ".join(cells) + f" | **{len(figures)}** |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", action="store_true", help="list every target with its status")
    parser.add_argument(
        "--table", action="store_true", help="print the README's entries-per-indicator table"
    )
    parser.add_argument("--data-dir", help="reuse this DATA_DIR instead of a temporary one")
    args = parser.parse_args()
    if args.table:
        figures = published_entries()
        print(entries_table(figures))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(args.data_dir) if args.data_dir else Path(tmp)
        build(data_dir)
        engine = make_engine(f"sqlite:///{data_dir / 'monitor.sqlite'}")
        with make_session_factory(engine)() as session:
            frame = snapshots_frame(session)
        engine.dispose()
    if frame.empty:
        print("no progress snapshots")
        return 1
    as_of = int(frame.as_of.iloc[0])
    judged = frame[frame.status != "insufficient"]
    head = frame[frame.headline.astype(bool)]
    head_judged = head[head.status != "insufficient"]
    print(f"as of {as_of}, LOAD_SAMPLE_DATA=false (published layer only)")
    print(f"targets with a verdict:          {len(judged):4d} of {len(frame)}")
    print(f"headline targets with a verdict: {len(head_judged):4d} of {len(head)}")
    print("by status:", frame.status.value_counts().to_dict())
    print("\nheadline targets without a verdict:")
    cols = [
        "target_id",
        "indicator_id",
        "scope_code",
        "target_year",
        "target_value",
        "target_unit",
        "note",
    ]
    for row in (
        head[head.status == "insufficient"]
        .sort_values("indicator_id")[cols]
        .itertuples(index=False)
    ):
        print("  " + " | ".join("" if v is None else str(v) for v in row))
    if args.targets:
        print("\nall targets:")
        cols = [
            "target_id",
            "headline",
            "indicator_id",
            "scope_code",
            "kind",
            "target_year",
            "target_value",
            "target_unit",
            "comparator",
            "status",
            "latest_year",
            "latest_value",
        ]
        for row in frame.sort_values(["indicator_id", "scope_code"])[cols].itertuples(index=False):
            print("  " + " | ".join("" if v is None else str(v) for v in row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
