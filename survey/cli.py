"""The ``hailong`` command: Flask's command group plus hailong's own commands (thin calls into services)."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from analysis.command import analyze
from survey.cli_accounts import api_key, user
from survey.cli_audit import audit_group
from survey.cli_cases import cases
from survey.cli_exports import export
from survey.cli_fieldwork import fieldwork
from survey.cli_privacy import privacy_group
from survey.cli_qr import qr
from survey.cli_questionnaire import questionnaire
from survey.cli_reports import report
from survey.cli_serve import serve
from survey.cli_setup import demo, init
from survey.cli_volumes import volumes


def _create_app():
    """Create the application for commands that need it."""
    from survey.web.app import create_app

    return create_app()


# No .env/.flaskenv files: configuration comes only from the instance folder and HAILONG_* variables.
@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False, load_dotenv=False)
@click.version_option(package_name="hailong")
def cli() -> None:
    """hailong: measure citizen satisfaction (SIPAS) and local governance (PAPI)."""


cli.add_command(init)
cli.add_command(demo)
cli.add_command(serve)
cli.add_command(questionnaire)
cli.add_command(volumes)
cli.add_command(analyze)
cli.add_command(export)
cli.add_command(cases)
cli.add_command(user)
cli.add_command(api_key)
cli.add_command(report)
cli.add_command(qr)
cli.add_command(fieldwork)
cli.add_command(audit_group, name="audit")
cli.add_command(privacy_group)


def main() -> None:
    """Run the command line."""
    cli(prog_name="hailong")
