"""Frame import, design, reproducible draws, listings, respondent draws and sample export."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from survey.db.fieldwork import FrameUnitRow, ListingPersonal, RespondentDraw, SampleSelection
from survey.domain.sampling import SamplingError
from survey.services import sampling
from survey.services.sampling_csv import CsvImportError, read_frame
from survey.services.sampling_export import export_sample
from survey.web.database import session_scope
from tests.fieldwork.world import SIZES, drawn_survey, frame_csv


def selected(session, survey):
    rows = session.execute(select(SampleSelection, FrameUnitRow.code).join(
        FrameUnitRow, SampleSelection.frame_unit_id == FrameUnitRow.id).where(
        SampleSelection.survey_id == survey.id)).all()
    return {code: s for s, code in rows}


def test_draw_records_probabilities_per_stage(app):
    with session_scope(app) as session:
        survey = drawn_survey(session)
        chosen = selected(session, survey)
    districts = {c: s for c, s in chosen.items() if s.stage == 1}
    assert len(districts) == 3 and districts["D1"].certainty == "flagged"
    total = {d: sum(map(sum, communes)) for d, communes in SIZES.items()}
    others = sum(v for d, v in total.items() if d != "D1")
    for code, s in districts.items():
        expected = 1.0 if code == "D1" else 2 * total[code] / others
        assert s.probability == pytest.approx(expected)
    for code, s in chosen.items():
        if s.stage == 2:
            assert code.endswith("C1") and s.certainty == "flagged" or s.probability < 1
        if s.stage == 3:
            commune = code.split("V")[0]
            villages = SIZES[commune[:2]][int(commune[3:]) - 1]
            size = villages[int(code.split("V")[1]) - 1]
            assert s.probability == pytest.approx(size / sum(villages))
            parent = chosen[commune]
            assert s.overall_probability == pytest.approx(
                s.probability * parent.probability * chosen[commune[:2]].probability)


def test_same_seed_same_sample(app):
    with session_scope(app) as session:
        first = set(selected(session, drawn_survey(session, 77)))
    with session_scope(app) as session:
        session.execute(SampleSelection.__table__.delete())
        session.execute(FrameUnitRow.__table__.delete())
        from survey.db.fieldwork import FieldSurvey
        session.execute(FieldSurvey.__table__.delete())
    with session_scope(app) as session:
        assert set(selected(session, drawn_survey(session, 77))) == first


def test_drawn_sample_cannot_change(app):
    with session_scope(app) as session:
        survey = drawn_survey(session)
        with pytest.raises(SamplingError) as raised:
            sampling.draw(session, survey, 1)
        assert raised.value.code == "already_drawn"
        with pytest.raises(SamplingError):
            sampling.import_frame(session, survey, read_frame(frame_csv()))


def test_frame_errors_name_every_line():
    data = ("code,name,parent_code,level,population\n"
            "P,Tỉnh,,province,\n"
            "D1,Huyện,P,district,abc\n"
            "D1,Huyện lặp,P,district,5\n"
            "X,,Q,village,-3\n").encode()
    with pytest.raises(CsvImportError) as raised:
        read_frame(data)
    codes = {(p.line, p.code) for p in raised.value.problems}
    assert {(3, "bad_population"), (4, "duplicate_code"), (5, "empty_name"),
            (5, "bad_population")} <= codes
    assert all(p.message_vi and p.message_en for p in raised.value.problems)
    with pytest.raises(CsvImportError) as raised:
        read_frame(b"name,level\nx,y\n")
    assert raised.value.problems[0].code == "header"


def test_design_is_checked_against_the_frame(app):
    with session_scope(app) as session:
        survey = sampling.create_survey(session, "s", "S", "papi")
        sampling.import_frame(session, survey, read_frame(frame_csv()))
        with pytest.raises(SamplingError) as raised:
            sampling.set_design(session, survey, {"stages": [{"level": "hamlet", "n": 1}]})
        assert raised.value.code == "unknown_level"


def test_listing_respondent_draws_and_export_without_personal_data(app, tmp_path):
    with session_scope(app) as session:
        survey = drawn_survey(session)
        village = next(c for c, s in selected(session, survey).items() if s.stage == 3)
        people = [(f"Nguyễn Văn {i}", f"Số {i}, Thôn") for i in range(30)]
        assert sampling.import_listing(session, survey, village, people) == 30
        draws = sampling.draw_village_respondents(session, survey, village)
        assert [d.role for d in draws] == ["main"] * 6 + ["replacement"] * 2
        assert all(d.probability == pytest.approx(8 / 30) for d in draws)
        with pytest.raises(SamplingError):
            sampling.draw_village_respondents(session, survey, village)
        sampling.record_outcome(session, draws[0].id, "refused")
        with pytest.raises(SamplingError):
            sampling.record_outcome(session, draws[1].id, "completed")
        csv_path, xlsx_path = tmp_path / "s.csv", tmp_path / "s.xlsx"
        count = export_sample(session, survey, str(csv_path), "csv")
        export_sample(session, survey, str(xlsx_path), "xlsx")
        assert session.scalar(select(func.count()).select_from(ListingPersonal)) == 30
        order = [d.member_id for d in session.scalars(select(RespondentDraw).order_by(RespondentDraw.draw_order))]
    with open(csv_path, encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == count == 3 + 6 + 6
    assert {"stage", "code", "probability", "overall_probability", "certainty"} <= set(rows[0])
    workbook = load_workbook(xlsx_path)
    respondents = list(workbook["respondents"].values)
    assert len(respondents) == 1 + 8 and len(order) == 8
    text = " ".join(str(cell) for sheet in workbook for row in sheet.values for cell in row)
    assert "Nguyễn" not in text and "Thôn," not in text


def test_the_village_draw_is_reproducible(app):
    orders = []
    for _ in range(2):
        with session_scope(app) as session:
            survey = drawn_survey(session, 5)
            village = min(c for c, s in selected(session, survey).items() if s.stage == 3)
            sampling.import_listing(session, survey, village, [(str(i), "") for i in range(25)])
            orders.append([d.member_id - min(x.member_id for x in draws) for draws in
                           [sampling.draw_village_respondents(session, survey, village)] for d in draws])
            from survey.db.fieldwork import FieldSurvey
            session.execute(FieldSurvey.__table__.delete())
    assert orders[0] == orders[1]
