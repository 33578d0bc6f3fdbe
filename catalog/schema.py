"""Typed schema of a catalogue entry (DESIGN §3, contract field names)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

from catalog.countries import is_country_code
from catalog.vocab import (
    STATES,
    Category,
    LocationKind,
    Need,
    OfferingChannel,
    Requirement,
    Sector,
    Segment,
    Status,
)

All = Literal["all"]
NonNegative = Annotated[float, Field(ge=0)]
# A list that replaces "all" must name something: an empty list would silently match nothing.
Names = Annotated[tuple[str, ...], Field(min_length=1)]
_SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_T = TypeVar("_T")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Place(_Strict):
    """A fixed place where an offering is delivered, e.g. IBC Mumbai.

    PIN code and coordinates are optional because a source may name a place without its address
    (IBC Mumbai is "in the Air Mail Sorting Division, Mumbai"); a guessed PIN would send people to
    the wrong office. Without coordinates no distance can be given, only the name.
    """

    name: str = Field(min_length=1)
    pincode: str | None = Field(default=None, pattern=r"^[1-9][0-9]{5}$")
    latitude: float | None = Field(default=None, ge=6.0, le=38.0)
    longitude: float | None = Field(default=None, ge=68.0, le=98.0)
    address: str | None = None

    @model_validator(mode="after")
    def _coordinates_paired(self) -> Place:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both latitude and longitude, or neither")
        return self

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class Location(_Strict):
    """Where the enterprise goes: anywhere, the nearest facility of a kind, or fixed places."""

    kind: LocationKind = LocationKind.ANYWHERE
    places: tuple[Place, ...] = ()
    note: str | None = None

    @model_validator(mode="after")
    def _places_match_kind(self) -> Location:
        if self.kind is LocationKind.FIXED and not self.places:
            raise ValueError("a 'fixed' location needs at least one entry in places")
        if self.kind is not LocationKind.FIXED and self.places:
            raise ValueError(f"places are only allowed with kind 'fixed', not '{self.kind}'")
        return self


class Caveat(_Strict):
    """A warning stated to enterprises shipping to certain destinations."""

    destinations: tuple[str, ...] = Field(min_length=1)
    text: str = Field(min_length=1)
    since: dt.date | None = None

    @field_validator("destinations")
    @classmethod
    def _iso_codes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _check_countries(value)


class Constraints(_Strict):
    """Hard limits: an offering outside them is not eligible (prerequisites are not limits).

    ``scope`` says whether the offering moves goods within India, abroad, or is not tied to
    where goods go; ``destinations`` lists the countries an international offering reaches.
    """

    min_weight_kg: NonNegative | None = None
    max_weight_kg: NonNegative | None = None
    max_value_inr: NonNegative | None = None
    cod_max_inr: NonNegative | None = None
    scope: Literal["domestic", "international", "any"] = "any"
    destinations: All | Names = "all"
    regions: All | Names = "all"
    requires: tuple[Requirement, ...] = ()
    segments: All | Annotated[tuple[Segment, ...], Field(min_length=1)] = "all"
    rural_only: bool = False
    min_monthly_parcels: Annotated[int, Field(ge=0)] | None = None

    @field_validator("destinations")
    @classmethod
    def _iso_codes(cls, value: All | tuple[str, ...]) -> All | tuple[str, ...]:
        return value if value == "all" else _check_countries(value)

    @field_validator("regions")
    @classmethod
    def _known_states(cls, value: All | tuple[str, ...]) -> All | tuple[str, ...]:
        if value == "all":
            return value
        unknown = [s for s in value if s not in STATES]
        if unknown:
            raise ValueError(f"unknown state(s) {unknown}; use names as in catalog.vocab.STATES")
        return _no_repeats(value)

    @field_validator("requires", "segments")
    @classmethod
    def _unique(cls, value: Any) -> Any:
        return value if value == "all" else _no_repeats(value)

    @model_validator(mode="after")
    def _weights_ordered(self) -> Constraints:
        low, high = self.min_weight_kg, self.max_weight_kg
        if low is not None and high is not None and low > high:
            raise ValueError(f"min_weight_kg {low} is above max_weight_kg {high}")
        return self

    @model_validator(mode="after")
    def _countries_only_abroad(self) -> Constraints:
        if self.destinations != "all" and self.scope != "international":
            raise ValueError(
                "destinations lists countries, so scope must be 'international', "
                f"not '{self.scope}'"
            )
        return self


class Offering(_Strict):
    """One offering of India Post or a partner, with its limits and provenance."""

    id: str = Field(pattern=_SLUG, max_length=60)
    name: str = Field(min_length=3)
    provider: str = Field(min_length=2)
    category: Category
    description: str = Field(min_length=20)
    status: Status = Status.ACTIVE
    status_since: dt.date | None = None
    constraints: Constraints = Constraints()
    features: tuple[Need, ...] = Field(min_length=1)
    sectors: All | Annotated[tuple[Sector, ...], Field(min_length=1)] = "all"
    channels: tuple[OfferingChannel, ...] = Field(min_length=1)
    location: Location = Location()
    keywords: tuple[str, ...] = ()
    price: str | None = None
    speed: str | None = None
    next_step: str | None = None
    caveats: tuple[Caveat, ...] = ()
    uncertain: tuple[str, ...] = ()
    source_urls: tuple[HttpUrl, ...] = Field(min_length=1)
    as_of: dt.date

    @field_validator("features", "sectors", "channels", "keywords")
    @classmethod
    def _unique(cls, value: Any) -> Any:
        return value if value == "all" else _no_repeats(value)

    @model_validator(mode="after")
    def _status_dated(self) -> Offering:
        if self.status is Status.DISCONTINUED and self.status_since is None:
            raise ValueError("a discontinued offering needs status_since (the date it stopped)")
        return self

    @property
    def active(self) -> bool:
        return self.status is Status.ACTIVE


def _check_countries(codes: tuple[str, ...]) -> tuple[str, ...]:
    bad = [c for c in codes if not is_country_code(c)]
    if bad:
        raise ValueError(f"not ISO 3166-1 alpha-2 country code(s): {bad}")
    if len(set(codes)) != len(codes):
        raise ValueError("country codes are repeated")
    return codes


def _no_repeats(values: tuple[_T, ...]) -> tuple[_T, ...]:
    repeated = [v for v, n in Counter(values).items() if n > 1]
    if repeated:
        raise ValueError(f"repeated value(s) {[str(v) for v in repeated]}")
    return values
