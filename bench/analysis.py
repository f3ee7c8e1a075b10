"""Time domain means and proportions on 100,000 rows against R survey (svyby) and Python svy.

Run by hand (not a test)::

    .venv/bin/python bench/analysis.py [--rows 100000] [--repeat 5] [--svy-python /tmp/svyvenv/bin/python]

The data: 8 strata, 400 PSUs (50 per stratum, sampled with replacement), 20 domains crossing the PSUs,
unequal weights, a continuous ``y`` and a binary ``event`` with a PSU effect.  hailong is timed in this
process; R (``Rscript`` with the ``survey`` package) and the ``svy`` package (in a separate interpreter
given by ``--svy-python``, never in the project's environment) are timed in their own processes on the
same CSV file, and skipped when absent.  The script prints a Markdown table and the largest relative
differences of the estimates and standard errors against hailong.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.design import Design
from analysis.estimators import by, mean, proportion

R_SCRIPT = r"""
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
data <- read.csv(args[1])
repeats <- as.integer(args[2])
timed <- function(f) median(replicate(repeats, system.time(f())[["elapsed"]]))
t_design <- timed(function() d <<- svydesign(id = ~psu, strata = ~stratum, weights = ~weight, data = data))
t_mean <- timed(function() m <<- svyby(~y, ~domain, d, svymean))
t_prop <- timed(function() p <<- svyby(~event, ~domain, d, svymean))
cat(sprintf("time,design,%.6f\ntime,mean,%.6f\ntime,proportion,%.6f\n", t_design, t_mean, t_prop))
cat(sprintf("mean,%s,%.17g,%.17g\n", m$domain, m$y, SE(m)), sep = "")
cat(sprintf("proportion,%s,%.17g,%.17g\n", p$domain, p$event, SE(p)), sep = "")
"""

SVY_SCRIPT = r"""
import sys, time, statistics, json
import polars as pl
import svy
path, repeats = sys.argv[1], int(sys.argv[2])
data = pl.read_csv(path)
def timed(function):
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter(); result = function(); times.append(time.perf_counter() - start)
    return statistics.median(times), result
t_design, sample = timed(lambda: svy.Sample(data, svy.Design(stratum="stratum", psu="psu", wgt="weight")))
out = {"time": {"design": t_design}, "mean": {}, "proportion": {}}
for key, column in (("mean", "y"), ("proportion", "event")):
    seconds, result = timed(lambda: sample.estimation.mean(column, by="domain"))
    out["time"][key] = seconds
    for row in result.to_polars().iter_rows(named=True):
        out[key][str(row["domain"])] = [row["est"], row["se"]]
print(json.dumps(out))
"""


def make_data(rows: int, seed: int) -> dict[str, np.ndarray]:
    """Simulate the benchmark data: 8 strata x 50 PSUs, 20 domains, unequal weights."""
    rng = np.random.default_rng(seed)
    strata, psus_per_stratum, domains = 8, 50, 20
    psu = np.sort(rng.integers(0, strata * psus_per_stratum, size=rows))
    stratum = psu // psus_per_stratum
    domain = rng.integers(0, domains, size=rows)
    psu_effect = rng.normal(0.0, 1.0, size=strata * psus_per_stratum)[psu]
    y = 50.0 + 2.0 * stratum + 0.5 * domain + 5.0 * psu_effect + rng.normal(0.0, 10.0, size=rows)
    chance = 1.0 / (1.0 + np.exp(-(-1.0 + 0.05 * domain + 0.5 * psu_effect)))
    event = (rng.random(rows) < chance).astype(float)
    weight = rng.uniform(50.0, 150.0, size=rows) * (1.0 + stratum / 4.0)
    return {"stratum": stratum, "psu": psu, "domain": domain, "weight": weight, "y": y, "event": event}


def write_csv(data: dict[str, np.ndarray], path: Path) -> None:
    """Write the columns to a CSV file with full precision."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(data)
        writer.writerows(zip(*(column.tolist() for column in data.values())))


