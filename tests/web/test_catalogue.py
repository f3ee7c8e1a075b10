"""The public questionnaire catalogue pages and the security headers every response carries."""

from survey.domain.loader import load_file
from survey.services import questionnaires as service
from survey.web.database import session_scope


def test_empty_catalogue_explains_what_to_do(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "Chưa có bộ câu hỏi nào" in page.get_data(as_text=True)


def test_catalogue_lists_and_shows_a_version(app, client, mini_file):
    with session_scope(app) as session:
        service.load(session, load_file(mini_file))
        service.publish(session, "mini", "2026.1")
    html = client.get("/").get_data(as_text=True)
    assert "Khảo sát nhỏ về dịch vụ một cửa" in html and "đã công bố" in html
    detail = client.get("/questionnaires/mini/2026.1")
    text = detail.get_data(as_text=True)
    assert detail.status_code == 200
    assert "Nhìn chung, Ông/Bà có hài lòng không?" in text and "Cây chỉ số" in text
    assert "${callback} = &#39;yes&#39;" in text
    assert client.get("/questionnaires/mini/1999.1").status_code == 404


def test_security_headers_forbid_inline_script(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "<script>" not in response.get_data(as_text=True)


def test_session_cookie_flags_are_secure_by_default(app):
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_language_switch_is_remembered(app, client, mini_file):
    with session_scope(app) as session:
        service.load(session, load_file(mini_file))
    english = client.get("/questionnaires/mini/2026.1?lang=en")
    assert "hailong_lang=en" in english.headers["Set-Cookie"]
    text = english.get_data(as_text=True)
    assert "Overall, are you satisfied?" in text and "Index tree" in text and 'lang="en"' in text
    assert "Questionnaires" in client.get("/").get_data(as_text=True)
    assert "Bộ câu hỏi" in client.get("/?lang=vi").get_data(as_text=True)
    assert "Bộ câu hỏi" in client.get("/?lang=xx").get_data(as_text=True)
