"""`hailong analyze` design, calibration and replicate options against R, and its output formats.

R references (R 4.2.2, survey 4.1-1)::

    dclus2 <- svydesign(id=~dnum+snum, fpc=~fpc1+fpc2, data=apiclus2); svymean(~api00, dclus2)
    svymean(~api00, svydesign(id=~dnum+snum, weights=~pw, data=apiclus2))
    pop <- data.frame(stype=c("E","H","M"), Freq=c(4421,755,1018))
    svymean(~api00, rake(dclus1, list(~stype, ~sch.wide),
                         list(pop, data.frame(sch.wide=c("No","Yes"), Freq=c(1072, 5122))),
                         control=list(maxit=100, epsilon=1e-10)))   # R's default stops at epsilon=1
    svymean(~api00, as.svrepdesign(dclus1, type="JK1"))
    svymean(~api00, postStratify(as.svrepdesign(dclus1, type="JK1"), ~stype, pop))
    svymean(~api00, trimWeights(dstrat, lower=20, upper=40, strict=TRUE))
    svyby(~api00, ~stype+awards, dclus1, svymean)   # row E.No
"""

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from analysis.command import analyze
from analysis.design import Design
from analysis.estimators import mean
from analysis.replicates import ReplicateDesign

REFERENCE = Path(__file__).resolve().parents[2] / "tests" / "data" / "reference"
CLUS1 = [str(REFERENCE / "apiclus1.csv"), "--weight", "pw", "--cluster", "dnum", "--fpc", "fpc"]
STRAT = [str(REFERENCE / "apistrat.csv"), "--weight", "pw", "--strata", "stype", "--fpc", "fpc"]


def run(arguments: list[str]) -> list[dict]:
    result = CliRunner().invoke(analyze, [*arguments, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def estimate_and_se(arguments: list[str]) -> tuple[float, float]:
    [record] = run(arguments)
    return record["estimate"], record["se"]


@pytest.fixture(scope="module")
def margins(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("margins")
    files = {"stype": "stype,total\nE,4421\nH,755\nM,1018\n", "sch.wide": "sch.wide,total\nNo,1072\nYes,5122\n"}
    paths = {}
    for column, text in files.items():
        paths[column] = folder / f"{column}.csv"
        paths[column].write_text(text, encoding="utf-8")
    return paths


def test_two_stage_design_with_fpc_per_stage():
    arguments = [str(REFERENCE / "apiclus2.csv"), "--cluster", "dnum", "--cluster", "snum",
                 "--fpc", "fpc1", "--fpc", "fpc2", "--mean", "api00"]
    assert estimate_and_se(arguments) == pytest.approx((670.811808118081, 30.0990273768366), rel=1e-9)
    with_replacement = [str(REFERENCE / "apiclus2.csv"), "--weight", "pw", "--cluster", "dnum",
                        "--cluster", "snum", "--mean", "api00"]
    assert estimate_and_se(with_replacement) == pytest.approx((670.811808118081, 30.7115763093288), rel=1e-9)


def test_rake_to_two_margins(margins):
    arguments = [*CLUS1, "--rake", f"stype={margins['stype']}", "--rake", f"sch.wide={margins['sch.wide']}",
                 "--mean", "api00"]
    # Raking stops at a tolerance (ours 1e-8 on the weights' margins): agreement to 1e-8, not 1e-9.
    assert estimate_and_se(arguments) == pytest.approx((641.2303209268, 23.703616887929), rel=1e-8)


def test_trim_keeps_the_total_like_r_trimweights():
    arguments = [*STRAT, "--trim", "20,40", "--mean", "api00"]
    assert estimate_and_se(arguments) == pytest.approx((659.289699863109, 8.91786480580555), rel=1e-9)
    # With replicates every replicate is trimmed too; the full-sample estimate is the same.
    replicated, _ = estimate_and_se([*arguments, "--replicates", "jkn"])
    assert replicated == pytest.approx(659.289699863109, rel=1e-9)


def test_jackknife_and_replicates_after_calibration(margins):
    jk1 = [*CLUS1, "--replicates", "jk1", "--mean", "api00"]
    assert estimate_and_se(jk1) == pytest.approx((644.169398907104, 26.3293605895276), rel=1e-9)
    calibrated = [*CLUS1, "--poststratify", f"stype={margins['stype']}", "--replicates", "jk1",
                  "--mean", "api00"]
    # Every replicate is post-stratified again (not R's as.svrepdesign of a calibrated design, 26.698).
    assert estimate_and_se(calibrated) == pytest.approx((642.310788211582, 26.934535367426), rel=1e-9)


def test_bootstrap_is_seeded_and_matches_the_python_api():
    arguments = [*CLUS1, "--replicates", "bootstrap", "--replicate-count", "50", "--seed", "3",
                 "--mean", "api00"]
    first, again = run(arguments), run(arguments)
    assert first == again
    with open(REFERENCE / "apiclus1.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    design = Design(weights=np.array([float(r["pw"]) for r in rows]),
                    clusters=[np.array([r["dnum"] for r in rows])],
                    fpc=[np.array([float(r["fpc"]) for r in rows])])
    replicated = ReplicateDesign.from_design(design, "bootstrap", replicates=50, seed=3)
    api = mean(replicated, np.array([float(r["api00"]) for r in rows]))
    assert first[0]["se"] == pytest.approx(api.se, rel=1e-12)


def test_by_two_columns_matches_r_svyby():
    records = run([*CLUS1, "--mean", "api00", "--by", "stype, awards"])
    record = next(r for r in records if r["domain"] == {"stype": "E", "awards": "No"})
    assert (record["estimate"], record["se"]) == pytest.approx((628.090909090909, 36.7108750853452), rel=1e-9)


def test_numeric_by_columns_give_numeric_domains_in_numeric_order():
    records = run([*CLUS1, "--mean", "api00", "--by", "dnum"])
    labels = [r["domain"]["dnum"] for r in records]
    assert labels == sorted(labels) and all(isinstance(label, int) for label in labels)
    assert len(labels) == 15


def test_output_order_follows_the_options_and_level_is_used():
    records = run([*CLUS1, "--ratio", "api.stu/enroll", "--mean", "api00", "--mean", "api99",
                   "--level", "0.9", "--ci", "z"])
    assert [(r["statistic"], r["target"]) for r in records] == [
        ("ratio", "api.stu/enroll"), ("mean", "api00"), ("mean", "api99")]
    api00 = records[1]
    assert api00["ci_high"] - api00["estimate"] == pytest.approx(1.6448536269514722 * api00["se"], rel=1e-12)


def test_csv_and_table_formats_carry_the_same_numbers():
    arguments = [*CLUS1, "--mean", "api00", "--proportion", "sch.wide = Yes", "--by", "stype"]
    records = run(arguments)
    text = CliRunner().invoke(analyze, [*arguments, "--format", "csv"]).stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(records[0])
    assert [float(row["se"]) for row in rows] == [record["se"] for record in records]
    assert rows[0]["domain"] == "stype=E"
    table = CliRunner().invoke(analyze, [*arguments, "--format", "table"]).stdout.splitlines()
    assert table[0].split() == list(records[0])
    assert len(table) == 1 + len(records)
    assert len({len(line) for line in table[1:]}) <= 2
    assert table[1].split()[:3] == ["mean", "api00", "stype=E"]


def test_missing_values_are_left_out_like_r_na_rm():
    # acs.46 is NA for 26 schools; the mean uses the others (R: svymean(~acs.46, dclus1, na.rm=TRUE)).
    [record] = run([*CLUS1, "--mean", "acs.46"])
    assert record["n"] == 183 - 26
