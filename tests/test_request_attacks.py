"""Issue 17 row 12 against the app as production runs it (gunicorn, two workers):
callback ids "1 OR 1=1" and 2**70, JSON nested 100,000 deep, a NUL in a query and
years no database holds. Before the fix each was a 500; now each is a 400 with a
Chinese message, /health answers throughout and no worker dies."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from config.settings import PROJECT_ROOT
from tests.helpers import show_rows_body
from tests.live import gunicorn, signed_in

REVIEWER = ("atk_office", "攻击测试-审核员-口令-2026")
DEATHS = ("WORKER TIMEOUT", "SIGABRT", "SIGKILL", "Worker exited", "was terminated", "Traceback")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _rows_body(selected: object) -> bytes:
    """数据审核's request for a chosen file's rows, with the id as sent."""
    return json.dumps(show_rows_body(selected)).encode()


def _send(opener: urllib.request.OpenerDirector, request: urllib.request.Request) -> tuple:
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_rqa001_malformed_ids_deep_json_and_nul_are_400_and_no_worker_dies(
    tmp_path: Path, db_url: str
) -> None:
    env = {
        **os.environ,
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": db_url,
        "LOAD_SAMPLE_DATA": "false",
    }
    run = {"cwd": PROJECT_ROOT, "env": env, "capture_output": True, "text": True}
    assert subprocess.run([sys.executable, "manage.py", "init"], **run).returncode == 0
    created = subprocess.run(
        [sys.executable, "manage.py", "create-user", REVIEWER[0], "--role", "reviewer"]
        + ["--password-stdin"],
        input=REVIEWER[1] + "\n",
        **run,
    )
    assert created.returncode == 0, created.stderr
    log = tmp_path / "gunicorn.log"
    with gunicorn(env, log, workers=2) as base:
        reviewer = signed_in(base, *REVIEWER)
        anonymous = urllib.request.build_opener()
        json_headers = {"Content-Type": "application/json", "Origin": base}
        callback = base + "/_dash-update-component"
        attacks = {
            "id 1 OR 1=1": (reviewer, _rows_body([{"submission_id": "1 OR 1=1"}])),
            "id 2**70": (reviewer, _rows_body([{"submission_id": 2**70}])),
            "id beyond INTEGER": (reviewer, _rows_body([{"submission_id": 2**31}])),
            "array 100k deep": (anonymous, b"[" * 100_000 + b"]" * 100_000),
            "object 100k deep": (anonymous, b'{"a":' * 100_000 + b"1" + b"}" * 100_000),
            "never closed": (anonymous, b"[" * 100_000),
        }
        answers = {}
        for name, (opener, body) in attacks.items():
            request = urllib.request.Request(callback, data=body, headers=json_headers)
            answers[name] = _send(opener, request)
        for path in (
            "/api/v1/regions?name=%E6%88%90%E9%83%BD%00",
            "/api/v1/progress?as_of=1180591620717411303424",
            "/api/v1/targets?year=%C2%B2",  # "²": a digit to str.isdigit, not to int()
        ):
            answers[path] = _send(anonymous, urllib.request.Request(base + path))
        # a valid id still answers, on whichever worker takes it
        valid = _send(
            reviewer,
            urllib.request.Request(
                callback, data=_rows_body([{"submission_id": 1}]), headers=json_headers
            ),
        )
        health = [_send(anonymous, urllib.request.Request(base + "/health")) for _ in range(6)]
        logged = log.read_text()

    for name, (status, text) in answers.items():
        assert status == 400, (name, status, text[:300])
        assert CJK.search(text), (name, text[:300])
    assert valid[0] == 200, valid
    assert all(status == 200 for status, _ in health), health
    assert not [word for word in DEATHS if word in logged], logged[-3000:]
    assert logged.count("Booting worker") == 2  # none had to be replaced
