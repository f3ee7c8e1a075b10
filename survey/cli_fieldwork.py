"""``hailong fieldwork``: household survey frames, designs, draws, listings, sample export, weights."""

from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from survey.domain.sampling import SamplingError
from survey.services import fieldwork as interviewing
from survey.services import fieldwork_backchecks, sampling
from survey.services.fieldwork import FieldworkError
from survey.services.fieldwork_progress import progress as fieldwork_progress
from survey.services.sampling_csv import CsvImportError, read_frame, read_listing
from survey.services.sampling_export import FORMATS, export_sample
from survey.services.weights import compute_weights
from survey.services.weights_margins import read_margins
from survey.web.database import session_scope

SHOWN_PROBLEMS = 50


def _fail(error: Exception) -> None:
    """Print a refused command's reasons in Vietnamese and English and exit with status 1."""
    if isinstance(error, CsvImportError):
        for problem in error.problems[:SHOWN_PROBLEMS]:
            click.echo(f"{problem.text('vi')}  |  {problem.text('en')}", err=True)
        if len(error.problems) > SHOWN_PROBLEMS:
            click.echo(f"... và {len(error.problems) - SHOWN_PROBLEMS} lỗi khác / and more", err=True)
    else:
        click.echo(f"{error.message_vi}  |  {error.message_en}", err=True)
    click.echo("Không có gì được lưu. / Nothing was stored.", err=True)
    sys.exit(1)


@click.group()
def fieldwork() -> None:
    """Household surveys: sampling frames, PPS draws, respondent lists and weights."""


@fieldwork.command("frame-import")
@click.argument("survey_code")
@click.argument("path", type=click.File("rb"))
@click.option("--name", help="Name of a new survey round (default: its code).")
@click.option("--questionnaire", default="papi", show_default=True, help="Questionnaire code.")
@click.option("--province", help="Unit code of the province (optional).")
@with_appcontext
def frame_import(survey_code, path, name, questionnaire, province) -> None:
    """Import the frame FILE.csv (code,name,parent_code,level,population,households,urban,certainty,stratum)."""
    try:
        units = read_frame(path.read())
        with session_scope(current_app) as session:
            try:
                survey = sampling.get_survey(session, survey_code)
            except SamplingError:
                survey = sampling.create_survey(session, survey_code, name or survey_code,
                                                questionnaire, province)
            count = sampling.import_frame(session, survey, units)
    except (CsvImportError, SamplingError) as error:
        _fail(error)
    click.echo(f"Đã nhập {count} đơn vị vào khung {survey_code}. / "
               f"Imported {count} units into the frame of {survey_code}.")


@fieldwork.command("design")
@click.argument("survey_code")
@click.argument("path", type=click.File("r", encoding="utf-8"))
@click.option("--root", help="Frame code under which the first stage is drawn (default: whole frame).")
@with_appcontext
def design(survey_code, path, root) -> None:
    """Set the design from FILE.json: stages, strata allocation, respondent rule."""
    try:
        spec = json.load(path)
    except json.JSONDecodeError as error:
        raise click.BadParameter(f"JSON: {error}", param_hint="PATH") from None
    try:
        with session_scope(current_app) as session:
            result = sampling.set_design(session, sampling.get_survey(session, survey_code), spec, root)
    except SamplingError as error:
        _fail(error)
    stages = " → ".join(f"{s.level} ({s.n})" for s in result.stages)
    click.echo(f"Thiết kế / Design: {stages}; {result.respondents.drawn} / "
               f"{result.respondents.quota} ({result.respondents.method}).")


@fieldwork.command("draw")
@click.argument("survey_code")
@click.option("--seed", type=int, help="Random seed (default: a new one, printed and stored).")
@with_appcontext
def draw(survey_code, seed) -> None:
    """Draw every stage by systematic PPS; the seed is stored so the draw can be repeated."""
    try:
        with session_scope(current_app) as session:
            survey = sampling.get_survey(session, survey_code)
            rows = sampling.draw(session, survey, seed)
            seed = survey.seed
    except SamplingError as error:
        _fail(error)
    for stage in sorted({row.stage for row in rows}):
        chosen = [row for row in rows if row.stage == stage]
        certain = sum(row.certainty is not None for row in chosen)
        click.echo(f"Giai đoạn / stage {stage}: {len(chosen)} đơn vị / units "
                   f"({certain} chắc chắn / certainty)")
    click.echo(f"Hạt giống / seed: {seed}")


