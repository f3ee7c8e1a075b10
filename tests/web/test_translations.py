"""The Vietnamese interface catalogue is complete and its compiled file is up to date."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "survey" / "translations" / "vi" / "LC_MESSAGES"


def test_every_interface_message_has_a_vietnamese_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "extract", "-F", "babel.cfg", "-k", "_l",
         "-o", str(pot), "--no-location", "--omit-header", "."],
        capture_output=True,
        cwd=ROOT, check=True,
    )
    with pot.open("rb") as handle:
        extracted = {m.id for m in read_po(handle) if m.id}
    with (CATALOGUE / "messages.po").open("rb") as handle:
        translated = {m.id: m.string for m in read_po(handle) if m.id}
    assert extracted - translated.keys() == set(), "run scripts/translations.sh and translate"
    assert [i for i in extracted if not translated[i]] == []


def test_compiled_catalogue_matches_the_po_file():
    with (CATALOGUE / "messages.po").open("rb") as handle:
        po = {m.id: m.string for m in read_po(handle) if m.id}
    with (CATALOGUE / "messages.mo").open("rb") as handle:
        mo = {m.id: m.string for m in read_mo(handle) if m.id}
    assert mo == po, "run scripts/translations.sh to compile the catalogue"
