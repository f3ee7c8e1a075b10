"""Exported workbooks are valid XLSForms: pyxform, the converter ODK and KoboToolbox use, accepts them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyxform.xls2xform import convert

from survey.domain.loader import load_file
from survey.domain.xlsform_export import write_xlsform
from survey.resources import bundled_questionnaire_files

SMALL = Path(__file__).parents[1] / "data" / "xlsform" / "small" / "2026.3.yaml"
FILES = [SMALL, *bundled_questionnaire_files()]


def _xform(path: Path, tmp_path: Path):
    """Return pyxform's conversion of the exported workbook of a definition file."""
    target = tmp_path / f"{path.parent.name}.xlsx"
    write_xlsform(load_file(path), target)
    return convert(xlsform=str(target), validate=False)


@pytest.mark.parametrize("path", FILES, ids=[p.parent.name for p in FILES])
def test_pyxform_converts_the_export_without_warnings(path, tmp_path):
    result = _xform(path, tmp_path)
    assert result.warnings == []
    questionnaire = load_file(path)
    for item in questionnaire.items:
        assert f'nodeset="/data/{item.section}/{item.code}"' in result.xform


def test_the_xform_keeps_languages_types_and_logic(tmp_path):
    xform = _xform(SMALL, tmp_path).xform
    assert re.findall(r'<translation lang="([^"]+)"', xform) == [
        "Vietnamese (vi)", "English (en)", "French (fr)",
    ]
    assert '<translation lang="Vietnamese (vi)" default="true()">' in xform
    assert '<bind nodeset="/data/service/overall" type="string" required="true()"/>' in xform
    assert 'nodeset="/data/service/visits" type="int" constraint=". &lt;= 20"' in xform
    assert "relevant=\" /data/governance/informed  = 'yes'\"" in xform
    assert '<bind nodeset="/data/about/visit_date" type="date"/>' in xform
    assert "<value>Rất không đồng ý</value>" in xform and "<value>Có</value>" in xform
