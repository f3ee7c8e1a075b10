"""Filters of an export (unit subtree, period, channel, flagged), the caller's scope and the layout."""

from __future__ import annotations

import pytest
from export_expected import COLUMNS, expected_rows

from survey.domain.periods import Period
from survey.services import exports_design
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


def test_a_registered_design_source_fills_the_design_columns(app, export_world):
    from sqlalchemy import select

    from survey.db.responses import Response

    def source(session, ids):
        rows = session.execute(select(Response.id, Response.uuid).where(Response.id.in_(ids)))
        return {rid: exports_design.DesignValues(2.5, "urban", f"psu-{key[:4]}", 0.1)
                for rid, key in rows if key.startswith(("0", "1", "2", "3", "4", "5", "6", "7"))}

    exports_design.register_design_source(source)
    try:
        got = _rows(app, ExportRequest("mini"))
    finally:
        exports_design.unregister_design_source(source)
    for key, row in got.items():
        if key[0] in "01234567":
            assert (row["weight"], row["strata"], row["psu"], row["fpc"]) == (2.5, "urban", f"psu-{key[:4]}", 0.1)
        else:
            assert (row["weight"], row["strata"], row["psu"], row["fpc"]) == (None, None, None, None)
    assert _rows(app, ExportRequest("mini"))[key]["weight"] is None
