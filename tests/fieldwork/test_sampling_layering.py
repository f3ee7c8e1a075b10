"""The sampling core imports neither Flask nor SQLAlchemy."""

import subprocess
import sys


def test_sampling_domain_and_weighting_import_no_web_or_database():
    probe = ("import sys, survey.domain.sampling, survey.domain.sampling_design, "
             "survey.domain.sampling_weights, analysis.weighting\n"
             "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
             "('flask', 'sqlalchemy', 'werkzeug', 'alembic'))))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
