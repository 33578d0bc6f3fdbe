"""Changing the catalogue through the API: a new version, and a refitted ranker."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from catalog import Catalog, CatalogError, Offering, catalog_from_document
from service.errors import InvalidInput, NotReady, pydantic_field_errors
from service.offerings import repository as catalog_repo
from service.runtime import Runtime


@dataclass(frozen=True)
class Replaced:
    catalog: Catalog
    offering: Offering
    created: bool


def put_offering(
    session: Session, runtime: Runtime, offering_id: str, data: Mapping[str, Any]
) -> Replaced:
    """Add or replace one offering in the newest stored catalogue and serve the result.

    The new catalogue is committed as a new version before the ranker is refitted on it, so a
    failed fit never serves a catalogue that is not stored.
    """
    if "id" in data and data["id"] != offering_id:
        raise InvalidInput(
            "the body's id differs from the path",
            errors=[{"field": "id", "message": f"must be '{offering_id}' (the path) or left out"}],
        )
    try:
        offering = Offering.model_validate({**data, "id": offering_id})
    except ValidationError as exc:
        raise InvalidInput("the offering is not valid", errors=pydantic_field_errors(exc)) from exc
    stored = catalog_repo.latest_catalog(session)
    if stored is None:
        raise NotReady("no catalogue is loaded; run `dakmatch catalog load` first")
    base = stored.catalog
    created = offering_id not in base
    offerings = [offering if o.id == offering_id else o for o in base.offerings]
    if created:
        offerings.append(offering)
    document: dict[str, Any] = {
        "offerings": [o.model_dump(mode="json") for o in offerings],
        "howto": [h.model_dump(mode="json") for h in base.howto],
    }
    if base.as_of is not None:
        document["as_of"] = base.as_of
    try:
        catalog = catalog_from_document(document)
    except CatalogError as exc:
        raise InvalidInput(
            "the catalogue would not be valid",
            errors=[{"field": "body", "message": p} for p in exc.problems],
        ) from exc
    if catalog_repo.store_catalog(session, catalog, source="api"):
        session.commit()
    served = runtime.served
    if served is None or served.catalog.version != catalog.version:
        runtime.install(catalog)
    return Replaced(catalog=catalog, offering=offering, created=created)
