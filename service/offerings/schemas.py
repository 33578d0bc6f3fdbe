"""Response shapes of the offerings endpoints."""

from __future__ import annotations

from pydantic import BaseModel

from catalog import Offering


class OfferingList(BaseModel):
    """The served catalogue (or the part matching the filters)."""

    catalog_version: str
    count: int
    offerings: list[Offering]


class OfferingOut(BaseModel):
    """One offering with the catalogue version it was read from."""

    catalog_version: str
    offering: Offering
