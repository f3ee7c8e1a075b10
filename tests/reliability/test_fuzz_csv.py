"""Fuzz the CSV imports: sampling frames, village listings, census margins and transaction volumes.

Files are random bytes, or tables written with any delimiter, line ending, quoting and encoding
(UTF-8 with and without BOM, UTF-16, cp1258), with columns missing, extra or renamed, cells that
are formulas, huge, empty, duplicated or hold NUL. Each is read and imported the way the commands
do it, all or nothing: either it is stored and reads back equal, or it is refused with problems
naming the line in Vietnamese and English, and every table's row count is unchanged.
"""

from __future__ import annotations

import csv
import io

import pytest
from fuzz_oracle import OUTCOMES
from fuzz_world import fuzzed, row_counts  # noqa: F401  (a fixture)
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from survey.db.fieldwork import FrameUnitRow
from survey.db.organisation import Service, Unit
from survey.db.volumes import TransactionVolume
from survey.domain.sampling import SamplingError
from survey.services import sampling
from survey.services.sampling_csv import CsvImportError, read_frame, read_listing
from survey.services.volumes import VolumeImportError, import_rows
from survey.services.volumes_csv import read_csv
from survey.services.weights_margins import read_margins
from survey.web.database import session_scope

EXAMPLES = {"frame": {"sqlite": 3000, "postgresql": 150}, "listing": {"sqlite": 2500, "postgresql": 125},
            "margins": {"sqlite": 1500, "postgresql": 75}, "volumes": {"sqlite": 3000, "postgresql": 150}}
FUZZ = {"suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large], "deadline": None}
FRAME = ("code", "name", "parent_code", "level", "population", "households", "urban", "certainty", "stratum")
CODES = ["P", "D1", "D2", "D1C1", "D1C2", "D2C1", "D1C1V1", "D1C1V2", "D1C2V1", "D2C1V1", "D2C1V2"]
ODD_CELLS = ["", " ", "=1+1", "=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "@SUM(A1)", "-1", "1e400", "nan",
             "1,000", "x" * 70, "y" * 100_000, "Thôn\x00", "a\nb", '"', "Làng Đông Hải", "١٢٣", "٫", "0x10", "∞"]
CELL = st.one_of(st.sampled_from(CODES), st.sampled_from(ODD_CELLS), st.text(max_size=12),
                 st.integers(-5, 10**6).map(str), st.floats(allow_nan=True).map(str),
                 st.sampled_from(["province", "district", "commune", "village", "urban", "rural", "thành thị", "1",
                                  "0", "có", "không", "2026-03-02", "2026-02-30", "02/03/2026", "1.000894", "K01"]))


def frame_csv() -> str:
    """Return a valid frame: a province, two districts, three communes and five villages."""
    lines = [",".join(FRAME), "P,Tỉnh Mẫu,,province,,,,0,"]
    for code in CODES[1:]:
        level = {2: "district", 4: "commune", 6: "village"}[len(code)]
        size = str(100 + len(code) * 7) if level == "village" else ""
        lines.append(f"{code},Nơi {code},{code[:-2] or 'P'},{level},{size},{size and '20'},{'rural' if size else ''},"
                     "0,")
    return "\n".join(lines) + "\n"


@st.composite
def tables(draw, columns: tuple[str, ...], valid: list[list[str]] | None = None) -> bytes:
    """Draw a CSV file: columns chosen, reordered, renamed or added; rows valid, junk or repeated."""
    header = list(draw(st.permutations(columns)))
    for _ in range(draw(st.integers(0, 2))):
        change = draw(st.sampled_from(["drop", "extra", "case", "space"]))
        at = draw(st.integers(0, max(len(header) - 1, 0)))
        if change == "drop" and header:
            header.pop(at)
        elif change == "extra":
            header.insert(at, draw(st.sampled_from(["ghi_chu", "", "code", "=cmd"])))
        elif header:
            header[at] = header[at].upper() if change == "case" else f" {header[at]} "
    rows = [list(row) for row in (valid or [])]
    rows += draw(st.lists(st.lists(CELL, max_size=len(columns) + 2), max_size=6))
    if rows and draw(st.booleans()):
        rows.insert(draw(st.integers(0, len(rows))), list(draw(st.sampled_from(rows))))
    text = io.StringIO()
    writer = csv.writer(text, delimiter=draw(st.sampled_from([",", ",", ";", "\t", "|"])),
                        lineterminator=draw(st.sampled_from(["\n", "\r\n", "\r"])),
                        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])))
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "cp1258"]))
    return text.getvalue().encode(encoding, "replace")


def files(columns: tuple[str, ...], valid: list[list[str]] | None = None) -> st.SearchStrategy[bytes]:
    """Return CSV files built by ``tables`` and, sometimes, random bytes."""
    return st.one_of(tables(columns, valid), tables(columns, valid), st.binary(max_size=300))


def refused(error: Exception) -> None:
    """Check a refusal names every problem in Vietnamese and English (with its line where there is one)."""
    assert error.problems
    for problem in error.problems:
        assert problem.message_vi.strip() and problem.message_en.strip() and problem.code
        assert problem.line is None or problem.line >= 1


