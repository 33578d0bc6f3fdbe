"""The catalogue in the database: idempotent loads, new versions on change, old ones readable."""

from __future__ import annotations

import dataclasses

from sqlalchemy.orm import Session

from catalog import Catalog, catalog_version, load_catalog
from service.offerings import repository as repo


def _changed(catalog: Catalog) -> Catalog:
    first = catalog.offerings[0].model_copy(update={"name": "A renamed offering"})
    offerings = (first, *catalog.offerings[1:])
    return dataclasses.replace(
        catalog, offerings=offerings, version=catalog_version(offerings, catalog.howto)
    )


def test_unchanged_catalogue_adds_nothing(session: Session) -> None:
    catalog = load_catalog()
    before = repo.count_versions(session)
    assert repo.store_catalog(session, catalog) is False  # the session fixture stored it
    assert repo.count_versions(session) == before


def test_changed_catalogue_adds_a_version_and_old_stays_readable(session: Session) -> None:
    original = load_catalog()
    changed = _changed(original)
    assert repo.store_catalog(session, changed) is True
    latest = repo.latest_catalog(session)
    assert latest is not None
    assert latest.catalog.version == changed.version
    assert latest.catalog.offerings[0].name == "A renamed offering"
    old = repo.catalog_at(session, original.version)
    assert old is not None
    assert old.catalog == original
    assert [v for v, _, _ in repo.list_versions(session)][-2:] == [
        original.version,
        changed.version,
    ]


def test_going_back_to_an_older_file_serves_it_again(session: Session) -> None:
    original = load_catalog()
    repo.store_catalog(session, _changed(original))
    assert repo.store_catalog(session, original) is True
    latest = repo.latest_catalog(session)
    assert latest is not None
    assert latest.catalog.version == original.version


def test_round_trip_keeps_the_content_hash(session: Session) -> None:
    stored = repo.latest_catalog(session)
    assert stored is not None
    assert stored.catalog.version == catalog_version(
        stored.catalog.offerings, stored.catalog.howto
    )
    assert stored.catalog.version == load_catalog().version  # the how-tos survive the database
    assert stored.catalog.howto == load_catalog().howto
    assert stored.catalog.as_of == load_catalog().as_of
