"""Coverage of the proportion interval methods on simulated clustered binary data.

Run by hand (not a test)::

    .venv/bin/python bench/coverage.py [--replications 400] [--clusters 30] [--cluster-size 10]

Each replication draws ``clusters`` PSUs (with replacement, one stratum, equal weights) of
``cluster-size`` respondents.  Cluster c has its own probability :math:`p_c \\sim
\\mathrm{Beta}(p(1-\\rho)/\\rho,\\ (1-p)(1-\\rho)/\\rho)`, so responses are beta-binomial with mean
:math:`p` and intra-cluster correlation :math:`\\rho` (:math:`\\rho = 0`: independent Bernoulli).  For
each (p, rho) cell and each interval method, the script reports the share of 95 % intervals that contain
:math:`p`; the Monte Carlo standard error of a coverage near 0.95 is
:math:`\\sqrt{0.95 \\cdot 0.05 / R}`.  Cells run in parallel processes, seeded per cell.
"""

from __future__ import annotations

import argparse
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.design import Design
from analysis.estimators import proportion

METHODS = ("beta", "logit", "xlogit", "likelihood", "asin", "wilson", "mean")
PROPORTIONS = (0.02, 0.05, 0.1, 0.2, 0.5)
CORRELATIONS = (0.0, 0.05, 0.2)


def draw(p: float, rho: float, clusters: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """Draw one clustered binary sample as a (clusters * size,) 0/1 array."""
    if rho == 0:
        chances = np.full(clusters, p)
    else:
        shape = (1.0 - rho) / rho
        chances = rng.beta(p * shape, (1.0 - p) * shape, size=clusters)
    return (rng.random((clusters, size)) < chances[:, None]).astype(float).ravel()


def cell(arguments: tuple[float, float, int, int, int, int]) -> tuple[float, float, dict, float]:
    """Return (p, rho, coverage per method, share of samples without any event) for one cell."""
    p, rho, clusters, size, replications, seed = arguments
    rng = np.random.default_rng(seed)
    psu = np.repeat(np.arange(clusters), size)
    design = Design(clusters=[psu])
    hits = dict.fromkeys(METHODS, 0)
    empty = 0
    for _ in range(replications):
        event = draw(p, rho, clusters, size, rng)
        empty += event.sum() == 0
        for method in METHODS:
            result = proportion(design, event, ci=method)
            hits[method] += bool(result.ci_low <= p <= result.ci_high)
    return p, rho, {method: hits[method] / replications for method in METHODS}, empty / replications


def main() -> None:
    """Run every (p, rho) cell and print the coverage table in Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=400)
    parser.add_argument("--clusters", type=int, default=30)
    parser.add_argument("--cluster-size", type=int, default=10)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    options = parser.parse_args()
    cells = [
        (p, rho, options.clusters, options.cluster_size, options.replications,
         options.seed + 1000 * i + j)
        for i, p in enumerate(PROPORTIONS)
        for j, rho in enumerate(CORRELATIONS)
    ]
    with ProcessPoolExecutor(max_workers=options.workers) as pool:
        results = list(pool.map(cell, cells))
    mc_se = np.sqrt(0.95 * 0.05 / options.replications)
    print(
        f"Coverage of nominal 95 % intervals; {options.replications} replications per row, "
        f"{options.clusters} PSUs x {options.cluster_size} respondents, df = {options.clusters - 1}; "
        f"Monte Carlo se about {mc_se:.3f}.\n"
    )
    print("| p | ICC | no event | " + " | ".join(METHODS) + " |")
    print("|---|---|---|" + "---|" * len(METHODS))
    for p, rho, coverage, empty in results:
        cells_text = " | ".join(f"{coverage[method]:.3f}" for method in METHODS)
        print(f"| {p:g} | {rho:g} | {empty:.2f} | {cells_text} |")


if __name__ == "__main__":
    main()
