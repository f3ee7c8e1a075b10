"""Invalid input to `hailong analyze` gives a clear message on stderr and exit code 2, never a traceback."""

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from analysis.command import analyze

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "tests" / "data" / "reference"
STRAT = [str(REFERENCE / "apistrat.csv"), "--weight", "pw", "--strata", "stype"]


@pytest.fixture
def files(tmp_path) -> dict[str, Path]:
    texts = {
        "negative.csv": "w,y\n1,3\n-2,4\n1,5\n",
        "text.csv": "w,y,g\n1,3,a\n2,x,b\n1,5,a\n",
        "bad_margins.csv": "stype,total\nE,4421\nH,755\n",
        "other_margins.csv": "awards,total\nNo,100\nYes,200\n",
        "stype_margins.csv": "stype,total\nE,4421\nH,755\nM,1018\n",
        "missing_design.csv": "w,s,y\n1,a,3\n2,,4\n1,b,5\n",
    }
    paths = {}
    for name, text in texts.items():
        paths[name] = tmp_path / name
        paths[name].write_text(text, encoding="utf-8")
    return paths


def fails(arguments: list[str], *fragments: str) -> str:
    result = CliRunner().invoke(analyze, arguments)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    return result.stderr


def test_unknown_column():
    fails([*STRAT, "--mean", "nothere"], "unknown column 'nothere'")
    fails([*STRAT, "--mean", "api00", "--by", "nothere"], "unknown column 'nothere'")
    fails([STRAT[0], "--weight", "nothere", "--mean", "api00"], "unknown column")


def test_non_numeric_values(files):
    fails([str(files["text.csv"]), "--weight", "w", "--mean", "y"], "'y' is not numeric")
    fails([str(files["text.csv"]), "--mean", "w", "--proportion", "g > a"], "needs a numeric column")
    fails([*STRAT, "--proportion", "api00 > high"], "must be a number")
    fails([*STRAT, "--mean", "stype"], "not numeric")


def test_negative_weights(files):
    fails([str(files["negative.csv"]), "--weight", "w", "--mean", "y"], "negative weights")


def test_a_stratum_with_one_psu_under_fail():
    stderr = fails([str(REFERENCE / "lonely_apistrat.csv"), "--weight", "pw", "--strata", "stype",
                    "--mean", "api00"])
    assert "Error" in stderr and "PSU" in stderr


def test_inconsistent_or_incomplete_margins(files):
    fails([*STRAT, "--poststratify", f"stype={files['bad_margins.csv']}", "--mean", "api00"],
          "no total for stype = M")
    fails([*STRAT, "--calibrate", f"stype={files['stype_margins.csv']}",
           "--calibrate", f"awards={files['other_margins.csv']}", "--mean", "api00"],
          "inconsistent margins")
    stderr = fails([*STRAT, "--rake", f"stype={files['stype_margins.csv']}",
                    "--rake", f"awards={files['other_margins.csv']}", "--mean", "api00"])
    assert "Error" in stderr


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (["--proportion", "api00 ~ 700"], "cannot read the proportion"),
        (["--index", "S=sum(api00>700)"], "cannot read the index"),
        (["--ratio", "api00"], "cannot read the ratio"),
        (["--mean", "api00", "--trim", "40"], "--trim needs LOW,HIGH"),
        (["--mean", "api00", "--poststratify", "stype"], "--poststratify needs COL=VALUE"),
        (["--mean", "api00", "--level", "95"], "--level must lie in (0, 1)"),
        (["--mean", "api00", "--seed", "3"], "need --replicates"),
        (["--mean", "api00", "--poststratify", "stype=/nonexistent/m.csv"], "cannot read margins"),
    ],
)
def test_bad_option_syntax(extra, fragment):
    fails([*STRAT, *extra], fragment)


def test_click_level_errors_also_exit_2():
    for arguments in ([*STRAT, "--mean", "api00", "--ci", "nonsense"], [*STRAT],
                      [str(REFERENCE / "nothere.csv"), "--mean", "api00"],
                      [*STRAT, "--mean", "api00", "--lonely-psu", "sometimes"]):
        assert CliRunner().invoke(analyze, arguments).exit_code == 2


def test_missing_design_values(files):
    fails([str(files["missing_design.csv"]), "--weight", "w", "--strata", "s", "--mean", "y"],
          "column 's' has missing values")


def test_a_real_process_reports_without_traceback():
    done = subprocess.run([sys.executable, "-m", "analysis.command", *STRAT, "--mean", "nothere"],
                          check=False, capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2
    assert "unknown column 'nothere'" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""
