"""Stata's 32-character names on the bundled SIPAS questionnaire, whose option columns are longer."""

from __future__ import annotations

import datetime as dt

import pyreadstat

from survey.db.organisation import Unit
from survey.db.responses import Response
from survey.domain.loader import load_file
from survey.resources import bundled_questionnaire_files
from survey.services import questionnaires
from survey.services.exports import ExportRequest, layout_for
from survey.services.exports_labelled import write_labelled
from survey.web.database import session_scope


def test_sipas_exports_to_stata_with_cut_names_and_full_names_in_labels(app, tmp_path):
    sipas = next(p for p in bundled_questionnaire_files() if p.parent.name == "sipas")
    moment = dt.datetime(2026, 3, 2, 3, tzinfo=dt.UTC)
    with session_scope(app) as session:
        unit = Unit(code="C01", kind="commune", name_vi="Xã Một")
        session.add(unit)
        questionnaires.load(session, load_file(sipas))
        version = questionnaires.publish(session, "sipas", "2026.1")
        session.flush()
        session.add(Response(uuid="00000000-0000-4000-8000-000000000001", payload_hash="0" * 64,
                             questionnaire_version_id=version.id, channel="interview", unit_id=unit.id,
                             submitted_at=moment, received_at=moment, local_date=moment.date(),
                             raw_json="{}"))
    path = tmp_path / "sipas.dta"
    with session_scope(app) as session:
        names = layout_for(session, "sipas").names
        assert write_labelled(session, ExportRequest("sipas"), path, "dta") == 1
    frame, meta = pyreadstat.read_dta(str(path))
    long_names = [name for name in names if len(name) > 32]
    assert "procedures_expectation__fewer_documents" in long_names
    assert len(frame.columns) == len(names) and all(len(c) <= 32 for c in frame.columns)
    assert len(set(frame.columns)) == len(names)
    labels = list(meta.column_labels)
    for name in long_names:
        position = names.index(name)
        assert frame.columns[position] == name[:32] or frame.columns[position].startswith(name[:29])
        assert labels[position].startswith(f"{name}: ")
