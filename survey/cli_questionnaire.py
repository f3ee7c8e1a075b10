"""``hailong questionnaire ...``: validate, load, publish, list, show, diff, export and import forms."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from survey.cli_xlsform import export, import_xlsform
from survey.domain.diff import diff as diff_versions
from survey.domain.document import content_hash, to_document
from survey.domain.loader import load_file
from survey.domain.problems import QuestionnaireError
from survey.resources import bundled_questionnaire_files
from survey.services import questionnaires as service
from survey.web.database import session_scope


@click.group()
def questionnaire() -> None:
    """Work with questionnaire definitions and versions."""


def _fail(message: str, code: int = 1) -> None:
    """Print an error to stderr and exit with ``code``."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _files(paths: tuple[str, ...], bundled: bool) -> list[Path]:
    """Return the definition files named, or the bundled ones."""
    files = [Path(p) for p in paths] + (bundled_questionnaire_files() if bundled else [])
    if not files:
        _fail("name definition files, or use --bundled", 2)
    return files


@questionnaire.command()
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--bundled", is_flag=True, help="Validate the questionnaires that ship with hailong.")
def validate(paths: tuple[str, ...], bundled: bool) -> None:
    """Check definition files and report every problem (no database needed)."""
    failed = 0
    for path in _files(paths, bundled):
        try:
            q = load_file(path)
        except QuestionnaireError as error:
            failed += 1
            click.echo(str(error), err=True)
            continue
        digest = content_hash(to_document(q))
        click.echo(f"ok  {path}  {q.code} {q.version}  {len(q.items)} items  sha256:{digest[:16]}")
    if failed:
        _fail(f"{failed} file(s) invalid")


@questionnaire.command()
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--bundled", is_flag=True, help="Load the questionnaires that ship with hailong.")
@click.option("--publish", "publish_too", is_flag=True, help="Publish (freeze) what was loaded.")
@with_appcontext
def load(paths: tuple[str, ...], bundled: bool, publish_too: bool) -> None:
    """Validate definition files and store them as drafts (all or nothing)."""
    try:
        loaded = [load_file(path) for path in _files(paths, bundled)]
    except QuestionnaireError as error:
        _fail(str(error))
    try:
        with session_scope(current_app) as session:
            for q in loaded:
                result = service.load(session, q)
                if publish_too:
                    service.publish(session, q.code, q.version, by="cli")
                status = "published" if publish_too else result.status
                click.echo(f"{result.outcome:9} {q.code} {q.version} ({status}) sha256:{result.content_hash[:16]}")
    except service.VersionFrozenError as error:
        _fail(str(error))


@questionnaire.command()
@click.argument("code")
@click.argument("version")
@with_appcontext
def publish(code: str, version: str) -> None:
    """Publish a loaded version: from now on it is frozen."""
    try:
        with session_scope(current_app) as session:
            row = service.publish(session, code, version, by="cli")
            click.echo(f"published {row.code} {row.version} sha256:{row.content_hash}")
    except (service.VersionNotFound, service.CorruptVersionError) as error:
        _fail(str(error))


@questionnaire.command("list")
@click.option("--code", default=None, help="Only this questionnaire.")
@with_appcontext
def list_(code: str | None) -> None:
    """List stored versions with their status and hash."""
    with session_scope(current_app) as session:
        rows = service.list_versions(session, code)
        if not rows:
            click.echo("no questionnaire versions stored (try: hailong questionnaire load --bundled)")
        for row in rows:
            click.echo(f"{row.code:14} {row.version:9} {row.status:9} {row.content_hash[:16]}  {row.title_vi}")


@questionnaire.command()
@click.argument("code")
@click.argument("version", required=False)
@click.option("--lang", default="vi", show_default=True, help="Language of the labels.")
@click.option("--json", "as_json", is_flag=True, help="Print the canonical JSON document.")
@with_appcontext
def show(code: str, version: str | None, lang: str, as_json: bool) -> None:
    """Show a stored version (the newest published one when VERSION is left out)."""
    try:
        with session_scope(current_app) as session:
            row, q = service.get(session, code, version)
    except (service.VersionNotFound, service.CorruptVersionError) as error:
        _fail(str(error))
    if as_json:
        click.echo(json.dumps(to_document(q), ensure_ascii=False, indent=2))
        return
    click.echo(f"{q.code} {q.version} [{row.status}] sha256:{row.content_hash}")
    click.echo(q.title.get(lang))
    for section in q.sections:
        click.echo(f"\n## {section.label.get(lang)}")
        for item in section.items:
            flags = [item.type] + (["required"] if item.required else []) + (["pii"] if item.pii else [])
            click.echo(f"  {item.code:28} {item.label.get(lang)}  [{', '.join(flags)}]")
            if item.relevant:
                click.echo(f"  {'':28}   relevant: {item.relevant.text}")


@questionnaire.command()
@click.argument("code_or_old")
@click.argument("old_or_new")
@click.argument("new", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the differences as JSON.")
@with_appcontext
def diff(code_or_old: str, old_or_new: str, new: str | None, as_json: bool) -> None:
    """Show what changed: CODE OLD NEW (stored versions) or OLD.yaml NEW.yaml (files)."""
    try:
        if new is None:
            result = diff_versions(load_file(code_or_old), load_file(old_or_new))
        else:
            with session_scope(current_app) as session:
                result = service.compare(session, code_or_old, old_or_new, new)
    except (QuestionnaireError, service.VersionNotFound, service.CorruptVersionError) as error:
        _fail(str(error))
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(f"{result.old} -> {result.new}")
    if result.is_empty:
        click.echo("  no differences")
    for code in result.added:
        click.echo(f"  + {code}")
    for code in result.removed:
        click.echo(f"  - {code}")
    for change in result.changed:
        click.echo(f"  ~ {change.code}: {', '.join(change.fields)}")
    if result.moved:
        click.echo(f"  order changed: {', '.join(result.moved)}")
    for key in result.metadata:
        click.echo(f"  metadata: {key}")
    for note in result.dimensions:
        click.echo(f"  dimensions: {note}")


questionnaire.add_command(export)
questionnaire.add_command(import_xlsform)