def run_hailong(data: dict[str, np.ndarray], repeats: int) -> dict:
    """Time the design and both domain estimates in this process (median of ``repeats``)."""
    groups = {"domain": data["domain"]}
    out: dict = {"time": {}}
    out["time"]["design"], design = _timed(
        lambda: Design(weights=data["weight"], strata=data["stratum"], clusters=[data["psu"]]), repeats
    )
    for key, function, column in (("mean", mean, "y"), ("proportion", proportion, "event")):
        out["time"][key], estimates = _timed(
            lambda f=function, c=column: by(design, f, groups, data[c]), repeats
        )
        out[key] = {str(e.domain["domain"]): [e.estimate, e.se] for e in estimates}
    return out


def run_r(path: Path, repeats: int, workdir: Path) -> dict | None:
    """Run the R survey timing, or return None when Rscript or survey is missing."""
    if shutil.which("Rscript") is None:
        return None
    script = workdir / "bench.R"
    script.write_text(R_SCRIPT, encoding="utf-8")
    done = subprocess.run(["Rscript", str(script), str(path), str(repeats)], check=False,
                          capture_output=True, text=True)
    if done.returncode != 0:
        print(f"R skipped: {done.stderr.strip()[:200]}", file=sys.stderr)
        return None
    out: dict = {"time": {}, "mean": {}, "proportion": {}}
    for line in done.stdout.splitlines():
        kind, key, *values = line.split(",")
        if kind == "time":
            out["time"][key] = float(values[0])
        else:
            out[kind][key] = [float(value) for value in values]
    return out


def run_svy(python: str | None, path: Path, repeats: int) -> dict | None:
    """Run the svy timing in another interpreter, or return None when none is given."""
    if not python:
        return None
    done = subprocess.run([python, "-c", SVY_SCRIPT, str(path), str(repeats)], check=False,
                          capture_output=True, text=True)
    if done.returncode != 0:
        print(f"svy skipped: {done.stderr.strip()[-300:]}", file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def largest_difference(ours: dict, theirs: dict, key: str, position: int) -> float:
    """Return the largest relative difference over domains of estimate (0) or se (1)."""
    return max(
        abs(theirs[key][domain][position] - value[position]) / abs(value[position])
        for domain, value in ours[key].items()
    )


def report(results: dict[str, dict | None], rows: int) -> str:
    """Return the Markdown table of timings and agreement."""
    lines = [
        (f"| tool ({rows:,} rows, 8 strata, 400 PSUs, 20 domains) | design (s) | mean by domain (s) "
         "| proportion by domain (s) | max rel. diff. estimate | max rel. diff. se |"),
        "|---|---|---|---|---|---|",
    ]
    ours = results["hailong"]
    for name, result in results.items():
        if result is None:
            lines.append(f"| {name} | not available | | | | |")
            continue
        times = result["time"]
        diffs = ["", ""]
        if name != "hailong":
            diffs = [
                f"{max(largest_difference(ours, result, key, position) for key in ('mean', 'proportion')):.1e}"
                for position in (0, 1)
            ]
        lines.append(
            f"| {name} | {times['design']:.4f} | {times['mean']:.4f} | {times['proportion']:.4f} "
            f"| {diffs[0]} | {diffs[1]} |"
        )
    return "\n".join(lines)


def _timed(function, repeats: int):
    """Return the median wall time of ``repeats`` calls and the last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), result


def main() -> None:
    """Parse the options, run the three tools and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--svy-python", help="interpreter of a separate venv with the svy package")
    options = parser.parse_args()
    data = make_data(options.rows, options.seed)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.csv"
        write_csv(data, path)
        results = {
            "hailong": run_hailong(data, options.repeat),
            "R survey (svyby)": run_r(path, options.repeat, Path(folder)),
            "svy (Python)": run_svy(options.svy_python, path, options.repeat),
        }
    print(report(results, options.rows))


if __name__ == "__main__":
    main()
