"""``hailong questionnaire export`` (YAML, JSON, XLSForm) and ``import-xlsform`` (XLSForm to YAML)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
import yaml
from flask import current_app
from flask.cli import ScriptInfo

from survey.domain.document import content_hash, to_document
from survey.domain.loader import load_file
from survey.domain.model import Questionnaire
from survey.domain.problems import QuestionnaireError
from survey.domain.xlsform_export import write_xlsform
from survey.domain.xlsform_import import import_xlsform as read_xlsform

# The order a person reads a definition in: metadata, lists, tree, then the items.
KEY_ORDER = (
    "code", "version", "title", "family", "source", "effective_date", "default_language",
    "languages", "description", "choice_lists", "dimensions", "sections",
)


def _fail(message: str, code: int = 1) -> None:
    """Print an error to stderr and exit with ``code``."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def definition_yaml(questionnaire: Questionnaire) -> str:
    """Return the questionnaire's definition as readable YAML that the loader accepts."""
    definition = to_document(questionnaire)["definition"]
    ordered = {key: definition[key] for key in KEY_ORDER if key in definition}
    languages = list(questionnaire.languages)
    return yaml.safe_dump(
        _vietnamese_first(ordered, languages), allow_unicode=True, sort_keys=False, width=100
    )


def _vietnamese_first(value: Any, languages: list[str]) -> Any:
    """Return the value with every label's texts in the declared language order (vi first)."""
    if isinstance(value, list):
        return [_vietnamese_first(v, languages) for v in value]
    if not isinstance(value, dict):
        return value
    if "vi" in value and all(isinstance(text, str) for text in value.values()):
        rank = {language: i for i, language in enumerate(languages)}
        return dict(sorted(value.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0])))
    return {key: _vietnamese_first(v, languages) for key, v in value.items()}


def _stored(code: str, version: str) -> Questionnaire:
    """Return a stored version, opening the application only now (file exports need none)."""
    from survey.services import questionnaires as service
    from survey.web.database import session_scope

    app = current_app._get_current_object() if current_app else (
        click.get_current_context().ensure_object(ScriptInfo).load_app()
    )
    try:
        with app.app_context(), session_scope(app) as session:
            return service.get(session, code, version)[1]
    except (service.VersionNotFound, service.CorruptVersionError) as error:
        _fail(str(error))


@click.command()
@click.argument("source")
@click.argument("version", required=False)
@click.option("--format", "fmt", type=click.Choice(["yaml", "json", "xlsform"]), default="yaml",
              show_default=True, help="yaml: the definition; json: the canonical document; xlsform: .xlsx.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="File to write; YAML and JSON go to standard output without it.")
def export(source: str, version: str | None, fmt: str, output: str | None) -> None:
    """Export CODE VERSION from the database, or a definition FILE.yaml, as YAML, JSON or XLSForm."""
    if version is None and not Path(source).is_file():
        _fail(f"'{source}' is not a file: name a definition FILE.yaml, or CODE VERSION", 2)
    if fmt == "xlsform" and output is None:
        _fail("an XLSForm is a workbook: name the .xlsx file to write with -o", 2)
    try:
        questionnaire = load_file(source) if version is None else _stored(source, version)
    except QuestionnaireError as error:
        _fail(str(error))
    if fmt == "xlsform":
        write_xlsform(questionnaire, output)
    else:
        text = definition_yaml(questionnaire) if fmt == "yaml" else (
            json.dumps(to_document(questionnaire), ensure_ascii=False, indent=2) + "\n"
        )
        if output is None:
            click.echo(text, nl=False)
            return
        Path(output).write_text(text, encoding="utf-8")
    digest = content_hash(to_document(questionnaire))
    click.echo(f"wrote {output}: {questionnaire.code} {questionnaire.version} sha256:{digest[:16]}")


@click.command("import-xlsform")
@click.argument("form", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="YAML file to write, e.g. questionnaires/<code>/<version>.yaml (standard output "
                   "without it).")
@click.option("--code", default=None, help="Questionnaire code, instead of the form's form_id.")
@click.option("--version", "version", default=None,
              help="Version (YYYY.N), instead of the form's version setting.")
def import_xlsform(form: str, output: str | None, code: str | None, version: str | None) -> None:
    """Convert an XLSForm (.xlsx from hailong, KoboToolbox or ODK) into a YAML definition."""
    try:
        result = read_xlsform(form, code=code, version=version)
    except QuestionnaireError as error:
        _fail(str(error))
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    q = result.questionnaire
    text = definition_yaml(q)
    if output is None:
        click.echo(text, nl=False)
        return
    path = Path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    click.echo(f"wrote {path}: {q.code} {q.version}, {len(q.items)} items, "
               f"sha256:{content_hash(to_document(q))[:16]}")
    if (path.parent.name, path.stem) != (q.code, q.version):
        click.echo(f"note: the loader expects this definition at {q.code}/{q.version}.yaml", err=True)
