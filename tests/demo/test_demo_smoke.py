"""The README's demo command, as CI runs it: it starts, serves the home page, and stops."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

STARTUP_SECONDS = 120


def _free_port() -> int:
    """Return a free TCP port on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _home_status(url: str) -> int | None:
    """Return the HTTP status of ``url``, or None while nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


@pytest.mark.slow
def test_hailong_demo_serves_the_home_page(tmp_path):
    command = shutil.which("hailong", path=str(Path(sys.executable).parent)) or "hailong"
    port = _free_port()
    env = {**os.environ, "HAILONG_INSTANCE_PATH": str(tmp_path / "instance"), "HAILONG_DEMO_SCALE": "0.002"}
    env.pop("HAILONG_DATABASE_URL", None)
    log = (tmp_path / "demo.log").open("w+")
    server = subprocess.Popen([command, "demo", "--port", str(port)], env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    try:
        deadline, status = time.monotonic() + STARTUP_SECONDS, None
        while time.monotonic() < deadline and server.poll() is None:
            status = _home_status(f"http://127.0.0.1:{port}/")
            if status is not None:
                break
            time.sleep(0.3)
        log.seek(0)
        output = log.read()
        assert status == 200, output
        assert "admin      admin-demo-2026" in output and f"http://127.0.0.1:{port}/" in output
        assert (tmp_path / "instance" / "hailong.db").exists()
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
