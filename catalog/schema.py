"""Typed schema of a catalogue entry (DESIGN §3, contract field names)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from gettext import ngettext
from typing import Annotated, Any, Literal, TypeVar, cast

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    ValidationInfo,
    field_validator,
    model_validator,
)

from catalog.countries import is_country_code
from catalog.sources import is_official
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
Language = Literal["hi", "mr"]  # languages besides English that entries carry text for
# What a carriage service may carry: anything allowed by post, or only papers and printed
# matter (international letter post since 2026), or only unaddressed advertising mail.
Carries = Literal["goods", "documents", "advertising"]
UnconfirmedLimit = Literal["min_weight_kg", "max_weight_kg", "max_value_inr", "min_monthly_parcels"]
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

    name: str = Field(
        min_length=1, description="the place's name, e.g. `International Business Centre, Mumbai`"
    )
    pincode: str | None = Field(
        default=None, pattern=r"^[1-9][0-9]{5}$", description="its PIN code, when a source gives it"
    )
    latitude: float | None = Field(
        default=None,
        ge=6.0,
        le=38.0,
        description="its latitude in degrees, when known (with longitude)",
    )
    longitude: float | None = Field(
        default=None,
        ge=68.0,
        le=98.0,
        description="its longitude in degrees, when known (with latitude)",
    )
    address: str | None = Field(
        default=None, description="its postal address, when a source gives it"
    )

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

    kind: LocationKind = Field(
        default=LocationKind.ANYWHERE,
        description="`anywhere`, the nearest facility of a kind (e.g. `head_post_office`), "
        "or `fixed` places",
    )
    places: tuple[Place, ...] = Field(
        default=(), validate_default=True, description="the places, for kind `fixed` only"
    )
    note: str | None = Field(default=None, description="what to do there, in a sentence")

    # Cross-field rules are field validators on the later field, so that an error names the
    # field to fix ("location.places"), not just the enclosing object.
    @field_validator("places")
    @classmethod
    def _places_match_kind(
        cls, places: tuple[Place, ...], info: ValidationInfo
    ) -> tuple[Place, ...]:
        kind = info.data.get("kind")
        if kind is LocationKind.FIXED and not places:
            raise ValueError("a 'fixed' location needs at least one entry in places")
        if kind is not None and kind is not LocationKind.FIXED and places:
            raise ValueError(f"places are only allowed with kind 'fixed', not '{kind}'")
        return places


class Caveat(_Strict):
    """A warning stated to enterprises shipping to certain destinations.

    ``since`` dates the fact the warning states; ``catalog validate`` requires it, so a figure
    that may have changed (a foreign duty rate) is never shown without its date.
    """

    destinations: tuple[str, ...] = Field(
        min_length=1, description="the countries (ISO 3166-1 alpha-2) it applies to"
    )
    text: str = Field(min_length=1, description="the warning, in a sentence")
    since: dt.date | None = Field(default=None, description="the date of the fact it states")

    @field_validator("destinations")
    @classmethod
    def _iso_codes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _check_countries(value)


class Constraints(_Strict):
    """Hard limits: an offering outside them is not eligible (prerequisites are not limits).

    ``scope`` says whether the offering moves goods within India, abroad, or is not tied to
    where goods go; ``destinations`` lists the countries an international offering reaches.
    """

    min_weight_kg: NonNegative | None = Field(
        default=None, description="lightest consignment accepted, kg"
    )
    max_weight_kg: NonNegative | None = Field(
        default=None, description="heaviest consignment accepted, kg"
    )
    max_value_inr: NonNegative | None = Field(
        default=None, description="highest consignment value accepted, rupees"
    )
    cod_max_inr: NonNegative | None = Field(
        default=None, description="highest cash-on-delivery amount, rupees"
    )
    scope: Literal["domestic", "international", "any"] = Field(
        default="any",
        description="`domestic`, `international`, or `any` (not tied to where goods go)",
    )
    destinations: All | Names = Field(
        default="all",
        description="countries an international offering reaches (ISO alpha-2), or `all`",
    )
    carries: Carries = Field(
        default="goods",
        description="what it may carry: `goods` (anything allowed by post), `documents` (papers "
        "and printed matter only) or `advertising` (unaddressed advertising mail only); the "
        "last two are offered only to enterprises that say they send such items",
    )
    regions: All | Names = Field(default="all", description="states where it is offered, or `all`")
    requires: tuple[Requirement, ...] = Field(
        default=(),
        description="what an enterprise must hold or do first (e.g. `iec`, `gstin`): next "
        "steps, never exclusions",
    )
    segments: All | Annotated[tuple[Segment, ...], Field(min_length=1)] = Field(
        default="all",
        description="the kinds of enterprise it is for (micro, small, artisan, ...), or `all`",
    )
    rural_only: bool = Field(
        default=False, description="offered to enterprises in rural areas only"
    )
    min_monthly_parcels: Annotated[int, Field(ge=0)] | None = Field(
        default=None, description="fewest parcels a month it is meant for"
    )
    # Limits that only a secondary or inconsistent source states (EMS 35 kg from a courier blog):
    # the ranker never excludes on them; the card states them as a doubt to confirm instead.
    unconfirmed: tuple[UnconfirmedLimit, ...] = Field(
        default=(),
        description="limits only a secondary source states: never applied, shown as doubts",
    )
    # A stricter figure some sources give for a limit the entry applies (Rail Post: from 35 kg,
    # one report from 100 kg): the lower floor is applied, and a profile between the two is told
    # the doubt with its figure, never excluded by it.
    stricter_reported: dict[UnconfirmedLimit, NonNegative] = Field(
        default_factory=dict,
        description="a stricter figure some sources give for a limit the entry applies: never "
        "applied; a profile between the two figures is told to confirm",
    )

    @field_validator("max_weight_kg")
    @classmethod
    def _weights_ordered(cls, high: float | None, info: ValidationInfo) -> float | None:
        low = info.data.get("min_weight_kg")
        if low is not None and high is not None and low > high:
            raise ValueError(f"min_weight_kg {low:g} is above max_weight_kg {high:g}")
        return high

    @field_validator("destinations")
    @classmethod
    def _iso_codes(
        cls, value: All | tuple[str, ...], info: ValidationInfo
    ) -> All | tuple[str, ...]:
        if value == "all":
            return value
        scope = info.data.get("scope")
        if scope is not None and scope != "international":
            raise ValueError(f"a list of countries needs scope 'international', not '{scope}'")
        return _check_countries(value)

    @field_validator("carries")
    @classmethod
    def _carries_needs_a_scope(cls, value: Carries, info: ValidationInfo) -> Carries:
        scope = info.data.get("scope")
        if value != "goods" and scope == "any":
            raise ValueError(
                f"carries '{value}' limits what a postal service takes: set scope 'domestic' or "
                "'international' (scope 'any' is for offerings that carry nothing)"
            )
        return value

    @field_validator("regions")
    @classmethod
    def _known_states(cls, value: All | tuple[str, ...]) -> All | tuple[str, ...]:
        if value == "all":
            return value
        unknown = [s for s in value if s not in STATES]
        if unknown:
            raise ValueError(ngettext("unknown state {names}", "unknown states {names}",
                                      len(unknown)).format(names=unknown)
                             + "; use names as in catalog.vocab.STATES")
        return _no_repeats(value)

    @field_validator("requires", "segments")
    @classmethod
    def _unique(cls, value: Any) -> Any:
        return value if value == "all" else _no_repeats(value)

    @field_validator("unconfirmed")
    @classmethod
    def _unconfirmed_limits_set(
        cls, value: tuple[UnconfirmedLimit, ...], info: ValidationInfo
    ) -> tuple[UnconfirmedLimit, ...]:
        unset = [name for name in value if info.data.get(name) is None]
        if unset:
            raise ValueError(ngettext("names a limit {names} that this entry does not set",
                                      "names limits {names} that this entry does not set",
                                      len(unset)).format(names=unset))
        return _no_repeats(value)

    @field_validator("stricter_reported")
    @classmethod
    def _stricter_than_applied(
        cls, value: dict[UnconfirmedLimit, float], info: ValidationInfo
    ) -> dict[UnconfirmedLimit, float]:
        unconfirmed = info.data.get("unconfirmed") or ()
        for name, figure in value.items():
            applied = info.data.get(name)
            if applied is None or name in unconfirmed:
                raise ValueError(f"{name}: a stricter figure needs the limit set and applied "
                                 "(not unconfirmed)")
            if (figure <= applied) if name.startswith("min_") else (figure >= applied):
                raise ValueError(f"{name}: {figure:g} is not stricter than the applied {applied:g}")
        return value

    def doubtful_limit(self, name: UnconfirmedLimit) -> float | None:
        """The figure of ``name`` that is said as a doubt, never applied: the limit itself when
        it is unconfirmed, else a stricter figure some sources give, else None."""
        if name in self.unconfirmed:
            value: float | int | None = getattr(self, name)
            return None if value is None else float(value)
        stricter = self.stricter_reported.get(name)
        return None if stricter is None else float(stricter)

    def applied(self, name: UnconfirmedLimit) -> float | None:
        """The limit ``name`` as eligibility applies it: None when it is unconfirmed."""
        value: float | int | None = getattr(self, name)
        return None if name in self.unconfirmed or value is None else float(value)


class Translation(_Strict):
    """An offering's user-facing text in one language (Hindi or Marathi).

    Fields left out fall back to nothing in code, but ``catalog validate`` requires every field
    the English entry has, for every active offering. ``caveats`` and ``doubts`` follow the
    order of the English lists.
    """

    name: str | None = Field(default=None, description="the name in this language")
    provider: str | None = Field(
        default=None, description="who offers it, in this language"
    )
    description: str | None = Field(default=None, description="the description in this language")
    next_step: str | None = Field(default=None, description="the next step in this language")
    price: str | None = Field(default=None, description="the price note in this language")
    speed: str | None = Field(default=None, description="the speed note in this language")
    location_note: str | None = Field(
        default=None, description="the location's note in this language"
    )
    caveats: tuple[str, ...] = Field(
        default=(), description="the caveats' texts, in the order of the English ones"
    )
    doubts: tuple[str, ...] = Field(
        default=(), description="the doubts, in the order of the English ones"
    )


class Offering(_Strict):
    """One offering of India Post or a partner, with its limits and provenance."""

    id: str = Field(
        pattern=_SLUG, max_length=60, description="stable slug, e.g. `dnk` or `speed-post`"
    )
    name: str = Field(min_length=3, description="the offering's name")
    provider: str = Field(min_length=2, description="who offers it, e.g. India Post or a partner")
    category: Category = Field(description="its group in the catalogue, e.g. `export_facilitation`")
    description: str = Field(min_length=20, description="what it is, in a few sentences")
    status: Status = Field(
        default=Status.ACTIVE, description="`active`, or `discontinued` (listed, never recommended)"
    )
    status_since: dt.date | None = Field(
        default=None, validate_default=True, description="when the status took effect"
    )
    constraints: Constraints = Field(
        default=Constraints(), description="hard limits: outside them the offering is not eligible"
    )
    features: tuple[Need, ...] = Field(
        min_length=1, description="the needs it serves (the needs vocabulary of the profile)"
    )
    sectors: All | Annotated[tuple[Sector, ...], Field(min_length=1)] = Field(
        default="all", description="the sectors it suits, or `all`"
    )
    channels: tuple[OfferingChannel, ...] = Field(
        min_length=1, description="how it is reached: counter, pickup, portal, api, ..."
    )
    location: Location = Field(
        default=Location(), description="where the enterprise goes to use it"
    )
    keywords: tuple[str, ...] = Field(
        default=(), description="more words it is found by in a search"
    )
    price: str | None = Field(default=None, description="indicative price, as a source states it")
    speed: str | None = Field(default=None, description="indicative speed, as a source states it")
    next_step: str | None = Field(default=None, description="what to do first, in a sentence")
    caveats: tuple[Caveat, ...] = Field(default=(), description="warnings for some destinations")
    # Plain-words doubts that matter to a decision, shown on the card; ``uncertain`` holds the
    # researcher's notes (sources, conflicts) and is never shown to enterprises.
    doubts: tuple[str, ...] = Field(
        default=(), description="facts to confirm before deciding, in plain words"
    )
    uncertain: tuple[str, ...] = Field(
        default=(), description="the researchers' notes on sources and conflicts"
    )
    source_urls: tuple[HttpUrl, ...] = Field(
        min_length=1, description="where the facts come from, official sources first"
    )
    as_of: dt.date = Field(description="the date the facts were checked")
    i18n: dict[Language, Translation] = Field(
        default_factory=dict, description="its text in Hindi (`hi`) and Marathi (`mr`)"
    )

    @field_validator("features", "sectors", "channels", "keywords")
    @classmethod
    def _unique(cls, value: Any) -> Any:
        return value if value == "all" else _no_repeats(value)

    @field_validator("status_since")
    @classmethod
    def _status_dated(cls, since: dt.date | None, info: ValidationInfo) -> dt.date | None:
        if info.data.get("status") is Status.DISCONTINUED and since is None:
            raise ValueError("a discontinued offering needs status_since (the date it stopped)")
        return since

    @property
    def active(self) -> bool:
        return self.status is Status.ACTIVE

    @property
    def official_sources(self) -> tuple[str, ...]:
        """Source URLs on an official host (``catalog.sources.is_official``), in file order."""
        return tuple(str(u) for u in self.source_urls if is_official(str(u)))

    def localized(self, lang: str) -> Offering:
        """This offering with its user-facing text in ``lang`` (``hi``, ``mr``; else English).

        Every field the translation lacks keeps its English text, so the answer is never empty;
        ``catalog validate`` makes sure no active offering lacks one.
        """
        text = self.i18n.get(cast(Language, lang))
        if text is None:
            return self
        update: dict[str, Any] = {
            name: value
            for name in ("name", "provider", "description", "next_step", "price", "speed")
            if (value := getattr(text, name)) is not None and getattr(self, name) is not None
        }
        if text.location_note is not None and self.location.note is not None:
            update["location"] = self.location.model_copy(update={"note": text.location_note})
        if len(text.caveats) == len(self.caveats) and self.caveats:
            update["caveats"] = tuple(
                c.model_copy(update={"text": t})
                for c, t in zip(self.caveats, text.caveats, strict=True)
            )
        if len(text.doubts) == len(self.doubts) and self.doubts:
            update["doubts"] = text.doubts
        return self.model_copy(update=update)


class HowToText(_Strict):
    """A how-to entry's text in Hindi or Marathi."""

    name: str = Field(min_length=3)
    steps: str = Field(min_length=10)


