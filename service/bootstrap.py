"""Operations shared by the CLI commands: migrate, load the catalogue, first-run set-up."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from catalog import Catalog, default_catalog_path, load_catalog
from service.db import make_engine, make_session_factory
from service.db import migrate as db_migrate
from service.offerings import repository as catalog_repo
from service.settings import Settings


@dataclass(frozen=True)
class LoadResult:
    catalog: Catalog
    added: bool
    versions: int


def safe_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:  # a URL that does not parse is shown as given
        return url


def upgrade_database(settings: Settings, revision: str = "head") -> None:
    make_engine(settings.database_url).dispose()  # creates ./data for an SQLite file
    db_migrate.upgrade(settings.database_url, revision)


def downgrade_database(settings: Settings, revision: str) -> None:
    db_migrate.downgrade(settings.database_url, revision)


def load_catalog_file(settings: Settings, path: str | Path | None = None) -> LoadResult:
    """Validate a catalogue file and store it as a new version unless unchanged.

    Raises ``catalog.CatalogError`` for an invalid file and SQLAlchemy errors for the database.
    """
    source = Path(path) if path else settings.catalog_path or default_catalog_path()
    catalog = load_catalog(source)
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine).begin() as session:
            added = catalog_repo.store_catalog(session, catalog, source=str(source))
            versions = catalog_repo.count_versions(session)
    finally:
        engine.dispose()
    return LoadResult(catalog=catalog, added=added, versions=versions)


def database_has_catalog(settings: Settings) -> bool:
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            return catalog_repo.count_versions(session) > 0
    finally:
        engine.dispose()
