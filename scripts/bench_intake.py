"""Validate and import a million rows; compare with the raw driver.

    python scripts/bench_intake.py [--rows 1000000] [--postgres URL]

Builds a template-format CSV (region, indicator, period, value, unit) of
monthly and annual figures for every unit of the circle, then times:
reading the file, validating it, and importing it (one transaction) through
the project's code on SQLite (and on PostgreSQL when a URL is given, or
TEST_DATABASE_URL is set); and, as the reference, the same rows inserted by
the raw driver (sqlite3 executemany; psycopg COPY). Prints rows per second and
the process's peak memory after each step.
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy.engine import make_url  # noqa: E402

from db import migrate  # noqa: E402
from db.catalogue import sync_catalogue  # noqa: E402
from db.intake import COLUMNS, import_observations  # noqa: E402
from db.regions import sync_regions  # noqa: E402
from db.scratch import postgres_database  # noqa: E402
from db.session import make_engine, make_session_factory, transaction  # noqa: E402
from indicators.catalogue import load_catalogue  # noqa: E402
from indicators.regions import load_region_directory  # noqa: E402
from loaders.readers import read_file  # noqa: E402
from loaders.validate import Context, validate  # noqa: E402

CONFIG = ROOT / "config"


def build_csv(rows: int, directory, catalogue) -> bytes:  # type: ignore[no-untyped-def]
    units = [r for r in directory if not r.is_grouping and r.level != "province"]
    monthly = [i for i in catalogue.indicators.values() if i.frequency == "monthly"]
    lines = ["地区,指标,期间,数值,单位,备注"]
    count = 0
    year = 1990
    while count < rows:
        for indicator in monthly:
            for unit in units:
                for month in range(1, 13):
                    lines.append(
                        f"{unit.name_zh},{indicator.name_zh},{year}年{month}月,"
                        f"{(count % 89) + 1.25},{indicator.unit},"
                    )
                    count += 1
                    if count == rows:
                        return ("\n".join(lines) + "\n").encode("utf-8")
        year += 1
    return ("\n".join(lines) + "\n").encode("utf-8")


def step(label: str, rows: int, fn):  # type: ignore[no-untyped-def]
    """Wall time of one run; memory as the process's peak resident size so far
    (tracemalloc would slow the Python parts several times over)."""
    started = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{label:46} {elapsed:8.2f} s  {rows / elapsed:12,.0f} rows/s  process peak {peak:8.0f} MiB"
    )
    return result, elapsed


def prepared(url: str, directory, catalogue):  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        sync_regions(session, directory)
        sync_catalogue(session, catalogue)
    return engine, factory


def project_import(factory, rows_frame):  # type: ignore[no-untyped-def]
    with transaction(factory) as session:
        return import_observations(
            session,
            rows_frame,
            layer="reported",
            vintage="initial",
            submission_id=None,
            user_id=None,
        )


def reference_rows(frame):  # type: ignore[no-untyped-def]
    """The rows as the driver takes them, built before the clock starts."""
    now = datetime.now(UTC)
    return [
        (
            i,
            r,
            p,
            "reported",
            1,
            v,
            u,
            "initial",
            "accepted",
            True,
            None,
            None,
            None,
            None,
            now,
            None,
        )
        for i, r, p, v, u in frame[
            ["indicator_id", "region_code", "period", "value", "unit"]
        ].itertuples(index=False, name=None)
    ]


def raw_sqlite(path: str, rows) -> None:  # type: ignore[no-untyped-def]
    """The same rows into the same table (indexes, foreign keys on) by sqlite3 alone."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA foreign_keys=ON")
    names = ", ".join(COLUMNS)
    with connection:
        connection.executemany(
            f"INSERT INTO observations ({names}) VALUES ({', '.join('?' for _ in COLUMNS)})", rows
        )
    connection.close()


def raw_postgres(url: str, rows) -> None:  # type: ignore[no-untyped-def]
    """The same rows into the same table by psycopg's COPY alone."""
    import psycopg

    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain) as connection, connection.cursor() as cursor:
        with cursor.copy(f"COPY observations ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"))
    args = parser.parse_args()
    directory = load_region_directory(CONFIG / "regions.yaml")
    catalogue = load_catalogue(CONFIG / "catalogue", directory, CONFIG / "sources")
    content = build_csv(args.rows, directory, catalogue)
    n = args.rows
    print(f"{n:,} rows, {len(content) / 2**20:.1f} MiB CSV")
    table, t_read = step("read (layout)", n, lambda: read_file("bench.csv", content))
    result, t_valid = step(
        "validate",
        n,
        lambda: validate(table.records, "bench.csv", Context(directory, catalogue.indicators)),
    )
    assert result.ok, result.problems[:3]
    frame = result.rows
    rows = reference_rows(frame)
    with tempfile.TemporaryDirectory() as tmp:
        engine, factory = prepared(f"sqlite:///{tmp}/bench.sqlite", directory, catalogue)
        _, t_import = step(
            "import, SQLite (project code)", n, lambda: project_import(factory, frame)
        )
        engine.dispose()
        fresh, _ = prepared(f"sqlite:///{tmp}/raw.sqlite", directory, catalogue)
        fresh.dispose()
        _, t_raw = step(
            "raw sqlite3 executemany, same table (reference)",
            n,
            lambda: raw_sqlite(f"{tmp}/raw.sqlite", rows),
        )
    total = t_read + t_valid + t_import
    print(f"SQLite: read+validate+import {total:.2f} s = {total / t_raw:.1f}x the raw driver")
    if args.postgres:
        with postgres_database(args.postgres, "ccec_bench") as project_url:
            engine, factory = prepared(project_url, directory, catalogue)
            _, t_pg = step(
                "import, PostgreSQL (project code)",
                n,
                lambda: project_import(factory, frame),
            )
            engine.dispose()
        with postgres_database(args.postgres, "ccec_bench_raw") as raw_url:
            engine, _ = prepared(raw_url, directory, catalogue)
            engine.dispose()
            _, t_copy = step(
                "raw psycopg COPY, same table (reference)", n, lambda: raw_postgres(raw_url, rows)
            )
        total = t_read + t_valid + t_pg
        print(f"PostgreSQL: read+validate+import {total:.2f} s = {total / t_copy:.1f}x COPY")


if __name__ == "__main__":
    main()
