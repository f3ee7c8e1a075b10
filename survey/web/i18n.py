"""Interface language: Vietnamese by default, English on request, remembered in a cookie."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_babel import Babel

from survey.resources import translations_folder

LANGUAGES = ("vi", "en")
COOKIE = "hailong_lang"
ONE_YEAR = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with hailong's catalogues and the language switch."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "vi")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config.get("TIMEZONE", "Asia/Ho_Chi_Minh"))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = translations_folder()
    Babel(app, locale_selector=select_language)
    app.after_request(_remember_language)
    app.jinja_env.globals["current_language"] = select_language
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES


def select_language() -> str:
    """Return the language asked for with ?lang=, else the remembered one, else Vietnamese."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get(COOKIE)
    return remembered if remembered in LANGUAGES else "vi"


def _remember_language(response: Response) -> Response:
    """Store a language chosen with ?lang= in a cookie."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        response.set_cookie(
            COOKIE, asked, max_age=ONE_YEAR, samesite="Lax", httponly=True,
            secure=request.is_secure,
        )
    return response
