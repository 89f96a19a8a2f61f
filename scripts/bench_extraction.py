"""Precision and recall of the extraction tool against the curated catalogue.

    python scripts/bench_extraction.py [--misses N]

For every plan of config/catalogue/ the tool reads the plan's lines of its
seed; a candidate counts as found when the catalogue has an entry with the same
number within three lines. Prints a table per plan and the totals, then the
first N candidates the catalogue does not hold (to review for misses).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indicators.catalogue import load_catalogue  # noqa: E402
from indicators.extraction import extract, matches, score  # noqa: E402
from indicators.regions import load_region_directory  # noqa: E402
from indicators.seed_text import SeedText  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", type=int, default=0, help="list N unmatched candidates")
    args = parser.parse_args()
    config = ROOT / "config"
    catalogue = load_catalogue(
        config / "catalogue", load_region_directory(config / "regions.yaml"), config / "sources"
    )
    started = time.perf_counter()
    totals = [0, 0, 0, 0]
    unmatched = []
    print(f"{'plan':28} {'cand':>5} {'entries':>7} {'prec':>6} {'recall':>6}")
    for plan in sorted(catalogue.plans.values(), key=lambda p: p.lines[0]):
        seed = SeedText.from_file(config / "sources" / plan.seed)
        candidates = extract(seed, *plan.lines)
        entries = [  # 远景目标 (visions) state no number
            (e.line, e.value)
            for e in catalogue.entries.values()
            if e.plan_id == plan.id and e.value is not None
        ]
        entries += [
            (e.line, e.value_high)
            for e in catalogue.entries.values()
            if e.plan_id == plan.id and e.value_high is not None
        ]
        result = score(candidates, entries)
        for i, value in enumerate(
            (result.candidates, result.entries, result.matched_candidates, result.matched_entries)
        ):
            totals[i] += value
        unmatched += [
            (plan.id, c) for c in candidates if not any(matches(c, line, v) for line, v in entries)
        ]
        print(
            f"{plan.id:28} {result.candidates:5d} {result.entries:7d} "
            f"{result.precision:6.1%} {result.recall:6.1%}"
        )
    elapsed = time.perf_counter() - started
    precision = totals[2] / totals[0] if totals[0] else 1.0
    recall = totals[3] / totals[1] if totals[1] else 1.0
    print(f"{'TOTAL':28} {totals[0]:5d} {totals[1]:7d} {precision:6.1%} {recall:6.1%}")
    print(f"extraction of {len(catalogue.plans)} plans took {elapsed:.2f} s")
    for plan_id, c in unmatched[: args.misses]:
        print(f"{plan_id}\t{c.line}\t{c.value:g}{c.unit}\t{c.kind}\t{c.sentence[:80]}")


if __name__ == "__main__":
    main()
