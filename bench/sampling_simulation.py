"""Repeated PAPI-style samples from a synthetic province: bias of the weighted estimators, CI coverage.

A province of districts -> communes -> villages -> people aged 18-70 with a binary outcome and a 1-10
score that depend on the district, the commune, the village, the village size (so equal weights are
biased) and sex. Each replicate draws the design hailong stores (capital district, district seat
communes and commune seat villages with certainty, the rest by systematic PPS; 20 people drawn per
village for a quota of 16, replacements in order), loses people to non-response that varies by
commune and by sex (men answer less), weights (base weight, non-response adjustment within villages as
survey.services.weights does, then optionally raking to the population's sex margin) and estimates
with analysis/ on the stored design (strata with certainty units, PSUs with replacement, or with the
first-stage fpc). It reports the relative bias, the empirical and mean estimated standard errors and
the coverage of 95 % intervals.

Run from the repository root: ``.venv/bin/python -m bench.sampling_simulation --replicates 1000``
"""

from __future__ import annotations

import argparse
import platform
import time
from collections import defaultdict

import numpy as np

from analysis.calibration import rake
from analysis.design import Design
from analysis.estimators import mean, proportion
from analysis.weighting import class_adjustment
from survey.domain.sampling import draw_respondents
from survey.domain.sampling_design import DesignSpec, Frame, FrameUnit, draw_stages
from survey.domain.sampling_weights import PathStep, design_position

SPEC = DesignSpec.from_dict({"stages": [
    {"level": "district", "n": 6}, {"level": "commune", "n": 2}, {"level": "village", "n": 2},
], "respondents": {"method": "simple", "drawn": 20, "quota": 16}})


def population(rng: np.random.Generator, districts: int = 15):
    """Return the frame, each village's people (score, event) and its response propensity."""
    units = [FrameUnit("P", "Tỉnh", None, "province")]
    people, propensity = {}, {}
    for d in range(districts):
        code_d = f"D{d:02d}"
        units.append(FrameUnit(code_d, code_d, "P", "district", certainty=d == 0))
        effect_d = rng.normal(0, 0.8)
        for c in range(int(rng.integers(6, 14))):
            code_c = f"{code_d}C{c:02d}"
            units.append(FrameUnit(code_c, code_c, code_d, "commune", certainty=c == 0))
            effect_c = effect_d + rng.normal(0, 0.5)
            for v in range(int(rng.integers(4, 10))):
                code_v = f"{code_c}V{v:02d}"
                size = int(rng.lognormal(5.0, 0.6)) + 30 + (400 if d == 0 else 0)
                units.append(FrameUnit(code_v, code_v, code_c, "village", population=size,
                                       certainty=v == 0))
                female = rng.random(size) < 0.52
                latent = (effect_c + rng.normal(0, 0.4) + 0.3 * np.log(size / 150) + 0.5 * female
                          + rng.normal(0, 1.2, size))
                score = np.clip(np.round(5.5 + 1.3 * latent), 1, 10)
                people[code_v] = (score, (latent > 0.3).astype(float), female)
                propensity[code_v] = float(np.clip(0.95 - 0.1 * abs(effect_c), 0.5, 0.95))
    return Frame(units), people, propensity


