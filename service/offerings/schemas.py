"""Response shapes of the offerings endpoints."""

from __future__ import annotations

from pydantic import BaseModel, Field

from catalog import Offering


class OfferingList(BaseModel):
    """The served catalogue (or the part matching the filters)."""

    catalog_version: str = Field(
        description="the content hash of the catalogue version it comes from",
    )
    count: int = Field(description="how many offerings are listed")
    offerings: list[Offering] = Field(description="the offerings, in catalogue order")


class OfferingOut(BaseModel):
    """One offering with the catalogue version it was read from."""

    catalog_version: str = Field(
        description="the content hash of the catalogue version it comes from",
    )
    offering: Offering = Field(description="the offering as the catalogue holds it")