def import_all_or_nothing(app, surface: str, engine: str, work) -> None:
    """Run ``work`` in one transaction; a refusal must leave every table's row count unchanged."""
    before = row_counts(app)
    try:
        with session_scope(app) as session:
            work(session)
    except (CsvImportError, VolumeImportError, SamplingError) as error:
        OUTCOMES[surface, engine, type(error).__name__] += 1
        if not isinstance(error, SamplingError):
            refused(error)
        assert row_counts(app) == before
        return
    OUTCOMES[surface, engine, "imported"] += 1


@pytest.fixture
def world(fuzzed):
    """Return (engine, app) with a survey whose frame is drawn, for listings, and a fresh one, for frames."""
    engine, app, _ = fuzzed
    with session_scope(app) as session:
        survey = sampling.create_survey(session, "drawn", "Khảo sát đã rút", "papi")
        sampling.import_frame(session, survey, read_frame(frame_csv().encode()))
        sampling.set_design(session, survey, {"stages": [
            {"level": "district", "n": 1}, {"level": "commune", "n": 1}, {"level": "village", "n": 1, "certainty": "none"}],
            "respondents": {"method": "simple", "drawn": 2, "quota": 1}})
        sampling.draw(session, survey, 2026)
        sampling.create_survey(session, "open", "Khảo sát mới", "papi")
    return engine, app


def test_fuzz_frame_import(world):
    engine, app = world
    valid = [row.split(",") for row in frame_csv().splitlines()[1:4]]

    def work(data):
        def run(session):
            units = read_frame(data)
            survey = sampling.get_survey(session, "open")
            sampling.import_frame(session, survey, units)
            session.flush()
            stored = session.scalars(select(FrameUnitRow).where(FrameUnitRow.survey_id == survey.id)
                                     .order_by(FrameUnitRow.position)).all()
            assert [(r.code, r.name, r.parent_code, r.level, r.population, r.households, r.urban, r.certainty,
                     r.stratum) for r in stored] == [
                (u.code, u.name, u.parent, u.level, u.population, u.households, u.urban, u.certainty, u.stratum)
                for u in units]
        return run

    @settings(max_examples=EXAMPLES["frame"][engine], **FUZZ)
    @given(files(FRAME, valid))
    @example(b"code,name,level\nP\x00,x,province\n")
    @example(("code,name,level\n" + "P" * 70 + ",x,province\n").encode())
    @example(b"code,name,level\nP,x," + b"l" * 40 + b"\n")
    def run(data):
        import_all_or_nothing(app, "csv frame", engine, work(data))

    run()


def test_fuzz_listing_import(world):
    engine, app = world
    valid = [["D1C1V1", "Nguyễn Văn An", "Xóm 1"], ["D2C1V2", "Trần Thị Bình", ""]]

    def work(data):
        def run(session):
            listing = read_listing(data)
            survey = sampling.get_survey(session, "drawn")
            for code, people in listing.items():
                assert sampling.import_listing(session, survey, code, people) == len(people)
        return run

    @settings(max_examples=EXAMPLES["listing"][engine], **FUZZ)
    @given(files(("village_code", "name", "address"), valid))
    @example(b"village_code,name,address\nD1C1V1,An\x00,x\n")
    def run(data):
        import_all_or_nothing(app, "csv listing", engine, work(data))

    run()


def test_fuzz_census_margins(world):
    engine, _ = world

    @settings(max_examples=EXAMPLES["margins"][engine], **FUZZ)
    @given(files(("variable", "category", "total"), [["urban_rural", "urban", "1200"], ["sex", "female", "1,300"]]))
    @example(b"variable,category,total\nsex,male,inf\n")
    def run(data):
        try:
            margins = read_margins(data)
        except CsvImportError as error:
            OUTCOMES["csv margins", engine, "CsvImportError"] += 1
            refused(error)
            return
        OUTCOMES["csv margins", engine, "read"] += 1
        assert all(0 <= total < float("inf") for totals in margins.totals.values() for total in totals.values())

    run()


def test_fuzz_volume_import(world):
    engine, app = world
    valid = [["K01", "1.000894", "2026-03-02", "12"], ["K02", "1.000894", "2026-03-02", "0"]]

    def work(data):
        def run(session):
            rows = read_csv(data)
            import_rows(session, rows)
            session.flush()
            stored = {(unit, service, day): processed for unit, service, day, processed in session.execute(
                select(Unit.code, Service.code, TransactionVolume.day, TransactionVolume.processed)
                .join(Unit, Unit.id == TransactionVolume.unit_id)
                .join(Service, Service.id == TransactionVolume.service_id))}
            assert all(stored[row.unit_code, row.service_code, row.day] == row.processed for row in rows)
        return run

    @settings(max_examples=EXAMPLES["volumes"][engine], **FUZZ)
    @given(files(("unit_code", "service_code", "day", "processed"), valid))
    @example(b"unit_code,service_code,day,processed\nK01\x00,1.000894,2026-03-02,1\n")
    @example(b"unit_code,service_code,day,processed\nK01,1.000894,2026-03-02,3000000000\n")
    @example(b"unit_code,service_code,day,processed\nK01,1.000894,2026-03-02," + b"9" * 5000 + b"\n")
    def run(data):
        import_all_or_nothing(app, "csv volumes", engine, work(data))

    run()