def one_sample(frame, people, propensity, margins, rng):
    """Draw, interview with non-response, weight; return the design and the respondents' outcomes."""
    selections = draw_stages(frame, SPEC, None, rng)
    by_code = {s.code: s for s in selections}
    certain = defaultdict(int)
    for s in selections:
        certain[s.parent, s.stratum] += s.certainty is not None
    base, respondent, classes, rows = [], [], [], []
    for village in (s for s in selections if s.stage == 3):
        path = [by_code[by_code[village.parent].parent], by_code[village.parent], village]
        pi = path[0].probability * path[1].probability * path[2].probability
        score, event, female = people[village.code]
        draw = draw_respondents(score.size, 20, 16, "simple", rng)
        issued, done = [], 0
        for order, person in enumerate(draw.order):
            if order >= draw.quota and done >= draw.quota:
                break
            answered = rng.random() < propensity[village.code] * (1.0 if female[person] else 0.75)
            issued.append((person, answered))
            done += answered
        steps = [PathStep(s.code, s.certainty is not None, s.group_selected, s.group_units,
                          certain[s.parent, s.stratum]) for s in path]
        for person, answered in issued:
            base.append(score.size / (pi * len(issued)))
            respondent.append(answered)
            classes.append(village.code)
            if answered:
                position = design_position(village.stratum, steps, f"{village.code}:{person}")
                rows.append((position.strata, position.psu, score[person], event[person],
                             position.fpc_psu or score.size, int(female[person])))
    weights, _ = class_adjustment(base, respondent, [True] * len(base), classes)
    weights = weights[np.asarray(respondent)]
    strata, psu = [r[0] for r in rows], [[r[1] for r in rows]]
    designs = {"with replacement": Design(weights=weights, strata=strata, clusters=psu,
                                          lonely_psu="adjust"),
               "fpc": Design(weights=weights, strata=strata, clusters=psu,
                             fpc=[[r[4] for r in rows]], lonely_psu="adjust")}
    sex = np.array([r[5] for r in rows])
    for name in list(designs):
        designs[f"raked on sex, {name}"] = rake(designs[name], {"sex": (sex, margins)})
    return designs, np.array([r[2] for r in rows]), np.array([r[3] for r in rows])


def main() -> None:
    """Run the simulation and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    frame, people, propensity = population(rng)
    scores = np.concatenate([p[0] for p in people.values()])
    events = np.concatenate([p[1] for p in people.values()])
    females = np.concatenate([p[2] for p in people.values()])
    margins = {1: float(females.sum()), 0: float((~females).sum())}
    truth = {"score (mean)": scores.mean(), "event (proportion)": events.mean()}
    found = defaultdict(list)
    sizes, designs = [], {}
    started = time.perf_counter()
    for _ in range(args.replicates):
        designs, score, event = one_sample(frame, people, propensity, margins, rng)
        sizes.append(score.size)
        found["score (mean)", "unweighted"].append((score.mean(),))
        found["event (proportion)", "unweighted"].append((event.mean(),))
        for variance, design in designs.items():
            for name, estimate in (("score (mean)", mean(design, score)),
                                   ("event (proportion)", proportion(design, event, ci="beta"))):
                found[name, variance].append(
                    (estimate.estimate, estimate.se, estimate.ci_low, estimate.ci_high, estimate.df))
    elapsed = time.perf_counter() - started
    print(f"population {scores.size} people, {len(people)} villages; {args.replicates} samples, "
          f"mean n = {np.mean(sizes):.0f}; {elapsed:.1f} s on {platform.machine()} "
          f"({platform.python_version()})")
    print("| statistic | truth | weights, variance | mean weighted estimate | relative bias (unweighted) | "
          "empirical SE | mean estimated SE | coverage of 95 % CI (median df) |")
    print("|---|---|---|---|---|---|---|---|")
    for name, value in truth.items():
        naive = np.mean([row[0] for row in found[name, "unweighted"]])
        for variance in designs:
            est, se, low, high, df = (np.array(column) for column in zip(*found[name, variance]))
            covered = np.mean((low <= value) & (value <= high))
            mc = np.sqrt(covered * (1 - covered) / args.replicates)
            print(f"| {name} | {value:.4f} | {variance} | {est.mean():.4f} | "
                  f"{(est.mean() - value) / value:+.2%} ({(naive - value) / value:+.2%}) | "
                  f"{est.std(ddof=1):.4f} | {se.mean():.4f} | {covered:.1%} ± {mc:.1%} "
                  f"({np.median(df):.0f}) |")


if __name__ == "__main__":
    main()
