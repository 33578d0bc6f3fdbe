"""``GET /v1/offerings`` and ``GET /v1/offerings/{id}``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from catalog import Category, Status
from service.deps import CatalogDep
from service.errors import NotFound
from service.offerings.schemas import OfferingList, OfferingOut
from service.offerings.service import filter_offerings

router = APIRouter(prefix="/v1/offerings", tags=["offerings"])

_PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}


@router.get("", response_model=OfferingList)
def list_offerings(
    catalog: CatalogDep,
    category: Annotated[Category | None, Query(description="one category")] = None,
    provider: Annotated[
        str | None,
        Query(max_length=100, description="part of the provider's name", examples=["Amazon"]),
    ] = None,
    q: Annotated[
        str | None,
        Query(max_length=200, description="words that must all appear", examples=["export"]),
    ] = None,
    status: Annotated[Status | None, Query(description="active or discontinued")] = None,
) -> OfferingList:
    """The served catalogue, optionally filtered by category, provider and free text.

    Discontinued offerings are listed (with `status` and `status_since`) but never recommended.
    Example: `GET /v1/offerings?category=export_facilitation&q=customs`.
    """
    found = filter_offerings(catalog, category=category, provider=provider, q=q, status=status)
    return OfferingList(catalog_version=catalog.version, count=len(found), offerings=found)


@router.get(
    "/{offering_id}",
    response_model=OfferingOut,
    responses={404: {"description": "no offering with this id", **_PROBLEM}},
)
def get_offering(
    catalog: CatalogDep,
    offering_id: Annotated[str, Path(max_length=60, examples=["dnk"])],
) -> OfferingOut:
    """One offering of the served catalogue by its id, e.g. `dnk` or `speed-post`."""
    offering = catalog.get(offering_id)
    if offering is None:
        raise NotFound(f"no offering with id '{offering_id}' in catalogue {catalog.version}")
    return OfferingOut(catalog_version=catalog.version, offering=offering)
