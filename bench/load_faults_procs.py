"""The processes the load-and-fault harness starts, kills and restarts: PostgreSQL and gunicorn.

Both listen on 127.0.0.1 only. PostgreSQL runs with its default durability (fsync and
synchronous_commit on): an ``immediate`` restart is a crash, and only a durable commit may be
promised to a client. gunicorn runs in its own process group, so one SIGKILL reaches the master and
every worker at once, as a machine losing the service would. It preloads the application (one import
in the master, workers forked from it; no connection is opened before the fork), so a restart on this
shared two-core machine takes seconds instead of three imports racing for the CPU.
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from submit import PG_BIN, Cluster, _as_postgres, _free_port

ROOT = Path(__file__).resolve().parents[1]
READY_PATHS = ("/readyz", "/api/v1/questionnaires/kiosk/2026.1")  # the probe, or a route reading the database


class RestartableCluster(Cluster):
    """A throwaway PostgreSQL cluster (bench/submit.py's) that can be restarted during a run."""

    def restart(self, mode: str, timeout: float = 120) -> None:
        """Restart the server with ``pg_ctl -m fast|immediate -w restart``; wait until it accepts."""
        _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.base / "data"), "-m", mode, "-w",
                      "-t", str(int(timeout)), "-l", str(self.base / "server.log"), "restart"],
                     timeout=timeout + 10)


class AppServer:
    """gunicorn serving ``create_app()`` on a fixed loopback port, killed and restarted on demand."""

    def __init__(self, database_url: str, workdir: Path, workers: int = 3, preload: bool = True) -> None:
        self.port = _free_port()
        self.workers = workers
        self.preload = preload
        self.log = workdir / "gunicorn.log"
        self.env = {**os.environ, "HAILONG_DATABASE_URL": database_url, "HAILONG_SECRET_KEY": "load-faults",
                    "HAILONG_INSTANCE_PATH": str(workdir / "instance"), "PYTHONPATH": str(ROOT)}
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        """Start gunicorn and wait until it serves a questionnaire from the database."""
        gunicorn = Path(sys.executable).with_name("gunicorn")
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(gunicorn), "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}",
                 "--graceful-timeout", "5", *(["--preload"] if self.preload else []),
                 "survey.web.app:create_app()"],
                cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True,
            )
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float) -> None:
        """Wait until the server answers 200 on /readyz (or, without it, a route reading the database)."""
        deadline = time.monotonic() + timeout
        paths = list(READY_PATHS)
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", paths[0])
                status = connection.getresponse().status
                if status == 200:
                    return
                if status == 404 and len(paths) > 1:
                    paths.pop(0)
            except OSError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"gunicorn not ready after {timeout} s; see {self.log}")

    def kill(self) -> None:
        """SIGKILL the master and all its workers (the whole process group) and reap the master."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)
