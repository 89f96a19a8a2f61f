"""Upload → verdict visible in /api/v1/progress, under concurrent reporters (issue 19:
p95 ≤ 1 s under 5 reporters; the upload request itself ≤ 300 ms for 20 rows).

    python scripts/bench_verdict.py [--reporters 5] [--duration 60] [--workers 4]
                                    [--sqlite | --server postgresql+psycopg://…]

1. a database prepared as production prepares it (``manage.py init``: catalogue
   and sample data), PostgreSQL by default (a scratch database on ``--server``,
   as scripts/load_test.py makes it) or SQLite;
2. the app as deployed: gunicorn with ``--workers`` sync workers, and the
   scheduler as its own process;
3. each reporter is an account of 重庆市 (500000, the unit with most targets of its
   own) with a direct-report (直报) API token, and owns up to 20 indicators whose
   500000 targets are assessed on the sample's latest year; in a loop it sends a
   20-row file with new values for that year through ``POST /api/v1/submissions``,
   then asks ``/api/v1/progress?region=500000&indicator=…`` every 50 ms until
   every target of its first indicator shows the value it sent as the latest
   figure (the verdict assessed on it), then waits 2–5 s;
4. printed: the upload request's time, and the time from sending the upload to
   the verdict visible (median, p95, max), with the load average.

Nothing is asserted: the figures are for docs/performance.md.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from load_test import (  # noqa: E402
    BIN,
    PASSWORD,
    database,
    free_port,
    wait_until_up,
)
from sqlalchemy import func, select  # noqa: E402

from db import models  # noqa: E402
from db.admin import add_user, command_line, issue_token  # noqa: E402
from db.session import make_engine, make_session_factory, transaction  # noqa: E402

REGION = "500000"
ROWS_PER_FILE = 20


def _load() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def plan(url: str, reporters: int) -> list[dict[str, Any]]:
    """Accounts, tokens and indicators: each reporter its own indicators whose 500000
    targets are assessed on a sample figure of the latest year."""
    engine = make_engine(url)
    factory = make_session_factory(engine)
    s, t, o = models.ProgressSnapshot, models.Target, models.Observation
    with factory() as session:
        as_of = session.scalar(select(func.max(s.as_of)))
        year = session.scalar(select(func.max(s.latest_year)).where(s.as_of == as_of))
        rows = session.execute(
            select(t.indicator_id, o.value, o.unit)
            .join(s, s.target_id == t.id)
            .join(
                o,
                (o.indicator_id == t.indicator_id)
                & (o.region_code == REGION)
                & (o.period == str(year))
                & o.is_current
                & (o.layer == "sample"),
            )
            .where(s.as_of == as_of, s.scope_code == REGION, s.latest_year == year)
            .where(s.layer == "sample")
            .distinct()
            .order_by(t.indicator_id)
        ).all()
    indicators = list({r.indicator_id: r for r in rows}.values())
    actor = command_line("bench_verdict")
    out = []
    for n in range(reporters):
        mine = indicators[n::reporters][:ROWS_PER_FILE]
        name = f"verdict-{n}"
        with transaction(factory) as session:
            add_user(session, actor, name, PASSWORD, "reporter", None, regions=[REGION])
            token = issue_token(session, actor, name, "verdict benchmark", trusted=True)
        out.append(
            {
                "token": token,
                "year": str(year),
                "rows": [(r.indicator_id, float(r.value), r.unit) for r in mine],
            }
        )
    engine.dispose()
    print(
        f"  {len(indicators)} indicators with 500000 targets assessed on a sample figure of "
        f"{year}; {reporters} reporters, {min(ROWS_PER_FILE, len(indicators) // reporters)} "
        "rows each"
    )
    return out


def csv_text(reporter: dict[str, Any], factor: float) -> str:
    """The reporter's file: its rows' values times ``factor``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["地区", "指标", "期间", "数值", "单位", "备注"])
    for indicator, value, unit in reporter["rows"]:
        writer.writerow([REGION, indicator, reporter["year"], round(value * factor, 6), unit, ""])
    return buffer.getvalue()


