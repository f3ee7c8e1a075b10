"""Median and 95th percentile of /healthz and /readyz through the test client (no network, no server).

Run by hand (not a test)::

    .venv/bin/python bench/probes.py [--database-url URL] [--calls 300]

Without ``--database-url`` a SQLite file in a temporary folder is used. The database is migrated to
head (an existing hailong database is left as it is otherwise).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

# The repository first: bench/analysis.py would otherwise shadow the analysis package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from survey.db import migrate
from survey.web.app import create_app


def timings(client, path: str, calls: int) -> list[float]:
    """Return the sorted milliseconds of ``calls`` GET requests to ``path`` (after one warm-up call)."""
    client.get(path)
    spent = []
    for _ in range(calls):
        started = time.perf_counter()
        status = client.get(path).status_code
        spent.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    return sorted(spent)


def main() -> None:
    """Measure both probes and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'hailong.db'}"
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING"})
        migrate.upgrade(app.extensions["hailong.db"][0])
        client = app.test_client()
        print(f"{url.split(':')[0]}, {args.calls} calls each\n\n| probe | median | p95 |\n|---|---|---|")
        for path in ("/healthz", "/readyz"):
            spent = timings(client, path, args.calls)
            print(f"| `{path}` | {statistics.median(spent):.2f} ms | {spent[int(0.95 * len(spent))]:.2f} ms |")
        app.extensions["hailong.db"][0].dispose()


if __name__ == "__main__":
    main()
