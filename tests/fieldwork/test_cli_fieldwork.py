"""hailong fieldwork: frame-import, design, draw, listing-import, draw-respondents, export-sample, weights."""

from __future__ import annotations

import json

from sqlalchemy import select

from survey.cli import cli
from survey.db.fieldwork import FieldSurvey, RespondentDraw
from survey.services import sampling
from survey.web.database import session_scope
from tests.fieldwork.world import DESIGN, frame_csv, respondent_world, store_interview


def test_the_whole_command_line_flow(app, runner, tmp_path):
    frame = tmp_path / "frame.csv"
    frame.write_bytes(frame_csv())
    spec = tmp_path / "design.json"
    spec.write_text(json.dumps(DESIGN))
    result = runner.invoke(cli, ["fieldwork", "frame-import", "r1", str(frame)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(cli, ["fieldwork", "design", "r1", str(spec)]).exit_code == 0
    result = runner.invoke(cli, ["fieldwork", "draw", "r1", "--seed", "42"])
    assert result.exit_code == 0 and "42" in result.output
    sample = tmp_path / "sample.csv"
    assert runner.invoke(cli, ["fieldwork", "export-sample", "r1", "-o", str(sample)]).exit_code == 0
    villages = [line.split(",")[2] for line in sample.read_text(encoding="utf-8-sig").splitlines()[1:]
                if line.startswith("3,")]
    listing = tmp_path / "listing.csv"
    listing.write_text("village_code,name,address\n" + "".join(
        f"{v},Người {i},Nhà {i}\n" for v in villages for i in range(12)), encoding="utf-8")
    assert runner.invoke(cli, ["fieldwork", "listing-import", "r1", str(listing)]).exit_code == 0
    result = runner.invoke(cli, ["fieldwork", "draw-respondents", "r1"])
    assert result.exit_code == 0 and f"{8 * len(villages)}" in result.output
    result = runner.invoke(cli, ["fieldwork", "weights", "r1"])
    assert result.exit_code == 1 and "no completed interviews" in result.output
    with session_scope(app) as session:
        version_id, unit_id = respondent_world(session)
        for number, draw in enumerate(session.scalars(select(RespondentDraw)).all()):
            answers = {"sex": "male" if number % 2 else "female"}
            if draw.role == "main":
                sampling.record_outcome(session, draw.id, "completed",
                                        store_interview(session, version_id, unit_id, answers))
    margins = tmp_path / "margins.csv"
    margins.write_text("variable,category,total\nsex,male,600\nsex,female,650\n"
                       "urban_rural,urban,300\nurban_rural,rural,950\n")
    result = runner.invoke(cli, ["fieldwork", "weights", "r1", "--margins", str(margins),
                                 "--trim", "0.3,3.5"])
    assert result.exit_code == 0, result.output
    assert "final" in result.output and "sex=male: 600.0 / 600.0" in result.output


def test_refusals_are_bilingual_and_store_nothing(app, runner, tmp_path):
    frame = tmp_path / "frame.csv"
    frame.write_text("code,name,parent_code,level,population\nA,Tỉnh,,province,\nB,Thôn,Z,village,x\n")
    result = runner.invoke(cli, ["fieldwork", "frame-import", "r2", str(frame)])
    assert result.exit_code == 1
    assert "dòng 3" in result.output and "line 3" in result.output and "Nothing was stored" in result.output
    with session_scope(app) as session:
        assert session.scalars(select(FieldSurvey)).first() is None
