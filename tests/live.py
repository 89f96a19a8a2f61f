"""The app as production runs it — gunicorn workers on ``dashboard.wsgi`` — and a
signed-in browser-less client, for the deployment and fault tests."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

from config.settings import PROJECT_ROOT

GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(
    env: dict[str, str], log_path: Path, workers: int = 2, wait: float = 60
) -> Iterator[str]:
    """``gunicorn --workers N dashboard.wsgi:application`` on a free loopback port,
    answering /health within ``wait`` seconds; yields its address. Its output goes
    to ``log_path``."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [
                str(GUNICORN),
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "dashboard.wsgi:application",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + wait
            while True:
                try:
                    urllib.request.urlopen(base + "/health", timeout=2)
                    break
                except OSError:
                    assert server.poll() is None and time.monotonic() < deadline, (
                        log_path.read_text()
                    )
                    time.sleep(0.3)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=30)


def signed_in(base: str, username: str, password: str) -> urllib.request.OpenerDirector:
    """A client with its own cookies, signed in through the login form."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    form = opener.open(base + "/login").read().decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    data = urlencode({"csrf": csrf, "username": username, "password": password, "next": "/"})
    request = urllib.request.Request(
        base + "/auth/login", data=data.encode(), headers={"Origin": base}
    )
    assert opener.open(request).status == 200
    return opener
