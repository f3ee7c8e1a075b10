"""Sustained submissions per second and latency percentiles of POST /api/v1/responses.

Run by hand (not a test)::

    .venv/bin/python bench/submit.py [--count 3000] [--seconds 60] [--clients 4] [--engines sqlite,postgresql]
                                     [--postgres-url URL] [--cases]

For each engine the script prepares a fresh database (migrated, bundled questionnaires published, one
commune with 50 kiosk counters and their device tokens), starts the application in a separate process
under werkzeug's threaded server on 127.0.0.1, and sends kiosk ratings from ``--clients`` threads over
keep-alive connections until ``--count`` responses are stored or ``--seconds`` have passed (after 50
unmeasured warm-up requests). Every rating has its own uuid; each device's ratings are ten minutes apart
in submitted time, so no integrity rule flags them and every request does the full work of a new rating.
With ``--cases`` every rating of 3 or less also carries a comment, so three ratings in five open a
feedback case (the worst case; in real data cases are rare).

Without ``--postgres-url`` a throwaway PostgreSQL 15 cluster is started on a free loopback port with the
server's default durability settings (fsync and synchronous_commit on). On the same server pgbench then
runs a custom script of single-row INSERTs with the same number of clients for the same time, as a
ceiling for one INSERT per transaction. The script prints a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
DEVICES = 50
WARM_UP = 50
PGBENCH_SCRIPT = "\\set k random(1, 1000000000)\nINSERT INTO single_row (k, v) VALUES (:k, 'rating');\n"


def _free_port() -> int:
    """Return a free TCP port on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_postgres(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a PostgreSQL server binary, as the postgres user when we are root (initdb refuses root)."""
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


class Cluster:
    """A throwaway PostgreSQL cluster with default durability, listening on 127.0.0.1 only."""

    def __enter__(self) -> Cluster:  # noqa: PYI034 - never subclassed
        self.base = Path(tempfile.mkdtemp(prefix="hailong-bench-pg."))
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres", "postgres")
        self.port = _free_port()
        data = self.base / "data"
        _as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "--locale=C.UTF-8", "-E", "UTF8",
                      "--auth=trust", "-U", "postgres"])
        _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(self.base / "server.log"), "-w",
                      "-o", f"-k {self.base} -p {self.port} -h 127.0.0.1", "start"])
        _as_postgres([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                      "hailong_bench"])
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/hailong_bench"
        return self

    def __exit__(self, *_exc) -> None:
        _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.base / "data"), "-m", "fast", "-w", "stop"])
        shutil.rmtree(self.base, ignore_errors=True)


def prepare(url: str, instance: Path) -> list[str]:
    """Migrate an empty database, publish the bundled questionnaires, create counters; return tokens."""
    from survey.db import migrate
    from survey.domain.loader import load_file
    from survey.resources import bundled_questionnaire_files
    from survey.services import credentials, organisation, questionnaires
    from survey.web.app import create_app
    from survey.web.database import engine_of, session_scope

    os.environ["HAILONG_INSTANCE_PATH"] = str(instance)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    migrate.upgrade(engine_of(app))
    with session_scope(app) as session:
        for path in bundled_questionnaire_files():
            q = load_file(path)
            questionnaires.load(session, q)
            questionnaires.publish(session, q.code, q.version, by="bench")
        province = organisation.create_unit(session, code="B", kind="province", name_vi="Tỉnh Thử Tải")
        commune = organisation.create_unit(session, code="B01", kind="commune", name_vi="Xã Thử Tải",
                                           parent_id=province.id)
        centre = organisation.create_unit(session, code="B01-TT", kind="service_centre",
                                          name_vi="Bộ phận Một cửa", parent_id=commune.id)
        tokens = []
        for n in range(1, DEVICES + 1):
            counter = organisation.create_unit(session, code=f"B01-Q{n}", kind="counter",
                                               name_vi=f"Quầy {n}", parent_id=centre.id)
            tokens.append(credentials.issue(session, "kiosk_device", f"Kiosk {n}", counter.id).token)
    engine_of(app).dispose()
    return tokens


def serve(url: str, port: int) -> None:
    """Run the application under werkzeug's threaded server (the child process)."""
    import logging

    from werkzeug.serving import run_simple

    from survey.web.app import create_app

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    run_simple("127.0.0.1", port, create_app({"DATABASE_URL": url}), threaded=True)


class Load:
    """Kiosk ratings to send: device ``i`` sends its k-th rating ten minutes after its (k-1)-th."""

    def __init__(self, tokens: list[str], cases: bool = False) -> None:
        self.tokens = tokens
        self.cases = cases
        self.sent = 0
        self.lock = threading.Lock()
        self.start = dt.datetime.now(dt.UTC) - dt.timedelta(days=200)

    def next(self) -> tuple[str, bytes]:
        """Return the token and JSON body of the next rating."""
        with self.lock:
            number = self.sent
            self.sent += 1
        device = number % len(self.tokens)
        submitted = self.start + dt.timedelta(minutes=10 * (number // len(self.tokens)), seconds=device)
        face = 1 + number % 5
        answers = {"overall_rating": face}
        if face <= 3:
            answers["problem_elements"] = ["staff"]
            if self.cases:
                answers["comment"] = "Phải chờ lâu"
        body = {
            "uuid": str(uuid.uuid4()), "questionnaire": {"code": "kiosk", "version": "2026.1"},
            "channel": "kiosk", "unit": f"B01-Q{device + 1}",
            "started_at": (submitted - dt.timedelta(seconds=20)).isoformat(),
            "submitted_at": submitted.isoformat(), "answers": answers,
        }
        return self.tokens[device], json.dumps(body).encode()


def _client(port: int, load: Load, stop_at: float, budget: list[int], latencies: list[float],
            failures: list[str]) -> None:
    """Send ratings over one keep-alive connection until the budget or the time is used up."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.perf_counter() < stop_at:
        with load.lock:
            if budget[0] <= 0:
                break
            budget[0] -= 1
        token, body = load.next()
        started = time.perf_counter()
        connection.request("POST", "/api/v1/responses", body=body, headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
        response = connection.getresponse()
        reply = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 201:
            failures.append(f"{response.status} {reply[:200]!r}")
        else:
            latencies.append(elapsed)
    connection.close()


def run_load(port: int, tokens: list[str], count: int, seconds: float, clients: int, cases: bool) -> dict:
    """Warm up, then send ``count`` ratings (at most ``seconds``); return rate and latency percentiles."""
    load = Load(tokens, cases)
    warm: list[float] = []
    _client(port, load, time.perf_counter() + 60, [WARM_UP], warm, [])
    budget, latencies, failures = [count], [], []
    stop_at = time.perf_counter() + seconds
    threads = [threading.Thread(target=_client, args=(port, load, stop_at, budget, latencies, failures))
               for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} requests failed, e.g. {failures[0]}")
    ms = np.array(latencies) * 1000
    return {"stored": len(latencies), "seconds": wall, "rate": len(latencies) / wall,
            "p50": float(np.percentile(ms, 50)), "p95": float(np.percentile(ms, 95)),
            "p99": float(np.percentile(ms, 99))}


def _wait_until_up(port: int, server: subprocess.Popen) -> None:
    """Wait until the server answers on ``port``."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def bench_engine(url: str, args, workdir: Path) -> dict:
    """Prepare the database, start the server, run the load, stop the server."""
    tokens = prepare(url, workdir / "instance")
    port = _free_port()
    env = {**os.environ, "HAILONG_INSTANCE_PATH": str(workdir / "instance"), "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([sys.executable, __file__, "_serve", url, str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_until_up(port, server)
        before = _cpu_seconds(server.pid)
        result = run_load(port, tokens, args.count, args.seconds, args.clients, args.cases)
        # The server's CPU (user + system) per stored rating: unlike the rate, hardly moved by the
        # other work on a shared machine (the warm-up's 50 requests are included).
        result["cpu_ms"] = 1000 * (_cpu_seconds(server.pid) - before) / (result["stored"] + WARM_UP)
        return result
    finally:
        server.terminate()
        server.wait(timeout=30)


def _cpu_seconds(pid: int) -> float:
    """Return the CPU time (user + system) a process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pgbench(port: int, clients: int, seconds: int, workdir: Path) -> dict:
    """Run single-row INSERT transactions with pgbench; return its tps and mean latency (ms)."""
    script = workdir / "single_row.sql"
    script.write_text(PGBENCH_SCRIPT)
    os.chmod(workdir, 0o755)
    os.chmod(script, 0o644)
    base = ["-h", "127.0.0.1", "-p", str(port), "-U", "postgres"]
    _create_single_row(port)
    out = _as_postgres([str(PG_BIN / "pgbench"), "-n", "-f", str(script), "-c", str(clients),
                        "-j", str(clients), "-T", str(seconds), *base, "hailong_bench"]).stdout
    tps = float(re.search(r"tps = ([0-9.]+)", out).group(1))
    latency = float(re.search(r"latency average = ([0-9.]+) ms", out).group(1))
    return {"rate": tps, "latency": latency}


def _create_single_row(port: int) -> None:
    """Create pgbench's target table."""
    import psycopg

    with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/hailong_bench", autocommit=True) as c:
        c.execute("CREATE TABLE IF NOT EXISTS single_row (id bigserial PRIMARY KEY, k bigint, v text)")


def _machine() -> str:
    """Describe the machine: CPU model and count, memory, OS, Python."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next((int(line.split()[1]) // 1024 // 1024 for line in Path("/proc/meminfo").read_text()
                   .splitlines() if line.startswith("MemTotal")), 0)
    return (f"{os.cpu_count()} × {cpu}, {memory} GiB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f} at start")


def main() -> None:
    """Parse the arguments, run the engines and print a Markdown table."""
    if len(sys.argv) == 4 and sys.argv[1] == "_serve":
        serve(sys.argv[2], int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000, help="ratings to store per engine")
    parser.add_argument("--seconds", type=float, default=60.0, help="time limit per engine")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client connections")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", help="an empty PostgreSQL database to use instead of a new cluster")
    parser.add_argument("--cases", action="store_true", help="low ratings carry a comment (open cases)")
    args = parser.parse_args()
    machine = _machine()
    rows = []
    with tempfile.TemporaryDirectory(prefix="hailong-bench.") as tmp:
        workdir = Path(tmp)
        if "sqlite" in args.engines:
            rows.append(("SQLite (WAL, file)", bench_engine(f"sqlite:///{workdir / 'bench.db'}", args,
                                                            workdir), None))
        if "postgresql" in args.engines:
            if args.postgres_url:
                rows.append(("PostgreSQL", bench_engine(args.postgres_url, args, workdir), None))
            else:
                with Cluster() as cluster:
                    result = bench_engine(cluster.url, args, workdir)
                    reference = pgbench(cluster.port, args.clients, int(min(args.seconds, 30)), workdir)
                    rows.append(("PostgreSQL 15 (loopback, fsync on)", result, reference))
    print(f"machine: {machine}")
    print(f"command: {' '.join(sys.argv)}\n")
    print("| engine | stored | responses/s | p50 ms | p95 ms | p99 ms | server CPU ms per rating |"
          " pgbench single-row INSERT tps (mean ms) |")
    print("|---|---|---|---|---|---|---|---|")
    for name, r, ref in rows:
        pg = f"{ref['rate']:.0f} ({ref['latency']:.2f})" if ref else "n/a"
        print(f"| {name} | {r['stored']} in {r['seconds']:.1f} s | {r['rate']:.0f} | {r['p50']:.1f} | "
              f"{r['p95']:.1f} | {r['p99']:.1f} | {r['cpu_ms']:.2f} | {pg} |")


if __name__ == "__main__":
    main()