class HowTo(_Strict):
    """How to get a prerequisite (Udyam, IEC, ICEGATE, AD code, LUT, e-Sanchit), with the
    official page to do it on. Cards show the how-tos of the offering's ``requires``."""

    id: str = Field(pattern=_SLUG, max_length=60)
    requirement: Requirement
    name: str = Field(min_length=3)
    steps: str = Field(min_length=20)
    url: HttpUrl
    source_urls: tuple[HttpUrl, ...] = Field(min_length=1)
    as_of: dt.date
    i18n: dict[Language, HowToText] = Field(default_factory=dict)

    def localized(self, lang: str) -> HowTo:
        text = self.i18n.get(cast(Language, lang))
        if text is None:
            return self
        return self.model_copy(update={"name": text.name, "steps": text.steps})


def _check_countries(codes: tuple[str, ...]) -> tuple[str, ...]:
    bad = [c for c in codes if not is_country_code(c)]
    if bad:
        raise ValueError(ngettext("not an ISO 3166-1 alpha-2 country code: {codes}",
                                  "not ISO 3166-1 alpha-2 country codes: {codes}",
                                  len(bad)).format(codes=bad))
    if len(set(codes)) != len(codes):
        raise ValueError("country codes are repeated")
    return codes


def _no_repeats(values: tuple[_T, ...]) -> tuple[_T, ...]:
    repeated = [v for v, n in Counter(values).items() if n > 1]
    if repeated:
        raise ValueError(ngettext("repeated value {values}", "repeated values {values}",
                                  len(repeated)).format(values=[str(v) for v in repeated]))
    return values
