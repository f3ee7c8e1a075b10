"""The pure layers import neither Flask nor SQLAlchemy."""

import subprocess
import sys

import pytest

PROBE = """
import sys
import survey, survey.domain, survey.domain.loader, survey.domain.document, survey.domain.diff
import survey.domain.expressions
import analysis
{extra}
heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'werkzeug', 'alembic'))
print(','.join(heavy))
"""


@pytest.mark.parametrize("extra", ["", "import analysis.estimators, analysis.calibration, analysis.indices"])
def test_domain_and_analysis_import_no_web_or_database(extra):
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(extra=extra)], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