@fieldwork.command("listing-import")
@click.argument("survey_code")
@click.argument("path", type=click.File("rb"))
@with_appcontext
def listing_import(survey_code, path) -> None:
    """Import village listings from FILE.csv (village_code,name,address), all or nothing."""
    try:
        listing = read_listing(path.read())
        with session_scope(current_app) as session:
            survey = sampling.get_survey(session, survey_code)
            with click.progressbar(listing.items(), label="Danh sách / Listings", file=sys.stderr) as bar:
                total = sum(sampling.import_listing(session, survey, code, people) for code, people in bar)
    except (CsvImportError, SamplingError) as error:
        _fail(error)
    click.echo(f"Đã nhập {total} người ở {len(listing)} thôn. / "
               f"Imported {total} people in {len(listing)} villages.")


@fieldwork.command("draw-respondents")
@click.argument("survey_code")
@click.option("--village", "villages", multiple=True, help="Only these villages (default: all listed).")
@with_appcontext
def draw_respondents(survey_code, villages) -> None:
    """Draw respondents (main sample, then ordered replacements) in villages with a listing."""
    try:
        with session_scope(current_app) as session:
            survey = sampling.get_survey(session, survey_code)
            codes = list(villages) or sampling.villages_with_listing(session, survey)
            with click.progressbar(codes, label="Rút / Drawing", file=sys.stderr) as bar:
                drawn = sum(len(sampling.draw_village_respondents(session, survey, c)) for c in bar)
    except SamplingError as error:
        _fail(error)
    click.echo(f"Đã rút {drawn} người ở {len(codes)} thôn. / Drew {drawn} people in {len(codes)} villages.")


@fieldwork.command("export-sample")
@click.argument("survey_code")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
@click.option("--format", "file_format", type=click.Choice(FORMATS), default="csv", show_default=True)
@with_appcontext
def export_sample_command(survey_code, output, file_format) -> None:
    """Write the selected units (and, in XLSX, the respondent draws) without personal data."""
    try:
        with session_scope(current_app) as session:
            count = export_sample(session, sampling.get_survey(session, survey_code), output, file_format)
    except SamplingError as error:
        _fail(error)
    click.echo(f"Đã xuất {count} đơn vị vào {output}. / Exported {count} units to {output}.")


@fieldwork.command("weights")
@click.argument("survey_code")
@click.option("--margins", type=click.File("rb"), help="Census margins CSV: variable,category,total.")
@click.option("--item", "items", multiple=True, help="VARIABLE=ITEM when a margin's item has another code.")
@click.option("--trim", help="LOW,HIGH bounds as multiples of the mean weight, e.g. 0.3,3.5.")
@click.option("--min-respondents", default=5, show_default=True,
              help="A village with fewer respondents is adjusted with its commune.")
@with_appcontext
def weights(survey_code, margins, items, trim, min_respondents) -> None:
    """Compute base, non-response adjusted, calibrated and final weights; print diagnostics."""
    try:
        bounds = tuple(float(x) for x in trim.split(",")) if trim else None
        mapping = dict(item.split("=", 1) for item in items)
    except ValueError:
        raise click.BadParameter("--trim LOW,HIGH và --item VARIABLE=ITEM / "
                                 "use --trim LOW,HIGH and --item VARIABLE=ITEM") from None
    if bounds is not None and len(bounds) != 2:
        raise click.BadParameter("--trim LOW,HIGH")
    try:
        parsed = read_margins(margins.read(), mapping) if margins else None
        with session_scope(current_app) as session, click.progressbar(
                length=1, label="Trọng số / Weights", file=sys.stderr) as bar:
            report = compute_weights(session, sampling.get_survey(session, survey_code),
                                     margins=parsed, trim_bounds=bounds,
                                     min_respondents=min_respondents)
            bar.update(1)
    except (CsvImportError, SamplingError) as error:
        _fail(error)
    _print_report(report)


