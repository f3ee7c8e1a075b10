"""gunicorn's settings for hailong, from the instance folder and HAILONG_* variables (survey.web.settings).

Run with ``hailong serve``, which is ``gunicorn --config python:survey.web.gunicorn_conf``. gunicorn
executes this module in its master process; every worker then builds its own application (and so
its own database pool: a pool must not be shared across a fork).
"""

from __future__ import annotations

from survey.web import settings
from survey.web.logging_format import HANDLER_NAME

_config = settings.read()

wsgi_app = "survey.web.app:create_app()"
bind = [address.strip() for address in str(_config["SERVER_BIND"]).split(",") if address.strip()]
workers = int(_config["SERVER_WORKERS"])
timeout = int(_config["SERVER_TIMEOUT"])
graceful_timeout = int(_config["SERVER_GRACEFUL_TIMEOUT"])
preload_app = False
# The application writes one JSON access line per request itself (logger survey.access), with the
# request id and the staff user that gunicorn's access log cannot know.
accesslog = None
# hailong does not use gunicorn's control socket; one per user in $HOME would be shared by every instance.
control_socket_disable = True
# gunicorn's own records (worker boots, timeouts, shutdown) go to the same JSON lines on stdout.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "WARNING", "handlers": [HANDLER_NAME]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
    },
    "handlers": {HANDLER_NAME: {"()": "survey.web.logging_format.StdoutHandler"}},
    "formatters": {},
}