def upload(base: str, reporter: dict[str, Any], factor: float) -> tuple[int, dict[str, Any]]:
    boundary = uuid.uuid4().hex
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="v.csv"\r\n'
        f"Content-Type: text/csv\r\n\r\n{csv_text(reporter, factor)}\r\n--{boundary}--\r\n"
    ).encode()
    request = urllib.request.Request(
        base + "/api/v1/submissions",
        data=body,
        headers={
            "Authorization": f"Bearer {reporter['token']}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {"error": error.read()[:300].decode("utf-8", "replace")}


def visible(base: str, indicator: str, value: float) -> bool:
    url = f"{base}/api/v1/progress?region={REGION}&indicator={indicator}"
    with urllib.request.urlopen(url, timeout=60) as response:
        results = json.loads(response.read())["results"]
    own = [r for r in results if r.get("scope_code") == REGION]
    return bool(own) and all(
        r.get("latest_value") is not None and math.isclose(r["latest_value"], value, rel_tol=1e-6)
        for r in own
    )


def reporter_loop(
    base: str,
    reporter: dict[str, Any],
    until: float,
    seed: int,
    out: dict[str, list[Any]],
    up: float,
) -> None:
    """Upload, wait for the verdict, rest; each time kept with when it was sent
    (seconds after the server first answered, ``up``)."""
    rng = random.Random(seed)
    indicator, value, _unit = reporter["rows"][0]
    while time.monotonic() < until:
        # below the value shown (never it: a new verdict to wait for), and never past a
        # bound the validation holds (a share above 100 % is refused)
        factor = rng.uniform(0.8, 0.99)
        sent = time.perf_counter()
        status, body = upload(base, reporter, factor)
        answered = time.perf_counter()
        out["upload"].append((sent - up, (answered - sent) * 1000))
        if status != 201:
            out["failed"].append(f"{status}: {str(body)[:200]}")
            continue
        expected = round(value * factor, 6)
        deadline = sent + 120
        while not visible(base, indicator, expected):
            if time.perf_counter() > deadline:
                out["failed"].append(f"{indicator}: not visible within 120 s")
                break
            time.sleep(0.05)
        else:
            out["verdict"].append((sent - up, (time.perf_counter() - sent) * 1000))
        time.sleep(rng.uniform(2, 5))


def summary(values: list[float]) -> str:
    if not values:
        return "none"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return (
        f"n={len(values)}, median {statistics.median(values):.0f} ms, p95 {p95:.0f} ms, "
        f"max {max(values):.0f} ms"
    )


def report(out: dict[str, list[Any]], settle: float) -> None:
    """Every upload, then those sent ``settle`` s or more after the server first
    answered: a new worker's first file waits for its file reader to start (the
    forkserver, started beside the first requests: dashboard/wsgi.py), which is
    the start of a deployment, not its steady state. Both are printed."""
    for key, label in (
        ("upload", "upload request"),
        ("verdict", "upload sent → verdict visible in /api/v1/progress"),
    ):
        print(f"  {label}: {summary([ms for _, ms in out[key]])}")
        later = [ms for at, ms in out[key] if at >= settle]
        print(f"    sent {settle:g} s or more after start: {summary(later)}")
        slowest = sorted(out[key], key=lambda pair: -pair[1])[:5]
        print("    slowest: " + ", ".join(f"{ms:.0f} ms at {at:.1f} s" for at, ms in slowest))
    print(f"  failed: {len(out['failed'])} {out['failed'][:3]}")
    print(f"  load average after: {_load()}", flush=True)


def database_arguments(parser: argparse.ArgumentParser) -> None:
    """``--sqlite`` (a file in a scratch folder) or ``--server`` (a scratch database on it)."""
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument(
        "--server",
        default=os.environ.get(
            "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reporters", type=int, default=5)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--settle",
        type=float,
        default=10.0,
        help="seconds after start whose uploads are also reported apart (default 10)",
    )
    database_arguments(parser)
    args = parser.parse_args()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; {args.reporters} reporters for {args.duration} s, "
        f"gunicorn {args.workers} workers, {'SQLite' if args.sqlite else 'PostgreSQL'}; "
        f"load average before {_load()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        with database(args, data_dir) as url:
            env = {
                **os.environ,
                "DATA_DIR": str(data_dir),
                "DATABASE_URL": url,
                "LOAD_SAMPLE_DATA": "true",
            }
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "manage.py", "init"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
            print(f"  manage.py init: {time.perf_counter() - started:.1f} s")
            reporters = plan(url, args.reporters)
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            log_path = data_dir / "server.log"
            with open(log_path, "w") as log:
                server = subprocess.Popen(
                    [str(BIN / "gunicorn"), "--workers", str(args.workers), "--bind",
                     f"127.0.0.1:{port}", "--timeout", "120", "dashboard.wsgi:application"],
                    cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                )  # fmt: skip
                scheduler = subprocess.Popen(
                    [sys.executable, "manage.py", "scheduler"],
                    cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                )  # fmt: skip
                try:
                    wait_until_up(base, server, log_path)
                    up = time.perf_counter()
                    out: dict[str, list[Any]] = {"upload": [], "verdict": [], "failed": []}
                    until = time.monotonic() + args.duration
                    threads = [
                        threading.Thread(target=reporter_loop, args=(base, r, until, n, out, up))
                        for n, r in enumerate(reporters)
                    ]
                    for thread in threads:
                        thread.start()
                    for thread in threads:
                        thread.join()
                    report(out, args.settle)
                finally:
                    for process in (server, scheduler):
                        process.terminate()
                    for process in (server, scheduler):
                        try:
                            process.wait(timeout=60)
                        except subprocess.TimeoutExpired:
                            process.kill()
            tracebacks = log_path.read_text(encoding="utf-8", errors="replace").count("Traceback")
    print(f"  server tracebacks: {tracebacks}")


if __name__ == "__main__":
    main()
