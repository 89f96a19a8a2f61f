"""The production way of running: ``manage.py init`` once, then gunicorn with
two workers on ``dashboard.wsgi:application`` (as deploy/ccec-monitor.service)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

from config.settings import PROJECT_ROOT

GUNICORN = Path(sys.executable).with_name("gunicorn")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_dep001_gunicorn_workers_share_the_database_and_the_session_key(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "LOAD_SAMPLE_DATA": "false",
        "READ_REQUIRES_LOGIN": "true",  # every request below needs the session
    }
    run = {"cwd": PROJECT_ROOT, "env": env, "capture_output": True, "text": True}
    assert subprocess.run([sys.executable, "manage.py", "init"], **run).returncode == 0
    created = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "create-user",
            "office",
            "--role",
            "reviewer",
            "--password-stdin",
        ],
        input="审核-密码-2026\n",
        **run,
    )
    assert created.returncode == 0, created.stderr
    port = _free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            str(GUNICORN),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "dashboard.wsgi:application",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = urllib.request.urlopen(base + "/health", timeout=2)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, (
                    tmp_path / "gunicorn.log"
                ).read_text()
                time.sleep(0.3)
        assert health.status == 200 and b'"schema_revision":"0007"' in health.read().replace(
            b" ", b""
        )
        # sign in, then ask many times: requests land on both workers, and each must
        # accept the session signed by the other
        try:
            urllib.request.urlopen(base + "/api/v1/regions?name=510100", timeout=5)
            raise AssertionError("anonymous reading should be refused")
        except urllib.error.HTTPError as refused:
            assert refused.code == 401
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        form = opener.open(base + "/login").read().decode()
        csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
        data = urlencode(
            {"csrf": csrf, "username": "office", "password": "审核-密码-2026", "next": "/audit"}
        )
        request = urllib.request.Request(
            base + "/auth/login", data=data.encode(), headers={"Origin": base}
        )
        assert opener.open(request).status == 200
        pids = set()
        for _ in range(30):
            body = opener.open(base + "/api/v1/regions?name=510100").read()
            assert b"510100" in body
        for line in (tmp_path / "gunicorn.log").read_text().splitlines():
            if "Booting worker with pid" in line:
                pids.add(line.rsplit(" ", 1)[-1])
        assert len(pids) == 2
        assert len(list(tmp_path.glob("secret_key*"))) == 1  # one key, no stray candidates
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