def _print_report(report) -> None:
    """Print counts, weight diagnostics per step and the margins reproduced."""
    counts = report.counts
    click.echo(f"Thôn / villages {counts['villages']}, phát ra / issued {counts['issued']}, "
               f"trả lời / respondents {counts['respondents']}, tỷ lệ / response rate "
               f"{counts['response_rate']:.1%}, nhóm điều chỉnh / classes {counts['classes']}")
    click.echo(f"{'bước / step':<14}{'n':>6}{'min':>12}{'max':>12}{'max/min':>9}{'deff':>7}{'n_eff':>9}")
    for step, d in report.diagnostics.items():
        click.echo(f"{step:<14}{d['n']:>6}{d['min']:>12.2f}{d['max']:>12.2f}{d['ratio']:>9.2f}"
                   f"{d['kish_deff']:>7.3f}{d['n_eff']:>9.1f}")
    for margin in report.margins:
        click.echo(f"  {margin['variable']}={margin['category']}: {margin['weighted']:.1f} / "
                   f"{margin['population']:.1f}")


@fieldwork.command("assign")
@click.argument("survey_code")
@click.argument("enumerator")
@click.argument("villages", nargs=-1, required=True)
@with_appcontext
def assign(survey_code, enumerator, villages) -> None:
    """Give selected VILLAGES (frame codes) of a survey to the ENUMERATOR (user name)."""
    try:
        with session_scope(current_app) as session:
            interviewing.assign(session, survey_code, list(villages), enumerator)
    except (FieldworkError, SamplingError) as error:
        _fail(error)
    click.echo(f"Đã giao {len(villages)} thôn cho {enumerator}. / Assigned {len(villages)} villages to {enumerator}.")


@fieldwork.command("enrol")
@click.argument("enumerator")
@click.option("--name", default="Máy tính bảng", show_default=True, help="A name for the tablet.")
@with_appcontext
def enrol(enumerator, name) -> None:
    """Print a one-time enrolment code for a tablet of the ENUMERATOR (typed into /interview/)."""
    try:
        with session_scope(current_app) as session:
            issued = interviewing.new_enrolment(session, enumerator, name)
            code, expires = issued.code, issued.expires_at
    except FieldworkError as error:
        _fail(error)
    click.echo(f"Mã đăng ký / enrolment code: {code[:4]}-{code[4:]}")
    click.echo(f"Dùng một lần, hết hạn / single use, expires {expires.isoformat(timespec='minutes')}")


@fieldwork.command("progress")
@click.argument("survey_code")
@with_appcontext
def progress_command(survey_code) -> None:
    """Print completed vs quota, refusals, replacements and response rate per enumerator and village."""
    try:
        with session_scope(current_app) as session:
            villages, people, total = fieldwork_progress(session, survey_code)
            rows = [row.to_dict() for row in (*people, total, *villages)]
    except SamplingError as error:
        _fail(error)
    click.echo(f"{'':<28}{'xong/completed':>15}{'từ chối/refused':>16}{'thay/repl.':>11}"
               f"{'tỷ lệ/rate':>11}{'thu về/returned':>16}")
    for row in rows:
        rate = "—" if row["response_rate"] is None else f"{row['response_rate']:.0%}"
        returned = f"{row['returned']}/{row['issued']}"
        click.echo(f"{row['label'][:27] or '(chưa giao / unassigned)':<28}{row['completed']:>9}/{row['quota']:<5}"
                   f"{row['refused']:>16}{row['replacements']:>11}{rate:>11}{returned:>16}")


@fieldwork.command("backcheck")
@click.argument("survey_code")
@click.option("--checker", help="Draw back-checks for this enumerator (user name).")
@click.option("--share", default=fieldwork_backchecks.DEFAULT_SHARE, show_default=True, type=float)
@click.option("--seed", type=int, help="Random seed (default: a new one, printed and stored).")
@with_appcontext
def backcheck(survey_code, checker, share, seed) -> None:
    """Draw back-checks (with --checker), then print the mismatches per enumerator."""
    try:
        with session_scope(current_app) as session:
            if checker:
                drawn = fieldwork_backchecks.draw_backchecks(session, survey_code, checker, share=share,
                                                             seed=seed)
                if drawn:
                    click.echo(f"Đã rút {len(drawn)} phiếu phúc tra (seed {drawn[0].seed}). / "
                               f"Drew {len(drawn)} back-checks (seed {drawn[0].seed}).")
            report = fieldwork_backchecks.mismatch_report(
                fieldwork_backchecks.backcheck_results(session, survey_code))
    except (FieldworkError, SamplingError) as error:
        _fail(error)
    for row in report:
        items = ", ".join(f"{item}×{n}" for item, n in sorted(row["items"].items())) or "—"
        click.echo(f"{row['enumerator']}: rút/drawn {row['drawn']}, xong/done {row['done']}, "
                   f"lệch/mismatch {row['with_mismatch']}  {items}")
