"""Feature mapping: offerings and profiles as arrays in one shared space.

This is the one place where external ids become row indices. ``OfferingTable`` is built once
per catalogue (at fit); ``encode_profiles`` turns any number of profiles into ``ProfileArrays``
with the same columns, so scoring one profile and scoring a whole frame run the same code.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from catalog.schema import Offering, UnconfirmedLimit
from catalog.vocab import (
    STATES,
    BusinessType,
    Category,
    LocationKind,
    Need,
    Requirement,
    SalesChannel,
    Sector,
    Segment,
    SizeClass,
)
from matching.text import TextIndex

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
Bool = npt.NDArray[np.bool_]

NEEDS: tuple[Need, ...] = tuple(Need)
UNCONFIRMED: tuple[UnconfirmedLimit, ...] = (
    "min_weight_kg", "max_weight_kg", "max_value_inr", "min_monthly_parcels")
SECTORS: tuple[Sector, ...] = tuple(Sector)
CHANNELS: tuple[SalesChannel, ...] = tuple(SalesChannel)
CATEGORIES: tuple[Category, ...] = tuple(Category)
SEGMENTS: tuple[Segment, ...] = tuple(Segment)
STATE_INDEX = {s: i for i, s in enumerate(STATES)}
NEED_INDEX = {n: i for i, n in enumerate(NEEDS)}
SECTOR_INDEX = {s: i for i, s in enumerate(SECTORS)}
CHANNEL_INDEX = {c: i for i, c in enumerate(CHANNELS)}
_SEGMENT_INDEX = {s: i for i, s in enumerate(SEGMENTS)}
BUSINESS_SEGMENT = {b: _SEGMENT_INDEX[Segment(b.value)] for b in BusinessType}
SIZE_SEGMENT = {s: _SEGMENT_INDEX[Segment(s.value)] for s in SizeClass}
# Requirements a profile can show it meets (an identifier it gives, or selling on the
# marketplace); every other requirement is a step the profile cannot prove either way.
HELD_REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement.IEC,
    Requirement.GSTIN,
    Requirement.UDYAM,
    Requirement.MARKETPLACE_ACCOUNT,
    Requirement.GEM_REGISTRATION,
)
_SHIPPING = frozenset({Need.DOMESTIC_SHIPPING, Need.INTERNATIONAL_SHIPPING, Need.BULK_FREIGHT})
# How a shipping service works, not what it is for: an offering that lists these is no less
# focused on what a profile needs (the precision of ``signals._need_fit`` leaves them out).
SERVICE_QUALITIES = frozenset({Need.TRACKING, Need.PICKUP})
MARKETPLACES = frozenset(
    {SalesChannel.AMAZON, SalesChannel.FLIPKART, SalesChannel.ETSY, SalesChannel.MEESHO,
     SalesChannel.ONDC}
)


# (sales channels, 2): the last two of ``HELD_REQUIREMENTS`` a sales channel shows the profile
# holds: an account on the marketplace it sells on, a GeM registration.
CHANNEL_HELD = np.zeros((len(CHANNELS), 2), dtype=np.float32)
CHANNEL_HELD[[CHANNEL_INDEX[c] for c in MARKETPLACES], 0] = 1.0
CHANNEL_HELD[CHANNEL_INDEX[SalesChannel.GEM], 1] = 1.0

# Words by which an offering names a sales channel it connects to (matched on id, name and
# keywords, so a new offering mentioning "Flipkart" is picked up without code changes).
CHANNEL_MARKERS: Mapping[SalesChannel, tuple[str, ...]] = {
    SalesChannel.AMAZON: ("amazon",),
    SalesChannel.FLIPKART: ("flipkart",),
    SalesChannel.ETSY: ("etsy",),
    SalesChannel.MEESHO: ("meesho",),
    SalesChannel.GEM: ("gem", "government e-marketplace"),
    SalesChannel.ONDC: ("ondc",),
    SalesChannel.OWN_WEBSITE: ("website", "shopping cart", "api"),
    SalesChannel.SOCIAL_MEDIA: ("online selling", "online seller"),
    SalesChannel.EXHIBITIONS: ("trade fair", "exhibition", "buyer meet"),
    SalesChannel.B2B_BUYERS: ("b2b", "distributor", "dealer supply"),
    SalesChannel.OWN_SHOP: ("shop payment", "qr code"),
}
def offering_text(offering: Offering) -> str:
    """The text an offering is matched on: name, description and keywords."""
    return " ".join([offering.name, offering.description, *offering.keywords])


def _words_or_phrases(offering: Offering) -> str:
    return " ".join([offering.id.replace("-", " "), offering.name, *offering.keywords]).lower()


def _has_marker(haystack: str, marker: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(marker)}(?![a-z0-9])", haystack) is not None


@dataclass(frozen=True)
class OfferingTable:
    """Every offering of a catalogue as aligned arrays (row i = ``ids[i]``)."""

    ids: tuple[str, ...]
    offerings: tuple[Offering, ...]
    active: Bool
    min_weight: F64  # -inf where none
    max_weight: F64  # +inf where none
    max_value: F64
    min_parcels: F64
    # (4, N) the limits only a secondary source states, in ``UNCONFIRMED`` order (NaN: none
    # or confirmed): they never exclude, they mark the offering doubtful (``signals``).
    doubtful_limits: F64
    scope: npt.NDArray[np.int8]  # 0 any, 1 domestic, 2 international
    international: Bool  # scope == 2
    countries: tuple[str, ...]  # columns of ``reach`` (the last, "", stands for any other)
    country_index: dict[str, int]  # named country -> its column of ``reach``
    reach: F32  # (countries + 1, N): 1 where the offering reaches that country
    specific_reach: Bool  # offering lists its countries (not "all")
    regions: Bool  # (states + 1, N); the last row, for an unknown state: offered in every state
    segments: Bool  # (segments + 1, N); the last row, for an unknown segment, is all False
    any_segment: Bool
    rural_only: Bool
    documents_only: Bool  # carries papers and printed matter only
    advertising_only: Bool  # carries unaddressed advertising mail only
    features: F32  # (N, needs) 0/1
    need_idf: F32  # (needs,) log(1 + N / offerings serving the need)
    features_t64: F64  # (needs, N) ``features`` transposed, as float64
    purposes_t64: F64  # (needs, N) ``features_t64`` without the ``SERVICE_QUALITIES`` rows
    purpose_count: F32  # (N,) needs each offering serves, ``SERVICE_QUALITIES`` left out
    weight_low: F64  # NaN where no minimum
    weight_high: F64  # NaN where no maximum
    weight_centre: F64  # the band's typical parcel (NaN without a band)
    sector_score: F64  # (sectors + 1, N): sector fit per profile sector (last row: unknown)
    sector_mismatch: Bool  # (sectors + 1, N): the offering names other sectors only
    destination_factor: F64  # (N,) 1 named countries, 0.5 "all", 0 not international
    feature_norm: F32
    sectors: F32  # (sectors, N): 1 named, 0 not; all-sector offerings hold ``any_sector``
    any_sector: Bool
    channel_affinity: F32  # (sales channels, N)
    # (sales channels, N): the marketplaces an offering works only through (it requires an
    # account there and names them: Amazon's tie-up, ONDC, GeM), 0 for every other offering
    marketplace_only: F32
    through_marketplace: Bool  # (N,) marketplace_only has a 1 in the column
    contract: Bool
    counter: Bool  # a parcel service booked at a counter
    needs_place: npt.NDArray[np.int8]  # 0 anywhere, 1 nearest head post office, 2 fixed
    at_head_post_office: Bool  # needs_place == 1
    at_fixed_place: Bool  # needs_place == 2
    requires_held: Bool  # (len(HELD_REQUIREMENTS), N)
    requires_held_f32: F32
    targeted: Bool  # the offering names the segments it serves (not "all")
    names_size: Bool  # among them a size class (micro, small, medium)
    names_business: Bool  # among them a kind of business (artisan, SHG ...)
    category: I64
    signature: F32  # (N, D) unit vectors for the diversity pass
    text: TextIndex

    @property
    def size(self) -> int:
        return len(self.ids)


def build_table(offerings: Sequence[Offering]) -> OfferingTable:
    """Encode ``offerings`` (in this order) into an :class:`OfferingTable`."""
    n = len(offerings)
    if n == 0:
        raise ValueError("the catalogue has no offerings to rank")
    countries = sorted(
        {c for o in offerings if o.constraints.destinations != "all"
         for c in o.constraints.destinations}
        | {c for o in offerings for cav in o.caveats for c in cav.destinations}
    )
    country_index = {c: i for i, c in enumerate(countries)}
    reach = np.zeros((len(countries) + 1, n), dtype=np.float32)
    regions = np.zeros((len(STATES), n), dtype=bool)
    segments = np.zeros((len(SEGMENTS), n), dtype=bool)
    features = np.zeros((n, len(NEEDS)), dtype=np.float32)
    sectors = np.zeros((len(SECTORS), n), dtype=np.float32)
    affinity = np.zeros((len(CHANNELS), n), dtype=np.float32)
    requires_held = np.zeros((len(HELD_REQUIREMENTS), n), dtype=bool)
    for j, o in enumerate(offerings):
        c = o.constraints
        if c.destinations == "all":
            reach[:, j] = 1.0
        else:
            reach[[country_index[code] for code in c.destinations], j] = 1.0
        if c.regions == "all":
            regions[:, j] = True
        else:
            regions[[STATE_INDEX[s] for s in c.regions], j] = True
        if c.segments != "all":
            segments[[_SEGMENT_INDEX[s] for s in c.segments], j] = True
        features[j, [NEED_INDEX[f] for f in o.features]] = 1.0
        if o.sectors != "all":
            sectors[[SECTOR_INDEX[s] for s in o.sectors], j] = 1.0
        haystack = _words_or_phrases(o)
        for ch, markers in CHANNEL_MARKERS.items():
            if any(_has_marker(haystack, m) for m in markers):
                affinity[CHANNEL_INDEX[ch], j] = 1.0
        for r, req in enumerate(HELD_REQUIREMENTS):
            requires_held[r, j] = req in c.requires
    text = TextIndex.fit([offering_text(o) for o in offerings])
    on_account = np.array([bool({Requirement.MARKETPLACE_ACCOUNT, Requirement.GEM_REGISTRATION}
                                & set(o.constraints.requires)) for o in offerings])
    marketplace_rows = [CHANNEL_INDEX[c] for c in (*MARKETPLACES, SalesChannel.GEM)]
    marketplace_only = np.zeros_like(affinity)
    marketplace_only[marketplace_rows] = affinity[marketplace_rows] * on_account
    category = np.array([CATEGORIES.index(o.category) for o in offerings], dtype=np.int64)
    low, high, centre = _weight_band(offerings)
    sector_score, sector_mismatch = _sector_fit(offerings, sectors)
    signature = np.hstack(
        [
            features,
            np.eye(len(CATEGORIES), dtype=np.float32)[category] * 1.5,
            sectors.T,
            affinity.T,
        ]
    ).astype(np.float32)
    signature /= np.maximum(np.linalg.norm(signature, axis=1, keepdims=True), 1e-9)

    def limit(name: UnconfirmedLimit, missing: float) -> npt.NDArray[np.float64]:
        # An unconfirmed limit (a secondary source's figure) never excludes: the card states it.
        values = [o.constraints.applied(name) for o in offerings]
        return np.array([missing if v is None else v for v in values], dtype=np.float64)

    place_kind = {LocationKind.ANYWHERE: 0, LocationKind.HEAD_POST_OFFICE: 1, LocationKind.FIXED: 2}
    scope_code = {"any": 0, "domestic": 1, "international": 2}
    needs_place = np.array([place_kind[o.location.kind] for o in offerings], dtype=np.int8)
    scope = np.array([scope_code[o.constraints.scope] for o in offerings], dtype=np.int8)
    return OfferingTable(
        ids=tuple(o.id for o in offerings),
        offerings=tuple(offerings),
        active=np.array([o.active for o in offerings], dtype=bool),
        min_weight=limit("min_weight_kg", -math.inf),
        max_weight=limit("max_weight_kg", math.inf),
        max_value=limit("max_value_inr", math.inf),
        min_parcels=limit("min_monthly_parcels", -math.inf),
        doubtful_limits=np.array(
            [[np.nan if (d := o.constraints.doubtful_limit(name)) is None else d
              for o in offerings] for name in UNCONFIRMED],
            dtype=np.float64).reshape(len(UNCONFIRMED), n),
        scope=scope,
        international=scope == 2,
        countries=(*countries, ""),
        country_index=country_index,
        reach=reach,
        specific_reach=np.array([o.constraints.destinations != "all" for o in offerings]),
        regions=np.vstack([regions, regions.all(axis=0)]),
        segments=np.vstack([segments, np.zeros((1, n), dtype=bool)]),
        any_segment=np.array([o.constraints.segments == "all" for o in offerings]),
        rural_only=np.array([o.constraints.rural_only for o in offerings]),
        documents_only=np.array([o.constraints.carries == "documents" for o in offerings]),
        advertising_only=np.array([o.constraints.carries == "advertising" for o in offerings]),
        features=features,
        need_idf=np.log1p(n / np.maximum(features.sum(axis=0), 1.0)).astype(np.float32),
        features_t64=np.ascontiguousarray(features.T, dtype=np.float64),
        purposes_t64=np.ascontiguousarray(features.T * ~_QUALITY_ROWS[:, None],
                                          dtype=np.float64),
        purpose_count=features[:, ~_QUALITY_ROWS].sum(axis=1),
        weight_low=low,
        weight_high=high,
        weight_centre=centre,
        sector_score=sector_score,
        sector_mismatch=sector_mismatch,
        destination_factor=np.array(
            [0.0 if o.constraints.scope != "international"
             else (0.5 if o.constraints.destinations == "all" else 1.0) for o in offerings]
        ),
        feature_norm=np.sqrt(features.sum(axis=1)).astype(np.float32),
        sectors=sectors,
        any_sector=np.array([o.sectors == "all" for o in offerings]),
        channel_affinity=affinity,
        marketplace_only=marketplace_only,
        through_marketplace=marketplace_only.sum(axis=0) > 0,
        contract=np.array([Requirement.CONTRACT in o.constraints.requires for o in offerings]),
        counter=np.array(
            [any(ch.value in ("counter", "dnk_counter") for ch in o.channels)
             and bool(set(o.features) & _SHIPPING) for o in offerings]
        ),
        needs_place=needs_place,
        at_head_post_office=needs_place == 1,
        at_fixed_place=needs_place == 2,
        requires_held=requires_held,
        requires_held_f32=requires_held.astype(np.float32),
        targeted=np.array([o.constraints.segments != "all" for o in offerings]),
        names_size=segments[list(SIZE_SEGMENT.values())].sum(axis=0) > 0,
        names_business=segments[list(BUSINESS_SEGMENT.values())].sum(axis=0) > 0,
        category=category,
        signature=signature,
        text=text,
    )


_QUALITY_ROWS = np.array([need in SERVICE_QUALITIES for need in NEEDS])
ANY_SECTOR_FIT = 0.35  # an offering for every sector fits a little; one for yours fits fully


def _weight_band(offerings: Sequence[Offering]) -> tuple[F64, F64, F64]:
    low = np.array([np.nan if o.constraints.min_weight_kg is None else o.constraints.min_weight_kg
                    for o in offerings], dtype=np.float64)
    high = np.array([np.nan if o.constraints.max_weight_kg is None
                     else o.constraints.max_weight_kg for o in offerings], dtype=np.float64)
    # The band's typical parcel: a quarter of the cap (geometric middle with a minimum too),
    # or twice the minimum for a band open upwards.
    with np.errstate(invalid="ignore"):
        centre = np.where(
            ~np.isnan(high),
            np.where(~np.isnan(low), np.sqrt(np.fmax(low, 0.1) * high), high / 4),
            low * 2,
        )
    return low, high, centre


def _sector_fit(offerings: Sequence[Offering], sectors: F32) -> tuple[F64, Bool]:
    any_sector = np.array([o.sectors == "all" for o in offerings])
    named = np.vstack([sectors, np.zeros((1, len(offerings)), dtype=np.float32)])
    score = np.where(any_sector[None, :], ANY_SECTOR_FIT, named).astype(np.float64)
    mismatch: Bool = ~any_sector[None, :] & (named == 0)
    return score, mismatch
