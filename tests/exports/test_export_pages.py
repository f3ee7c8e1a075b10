"""The export pages: who may download, unit scope, every format over HTTP, and no personal data."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pyreadstat
import pytest
from export_expected import COLUMNS, PHONE, expected_rows


def _get(client, **params):
    """Download, read the whole body and close the response, as a WSGI server does."""
    response = client.get("/exports/download", query_string=params)
    response.get_data()
    response.close()
    return response


def test_anonymous_users_are_sent_to_the_login_page(client, export_world):
    assert client.get("/exports/").status_code == 302
    assert _get(client, code="mini").status_code == 302


def test_a_supervisor_may_not_export(staff_login, client, export_world):
    staff_login.log_in(client, "supervisor")
    assert client.get("/exports/").status_code == 403
    assert _get(client, code="mini", file_format="csv").status_code == 403


def test_the_form_offers_the_units_of_the_scope_only(staff_login, client, export_world):
    staff_login.log_in(client, "manager1")
    page = client.get("/exports/").get_data(as_text=True)
    assert "S01" in page and "C01" in page and "C02" not in page
    assert 'value="mini"' in page


def test_a_manager_downloads_the_csv_of_their_commune(staff_login, client, export_world):
    staff_login.log_in(client, "manager1")
    response = _get(client, code="mini", file_format="csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="mini.csv"' in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf") and PHONE.encode() not in body
    frame = pd.read_csv(io.BytesIO(body), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(frame.columns) == COLUMNS
    assert sorted(frame["uuid"]) == sorted(expected_rows(export_world, units={"C01", "S01"}))


def test_a_manager_cannot_export_another_commune(staff_login, client, export_world):
    staff_login.log_in(client, "manager1")
    response = _get(client, code="mini", file_format="csv", unit="C02")
    assert response.status_code == 403
    assert "C02" in response.get_data(as_text=True)


@pytest.mark.parametrize("file_format", ["xlsx", "dta", "sav"])
def test_an_analyst_downloads_every_format(staff_login, client, export_world, tmp_path, file_format):
    staff_login.log_in(client, "analyst")
    response = _get(client, code="mini", file_format=file_format, period="2026-Q2", exclude_flagged="y",
                    channels="web")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert f'mini_2026-Q2.{file_format}' in response.headers["Content-Disposition"]
    path = tmp_path / f"x.{file_format}"
    path.write_bytes(response.get_data())
    want = expected_rows(export_world, include_flagged=False, months={4, 5, 6})
    if file_format == "xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        uuids = [row[0] for row in book["responses"].iter_rows(min_row=2, values_only=True)]
        book.close()
    else:
        uuids = list((pyreadstat.read_dta if file_format == "dta" else pyreadstat.read_sav)(str(path))[0]["uuid"])
    assert sorted(uuids) == sorted(want)
    assert PHONE.encode() not in response.get_data()


def test_invalid_requests_are_explained(staff_login, client, export_world):
    staff_login.log_in(client, "analyst")
    assert _get(client, code="mini", period="2026-Q9").status_code == 400
    assert _get(client, code="nope").status_code == 400
    response = _get(client, code="mini", file_format="pdf")
    assert response.status_code == 400
