"""Precision and recall of the bulletin reader against hand-labelled bulletin excerpts.

    python scripts/bench_bulletin.py [--misses] [--out docs/bulletin-benchmark.txt]

Every tests/fixtures/bulletins/<doc>.txt is a real bulletin or release excerpt; its <doc>.yaml
names the publisher and URL and lists the figures a reader should take from it (indicator,
period, value; the document's region unless one is given). The reader (indicators.bulletin
.read_bulletin, as manage.py extract-figures and the 公报读取 page run it) finds the region
itself; a proposal counts when indicator, region, period and value all agree. Prints a table
per document and the totals and writes it to docs/bulletin-benchmark.txt; --misses lists the
labels not proposed and the proposals not labelled.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indicators.bulletin import Key, Score, key_of, score  # noqa: E402
from indicators.regions import load_region_directory  # noqa: E402
from workflows.bulletin import propose_from, read_text  # noqa: E402
from workflows.master_data import REGIONS_FILE  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "bulletins"


def expected_of(label: dict) -> set[Key]:
    """The hand labels of one document as keys (indicator, region, period, value)."""
    return {
        (
            e["indicator"],
            str(e.get("region", label["region"])),
            str(e["period"]),
            round(float(e["value"]), 6),
        )
        for e in label["expected"]
    }


def run(misses: bool = False) -> tuple[list[str], Score]:
    directory = load_region_directory(REGIONS_FILE)
    lines = [f"{'document':22} {'region':>18} {'prop':>5} {'labels':>6} {'prec':>7} {'recall':>7}"]
    notes: list[str] = []
    first_runs: list[str] = []
    totals = [0, 0, 0]
    for path in sorted(FIXTURES.glob("*.txt")):
        label = yaml.safe_load(path.with_suffix(".yaml").read_text(encoding="utf-8"))
        region, proposals = propose_from(read_text(path), directory=directory)
        expected = expected_of(label)
        result = score(proposals, expected)
        for i, value in enumerate((result.proposed, result.expected, result.matched)):
            totals[i] += value
        mark = " †" if label.get("first_run") else " *" if label.get("held_out") else ""
        name = f"{path.stem}{mark}"
        if label.get("first_run"):
            first_runs.append(f"  {path.stem}: {label['first_run']}")
        lines.append(
            f"{name:22} {region or '—':>18} {result.proposed:>5} {result.expected:>6} "
            f"{result.precision:>7.1%} {result.recall:>7.1%}"
        )
        found = {key_of(p) for p in proposals}
        notes += [f"  {path.stem}: 漏 {k}" for k in sorted(expected - found, key=str)]
        notes += [f"  {path.stem}: 多 {k}" for k in sorted(found - expected, key=str)]
    total = Score(*totals)
    lines.append(
        f"{'total':22} {'':>18} {total.proposed:>5} {total.expected:>6} "
        f"{total.precision:>7.1%} {total.recall:>7.1%}"
    )
    lines.append("* held out: labelled before the reader was first run on it")
    lines.append("† held out at first, then rules fixed on it; its first run:")
    lines += first_runs
    if misses or notes:
        lines += ["", "labels not proposed (漏) and proposals not labelled (多):", *notes]
    return lines, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list misses and extras")
    parser.add_argument("--out", default=str(ROOT / "docs" / "bulletin-benchmark.txt"))
    args = parser.parse_args()
    lines, _ = run(args.misses)
    text = "\n".join(lines) + "\n"
    print(text, end="")
    Path(args.out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
