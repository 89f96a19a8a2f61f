"""The issue's upload attacks against the app as production runs it (gunicorn, two
workers): twenty 1.5 KB workbooks claiming a cell at XFD1048576, anonymously to the
数据校验 check and with a token to the API, then two 20 MB CSVs of ten million
one-character rows checked at once. Before the fix each workbook killed a worker
(SIGABRT) and the two CSVs stalled the whole site for two minutes. Now every answer
is a refusal in Chinese, /health keeps answering within seconds throughout, and
no worker dies."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from config.settings import PROJECT_ROOT
from db.session import make_engine, make_session_factory, transaction
from db.users import create_token, create_user
from tests.attack_files import one_char_lines, xfd_bomb
from tests.helpers import check_body, data_url
from tests.live import gunicorn

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEATHS = ("WORKER TIMEOUT", "SIGABRT", "SIGKILL", "Worker exited", "was terminated", "Traceback")


class Health(threading.Thread):
    """Asks /health every quarter second until stopped; keeps each answer's status and time."""

    def __init__(self, base: str) -> None:
        super().__init__(daemon=True)
        self.base = base
        self.answers: list[tuple[int | str, float]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                with urllib.request.urlopen(self.base + "/health", timeout=30) as response:
                    status: int | str = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError as error:
                status = type(error).__name__
            self.answers.append((status, time.monotonic() - started))
            self.stop.wait(0.25)


def _post(base: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
    request = urllib.request.Request(base + path, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read() or b"{}")


def check(base: str, filename: str, contents: str) -> tuple[int, str]:
    """The anonymous 数据校验 check, as the page sends it: (status, the report's messages)."""
    body = json.dumps(check_body(filename, contents)).encode()
    headers = {"Content-Type": "application/json", "Origin": base}
    status, answer = _post(base, "/_dash-update-component", body, headers)
    if status != 200:
        return status, json.dumps(answer, ensure_ascii=False)
    report = answer["response"]["upload-report"]["data"]
    return status, " ".join(p["message"] for p in report["problems"])


def submit(base: str, token: str, filename: str, content: bytes) -> tuple[int, str]:
    boundary = "ccecattack"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            f"Content-Type: {XLSX}\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }
    status, answer = _post(base, "/api/v1/submissions", body, headers)
    return status, json.dumps(answer, ensure_ascii=False)


@pytest.mark.exclusive  # times /health under attack: not beside another worker's tests
def test_atk001_crafted_uploads_neither_kill_nor_stall_a_worker(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "LOAD_SAMPLE_DATA": "false",
        "CHECK_RATE_LIMIT": "1000",  # the attacks, not the rate limit, are tested here
        "PARSE_TIMEOUT_SECONDS": "20",  # within gunicorn's default 30 s worker timeout
    }
    run = {"cwd": PROJECT_ROOT, "env": env, "capture_output": True, "text": True}
    assert subprocess.run([sys.executable, "manage.py", "init"], **run).returncode == 0
    engine = make_engine(f"sqlite:///{tmp_path / 'monitor.sqlite'}")
    with transaction(make_session_factory(engine)) as session:
        create_user(session, "cd", "成都-密码-2026-x", "reporter", regions=["510100"])
        token = create_token(session, "cd", "成都数据接口")
    engine.dispose()
    log = tmp_path / "gunicorn.log"
    with gunicorn(env, log, workers=2) as base:
        health = Health(base)
        health.start()
        answers: list[tuple[str, int, str]] = []
        started = time.monotonic()
        for i in range(20):
            bomb = xfd_bomb() if i % 2 == 0 else xfd_bomb(dimension=None)
            answers.append(("check", *check(base, f"攻击{i}.xlsx", data_url(bomb, XLSX))))
            answers.append(("api", *submit(base, token, f"攻击{i}.xlsx", bomb)))
        bombs_seconds = time.monotonic() - started

        big = data_url(one_char_lines())  # 20 MB, 27 MB in base64
        barrier = threading.Barrier(2)
        csv_answers: list[tuple[int, str, float]] = []

        def check_big(n: int) -> None:
            barrier.wait()
            began = time.monotonic()
            status, text = check(base, f"一千万行{n}.csv", big)
            csv_answers.append((status, text, time.monotonic() - began))

        threads = [threading.Thread(target=check_big, args=(n,)) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
        time.sleep(1)  # /health once more after the attack
        health.stop.set()
        health.join(timeout=40)
        logged = log.read_text()

    for channel, status, text in answers:
        assert status == (200 if channel == "check" else 422), (channel, status, text[:300])
        assert "超过上限" in text or "超出内存上限" in text, (channel, text[:300])
    assert sum("工作表声明了 1,048,576 行 × 16,384 列" in a[2] for a in answers) == 20
    assert sum("文件解析超出内存上限" in a[2] for a in answers) == 20
    assert bombs_seconds < 60, bombs_seconds
    assert len(csv_answers) == 2
    for status, text, _ in csv_answers:
        assert status == 200 and "文件有 10,000,000 行 × 1 列，超过上限 1,000,000 行" in text, text
    # /health kept being asked during the attack (a quarter second apart; the attack lasts a few seconds)
    assert len(health.answers) >= 4, health.answers
    assert all(status == 200 for status, _ in health.answers), health.answers
    slowest = max(seconds for _, seconds in health.answers)
    assert slowest < 5, health.answers
    assert not [word for word in DEATHS if word in logged], logged[-3000:]
    assert logged.count("Booting worker") == 2  # none had to be replaced
