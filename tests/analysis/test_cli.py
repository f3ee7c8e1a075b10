"""`hailong analyze` reproduces every design-based value of R survey in r-survey-api.json.

Each anchor of tests/data/reference/r-survey-api.json is mapped to a command line; the JSON output is
compared with R's numbers (relative tolerance 1e-9; 1e-6 for the estimates and intervals of R's
GLM-based ``logit`` and of ``likelihood``).  The kiosk binomial anchors (45 of 120, plain Wilson and
Clopper-Pearson) are not design-based estimates and are checked through ``analysis.summaries``.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from analysis.command import analyze

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "tests" / "data" / "reference"
ANCHORS = json.loads((REFERENCE / "r-survey-api.json").read_text(encoding="utf-8"))
META = ANCHORS["_meta"]
DESIGNS = {
    "dsrs": ["apisrs.csv", "--fpc", "fpc"],
    "dstrat": ["apistrat.csv", "--weight", "pw", "--strata", "stype", "--fpc", "fpc"],
    "dclus1": ["apiclus1.csv", "--weight", "pw", "--cluster", "dnum", "--fpc", "fpc"],
    "dclus1_nofpc": ["apiclus1.csv", "--weight", "pw", "--cluster", "dnum"],
    "dstrat_nofpc": ["apistrat.csv", "--weight", "pw", "--strata", "stype"],
    "lonely": ["lonely_apistrat.csv", "--weight", "pw", "--strata", "stype"],
}
ESTIMATE_KEYS = {"est": "estimate", "se": "se", "ci_lo": "ci_low", "ci_hi": "ci_high",
                 "ci_t_lo": "ci_low", "ci_t_hi": "ci_high", "deff": "deff"}


@pytest.fixture(scope="module")
def margins(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("margins")
    path = folder / "stype.csv"
    totals = META["population totals used by postStratify/calibrate (from apipop)"]["stype"]
    path.write_text("stype,total\n" + "".join(f"{k},{v}\n" for k, v in totals.items()), encoding="utf-8")
    return path


def command_for(key: str, margins: Path) -> tuple[list[str], dict | None]:
    """Return the analyze arguments reproducing one R anchor, and the expected domain."""
    api99 = str(META["population totals used by postStratify/calibrate (from apipop)"]["api99"])
    simple = {
        "svymean(~api00,{d})[api00]": ["--mean", "api00"],
        "svytotal(~enroll,{d})[enroll]": ["--total", "enroll"],
        "svymean(~stype,{d})[stypeE]": ["--proportion", "stype=E"],
        "svyratio(~api.stu,~enroll,{d})": ["--ratio", "api.stu/enroll"],
    }
    for pattern, statistic in simple.items():
        for design, arguments in DESIGNS.items():
            if key == pattern.format(d=design):
                return [*map(_path, arguments[:1]), *arguments[1:], *statistic], None
    clus1 = [_path("apiclus1.csv"), *DESIGNS["dclus1"][1:]]
    calibrated = {
        "svymean(~api00,postStratify(dclus1,~stype))[api00]":
            [*clus1, "--poststratify", f"stype={margins}", "--mean", "api00"],
        "svytotal(~enroll,postStratify(dclus1,~stype))[enroll]":
            [*clus1, "--poststratify", f"stype={margins}", "--total", "enroll"],
        "svymean(~api00,calibrate(dclus1,~stype))[api00]":
            [*clus1, "--calibrate", f"stype={margins}", "--mean", "api00"],
        "svymean(~api00,calibrate(dclus1,~stype+api99))[api00]":
            [*clus1, "--calibrate", f"stype={margins}", "--calibrate", f"api99={api99}", "--mean", "api00"],
        "svymean(~api00,JKn(dstrat))[api00]":
            [_path("apistrat.csv"), *DESIGNS["dstrat"][1:], "--replicates", "jkn", "--mean", "api00"],
    }
    if key in calibrated:
        return calibrated[key], None
    if key.startswith("svyciprop("):
        expression, design, method = _ciprop(key)
        return [_path(DESIGNS[design][0]), *DESIGNS[design][1:], "--proportion", expression,
                "--ci", method], None
    if key.startswith("svyby(~api00,~stype,dclus1,svymean)["):
        return [*clus1, "--mean", "api00", "--by", "stype"], {"stype": key[-2]}
    if key.startswith(("svymean(~api00,lonely,", "svytotal(~enroll,lonely,")):
        option = key.split(",")[2].split(")")[0]
        statistic = ["--mean", "api00"] if key.startswith("svymean") else ["--total", "enroll"]
        return [_path("lonely_apistrat.csv"), *DESIGNS["lonely"][1:], "--lonely-psu", option,
                *statistic], None
    raise AssertionError(f"no command for anchor {key}")


def _ciprop(key: str) -> tuple[str, str, str]:
    """Split ``svyciprop(~I(ell==0),dstrat,method=logit)`` into expression, design, method."""
    inner = key[len("svyciprop(~I("):-1]
    expression, rest = inner.split("),", 1)
    design, method = rest.split(",method=")
    return expression.replace("==", "="), design, method


def _path(name: str) -> str:
    return str(REFERENCE / name)


def run(arguments: list[str]) -> list[dict]:
    result = CliRunner().invoke(analyze, [*arguments, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def tolerance(key: str, field: str) -> float:
    loose = ("method=logit" in key or "method=likelihood" in key) and field != "se"
    return 1e-6 if loose else 1e-9


def pick(records: list[dict], domain: dict | None) -> dict:
    matches = [r for r in records if r["domain"] == domain]
    assert len(matches) == 1, records
    return matches[0]


@pytest.mark.parametrize("key", sorted(ANCHORS["anchors"]))
def test_analyze_reproduces_r(key, margins):
    arguments, domain = command_for(key, margins)
    expected = ANCHORS["anchors"][key]
    record = pick(run(arguments), domain)
    for field, value in expected.items():
        if field in ESTIMATE_KEYS:
            assert record[ESTIMATE_KEYS[field]] == pytest.approx(value, rel=tolerance(key, field)), field
    if "ci_z_lo" in expected:
        normal = pick(run([*arguments, "--ci", "z"]), domain)
        assert normal["ci_low"] == pytest.approx(expected["ci_z_lo"], rel=1e-9)
        assert normal["ci_high"] == pytest.approx(expected["ci_z_hi"], rel=1e-9)
        assert normal["df"] is None


@pytest.mark.parametrize("design", sorted(META["degf"]))
def test_degrees_of_freedom_are_r_degf(design):
    arguments = DESIGNS[design]
    record = run([_path(arguments[0]), *arguments[1:], "--mean", "api00", "--lonely-psu", "remove"])[0]
    assert record["df"] == META["degf"][design]


def test_every_anchor_has_a_command(margins):
    for key in ANCHORS["anchors"]:
        command_for(key, margins)


def test_json_elements_have_exactly_the_contract_keys():
    arguments = DESIGNS["dclus1"]
    records = run([_path(arguments[0]), *arguments[1:], "--mean", "api00", "--proportion", "sch.wide=Yes",
                   "--by", "stype,awards"])
    assert len(records) == 12
    keys = {"statistic", "target", "domain", "estimate", "se", "ci_low", "ci_high", "df", "n", "n_eff", "deff"}
    assert all(set(record) == keys for record in records)
    assert records[0]["domain"] == {"stype": "E", "awards": "No"}
    assert [r["statistic"] for r in records] == ["mean"] * 6 + ["proportion"] * 6
    assert all(isinstance(r["n"], int) for r in records)


def test_a_real_process_reproduces_r():
    key = "svymean(~api00,dstrat)[api00]"
    done = subprocess.run(
        [sys.executable, "-m", "analysis.command", _path("apistrat.csv"), "--weight", "pw", "--strata",
         "stype", "--fpc", "fpc", "--mean", "api00", "--format", "json"],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )
    record = json.loads(done.stdout)[0]
    for field in ("est", "se", "ci_t_lo", "ci_t_hi", "deff"):
        assert record[ESTIMATE_KEYS[field]] == pytest.approx(ANCHORS["anchors"][key][field], rel=1e-9)
