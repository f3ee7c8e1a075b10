"""Run the Alembic migrations that ship inside the package."""

from __future__ import annotations

from importlib.resources import as_file, files

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database behind ``engine`` up to ``revision``."""
    with as_file(files("survey.db") / "migrations") as script_location:
        config = Config()
        config.set_main_option("script_location", str(script_location))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)


def head() -> str:
    """Return the newest revision the package's migrations define."""
    from alembic.script import ScriptDirectory

    with as_file(files("survey.db") / "migrations") as script_location:
        config = Config()
        config.set_main_option("script_location", str(script_location))
        return ScriptDirectory.from_config(config).get_current_head()


def current(engine: Engine) -> str | None:
    """Return the revision the database is at (None when it was never migrated)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
