"""Every catalogue query: store a version, read the newest or a named one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from catalog import Catalog, catalog_from_document
from service.db import CatalogVersion


@dataclass(frozen=True)
class StoredCatalog:
    """A catalogue read back from the database with when it was loaded."""

    catalog: Catalog
    created_at: dt.datetime


def catalog_document(catalog: Catalog) -> dict[str, Any]:
    """The JSON document kept per version; :func:`catalog_from_document` reads it back."""
    return {
        "as_of": catalog.as_of.isoformat() if catalog.as_of else None,
        "offerings": [o.model_dump(mode="json") for o in catalog.offerings],
        "howto": [h.model_dump(mode="json") for h in catalog.howto],
    }


def _from_document(document: dict[str, Any]) -> Catalog:
    as_of = document.get("as_of")
    return catalog_from_document(
        {
            "offerings": document["offerings"],
            "howto": document.get("howto", []),
            **({"as_of": dt.date.fromisoformat(as_of)} if as_of else {}),
        }
    )


def store_catalog(session: Session, catalog: Catalog, source: str = "") -> bool:
    """Add ``catalog`` as the newest version unless it equals the newest one stored.

    Returns whether a row was added. The version is a content hash, so loading an unchanged
    file adds nothing, and loading a changed one (or going back to an older file) adds a row.
    """
    if newest_version(session) == catalog.version:
        return False
    session.add(
        CatalogVersion(
            version=catalog.version,
            offering_count=len(catalog),
            source=source[:200],
            document=catalog_document(catalog),
        )
    )
    session.flush()
    return True


def newest_version(session: Session) -> str | None:
    """The version hash of the newest stored catalogue (a cheap query, polled by the app)."""
    return session.scalar(
        select(CatalogVersion.version).order_by(CatalogVersion.id.desc()).limit(1)
    )


def has_catalog_table(session: Session) -> bool:
    """Whether the catalogue's table exists (not in a database never migrated)."""
    return inspect(session.connection()).has_table(CatalogVersion.__tablename__)


def latest_catalog(session: Session) -> StoredCatalog | None:
    """The newest stored catalogue (the one the app serves), or None on an empty database."""
    row = session.scalars(
        select(CatalogVersion).order_by(CatalogVersion.id.desc()).limit(1)
    ).first()
    return None if row is None else StoredCatalog(_from_document(row.document), row.created_at)


def catalog_at(session: Session, version: str) -> StoredCatalog | None:
    """A named older (or current) version, still readable after newer ones were loaded."""
    row = session.scalars(
        select(CatalogVersion)
        .where(CatalogVersion.version == version)
        .order_by(CatalogVersion.id.desc())
    ).first()
    return None if row is None else StoredCatalog(_from_document(row.document), row.created_at)


def list_versions(session: Session) -> list[tuple[str, int, dt.datetime]]:
    """(version, offering count, loaded at), oldest first."""
    rows = session.execute(
        select(
            CatalogVersion.version, CatalogVersion.offering_count, CatalogVersion.created_at
        ).order_by(CatalogVersion.id)
    )
    return [(v, n, at) for v, n, at in rows]


def count_versions(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(CatalogVersion)) or 0
