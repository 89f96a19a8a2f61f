"""How many page replies each direct upload makes the app draw again (issue 19).

    python scripts/replies_per_upload.py [--uploads 10] [--verbose]

In-process and deterministic, unlike the load test: a scratch SQLite database
prepared as production prepares it (``manage.py init``: catalogue and sample data),
the load test's reporters (scripts/load_test.py: their regions, their region's 2024
sample rows, values varied by ±2 %) sending direct-report (直报) files one after
another; after each upload's recompute, the page router's reply of each of the load
test's six visits is asked for again. Printed: the replies computed per upload — by
the request or by the warming thread (dashboard/warm.py) — and which visits they were.
A reply kept across an upload costs nothing; one computed costs a cache miss.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from flask import request  # noqa: E402
from load_test import REPORTER_REGIONS, ROWS_PER_FILE, UPLOAD_PERIOD, VISITS  # noqa: E402

from config.settings import load_settings  # noqa: E402
from dashboard import page_cache  # noqa: E402
from dashboard.app import create_app  # noqa: E402
from db.admin import add_user, command_line, issue_token  # noqa: E402
from db.observations import observations_frame  # noqa: E402
from db.session import make_engine, make_session_factory, transaction  # noqa: E402
from workflows.progress import wait_for_progress  # noqa: E402

ORIGIN = {"Origin": "http://localhost"}
ROUTER = ".._pages_content.children..._pages_store.data.."


def router_request(path: str) -> dict[str, Any]:
    """The page router's callback request for a visit of ``path`` (with its query)."""
    pathname, _, query = path.partition("?")
    location = (("pathname", pathname), ("search", f"?{query}" if query else ""))
    return {
        "output": ROUTER,
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": [{"id": "_pages_location", "property": p, "value": v} for p, v in location],
        "state": [],
        "changedPropIds": ["_pages_location.pathname"],
    }


def reporters(url: str, count: int) -> list[tuple[str, list[tuple[str, str, str, float, str]]]]:
    """A direct-report token and the rows to vary for each of the load test's regions."""
    factory = make_session_factory(make_engine(url))
    plan = []
    for region in REPORTER_REGIONS[:count]:
        with transaction(factory) as session:
            actor = command_line("replies_per_upload")
            add_user(
                session,
                actor,
                f"r-{region}",
                "load-test-password",
                "reporter",
                None,
                regions=[region],
            )
            token = issue_token(session, actor, f"r-{region}", "replies", trusted=True)
            frame = observations_frame(session, region=region, start=UPLOAD_PERIOD)
        frame = frame[(frame.period == UPLOAD_PERIOD) & (frame.layer == "sample")]
        rows = [
            (region, r.indicator_id, r.period, float(r.value), r.unit)
            for r in frame.head(ROWS_PER_FILE).itertuples()
        ]
        plan.append((token, rows))
    return plan


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--uploads", type=int, default=10)
    parser.add_argument("--reporters", type=int, default=5, choices=range(1, 9))
    parser.add_argument("--verbose", action="store_true", help="which visits, per upload")
    args = parser.parse_args()
    url = f"sqlite:///{tempfile.mkdtemp()}/replies.sqlite"
    env = {**os.environ, "DATABASE_URL": url, "LOAD_SAMPLE_DATA": "true"}
    subprocess.run([sys.executable, "manage.py", "init"], cwd=ROOT, env=env, check=True)
    os.environ.update(env)
    plan = reporters(url, args.reporters)
    client = create_app(load_settings({}), make_session_factory(make_engine(url))).server
    client = client.test_client()
    visits = {name: router_request(path) for _, name, path in VISITS}
    computed: list[str] = []
    keep = page_cache.keep_reply

    def counted(key: str, body: bytes, mimetype: str) -> page_cache.Reply:
        asked = request.get_json(silent=True) or {}
        computed.append("".join(str(i.get("value")) for i in asked.get("inputs", [])))
        return keep(key, body, mimetype)

    page_cache.keep_reply = counted  # type: ignore[assignment]

    def visit_all() -> None:
        for body in visits.values():
            response = client.post("/_dash-update-component", json=body, headers=ORIGIN)
            assert response.status_code == 200, response.get_data(as_text=True)[:300]

    visit_all()  # computed once, kept by the data version; what each reads is learnt
    visit_all()  # kept by what it read
    rng = random.Random(1)
    per_upload = []
    for n in range(args.uploads):
        start = len(computed)
        token, rows = plan[n % len(plan)]
        lines = ["地区,指标,期间,数值,单位,备注"] + [
            f"{r},{i},{p},{round(v * rng.uniform(0.98, 1.02), 3)},{u}," for r, i, p, v, u in rows
        ]
        response = client.post(
            "/api/v1/submissions",
            data={"file": (io.BytesIO("\n".join(lines).encode()), "upload.csv")},
            headers={"Authorization": f"Bearer {token}"},
            content_type="multipart/form-data",
        )
        assert response.status_code == 201, response.get_data(as_text=True)[:300]
        assert wait_for_progress()
        visit_all()
        per_upload.append(len(computed) - start)
        if args.verbose:
            print(f"  upload {n + 1} ({rows[0][0]}): {computed[start:]}")
    print(
        f"{args.uploads} direct uploads, {len(visits)} visits: replies computed per upload "
        f"{per_upload}, {sum(per_upload)} in all ({sum(per_upload) / args.uploads:.1f} per upload)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
