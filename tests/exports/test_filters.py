"""Filters of an export (unit subtree, period, channel, flagged), the caller's scope and the layout."""

from __future__ import annotations

import pytest
from export_expected import COLUMNS, expected_rows
from sqlalchemy import select

from survey.domain.periods import Period
from survey.services.exports import ExportError, ExportRequest, iter_rows, layout_for, resolve_unit
from survey.web.database import session_scope


def _rows(app, request):
    with session_scope(app) as session:
        layout = layout_for(session, request.code)
        return {row[0]: dict(zip(layout.names, row)) for row in iter_rows(session, request, layout,
                                                                             batch_size=5)}


def test_layout_spans_both_versions_in_first_seen_order(app, export_world):
    with session_scope(app) as session:
        layout = layout_for(session, "mini")
    assert layout.names == COLUMNS
    assert layout.versions == ("2026.1", "2026.2")


def test_small_batches_give_every_response_once(app, export_world):
    assert _rows(app, ExportRequest("mini")) == expected_rows(export_world)


def test_unit_subtree_period_and_flagged_filters(app, export_world):
    c01 = export_world.units["C01"]
    got = _rows(app, ExportRequest("mini", unit_id=c01, period=Period.parse("2026-Q1"),
                                   include_flagged=False))
    want = expected_rows(export_world, include_flagged=False, units={"C01", "S01"}, months={1, 2, 3})
    assert got == want and len(got) > 0
    assert {row["unit"] for row in got.values()} <= {"C01", "S01"}


def test_excluding_flagged_drops_exactly_the_flagged(app, export_world):
    got = _rows(app, ExportRequest("mini", include_flagged=False))
    assert set(got) == set(export_world.payloads) - export_world.flagged
    assert len(got) == 22


def test_channel_filter(app, export_world):
    assert _rows(app, ExportRequest("mini", channels=("kiosk",))) == {}
    assert len(_rows(app, ExportRequest("mini", channels=("web",)))) == 24
    with pytest.raises(ExportError) as error:
        _rows(app, ExportRequest("mini", channels=("fax",)))
    assert error.value.code == "unknown_channel"


def test_a_manager_cannot_export_another_commune(app, export_world):
    with session_scope(app) as session:
        c01, c02 = export_world.units["C01"], export_world.units["C02"]
        assert resolve_unit(session, "S01", c01) == export_world.units["S01"]
        assert resolve_unit(session, None, c01) == c01
        assert resolve_unit(session, "C02", None) == c02
        with pytest.raises(ExportError) as error:
            resolve_unit(session, "C02", c01)
        assert error.value.code == "out_of_scope" and "C02" in error.value.message_vi
        with pytest.raises(ExportError) as error:
            resolve_unit(session, "P01", c01)
        assert error.value.code == "out_of_scope"
        with pytest.raises(ExportError) as error:
            resolve_unit(session, "NOPE", None)
        assert error.value.code == "unknown_unit"


def test_unknown_questionnaire(app, export_world):
    with session_scope(app) as session, pytest.raises(ExportError) as error:
        layout_for(session, "sipas")
    assert error.value.code == "unknown_questionnaire"


def _weigh(app, keys):
    """Store household-survey weights for the responses ``keys`` (the chain the weighting run builds)."""
    from survey.db.fieldwork import (
        FieldSurvey,
        FrameUnitRow,
        ListingMember,
        RespondentDraw,
        ResponseWeight,
        SampleSelection,
    )
    from survey.db.responses import Response

    with session_scope(app) as session:
        survey = FieldSurvey(code="hh2026", name="Khảo sát hộ 2026", questionnaire_code="mini")
        session.add(survey)
        session.flush()
        village = FrameUnitRow(survey_id=survey.id, position=1, code="V01", name="Thôn 1", level="village")
        session.add(village)
        session.flush()
        selection = SampleSelection(survey_id=survey.id, stage=1, frame_unit_id=village.id, size=100,
                                    probability=0.2, overall_probability=0.2, group_units=40,
                                    group_selected=8, group_size=4000)
        session.add(selection)
        session.flush()
        for n, key in enumerate(keys, start=1):
            member = ListingMember(selection_id=selection.id, position=n)
            session.add(member)
            session.flush()
            draw = RespondentDraw(selection_id=selection.id, member_id=member.id, draw_order=n,
                                  role="main", probability=0.1)
            session.add(draw)
            session.flush()
            response_id = session.scalar(select(Response.id).where(Response.uuid == key))
            session.add(ResponseWeight(
                response_id=response_id, survey_id=survey.id, draw_id=draw.id, probability=0.02,
                base_weight=50.0, nonresponse_weight=1.1, calibrated_weight=1.0, final_weight=55.0 + n,
                adjustment_class="all", strata="urban", psu=f"V0{n}", fpc_psu=40.0))


def test_design_columns_come_from_the_household_weights(app, export_world):
    """The weighting module's registered source fills weight, strata and psu; its design treats PSUs
    as drawn with replacement, so fpc stays empty."""
    keys = sorted(export_world.payloads)[:3]
    _weigh(app, keys)
    got = _rows(app, ExportRequest("mini"))
    for n, key in enumerate(keys, start=1):
        assert (got[key]["weight"], got[key]["strata"], got[key]["psu"], got[key]["fpc"]) == (
            55.0 + n, "urban", f"V0{n}", None)
    for key in set(got) - set(keys):
        assert (got[key]["weight"], got[key]["strata"], got[key]["psu"], got[key]["fpc"]) == (
            None, None, None, None)
