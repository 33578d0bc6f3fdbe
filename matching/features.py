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
from typing import Any

import numpy as np
import numpy.typing as npt

from catalog.schema import Offering
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
SECTORS: tuple[Sector, ...] = tuple(Sector)
CHANNELS: tuple[SalesChannel, ...] = tuple(SalesChannel)
CATEGORIES: tuple[Category, ...] = tuple(Category)
SEGMENTS: tuple[Segment, ...] = tuple(Segment)
STATE_INDEX = {s: i for i, s in enumerate(STATES)}
_NEED_INDEX = {n: i for i, n in enumerate(NEEDS)}
_SECTOR_INDEX = {s: i for i, s in enumerate(SECTORS)}
_CHANNEL_INDEX = {c: i for i, c in enumerate(CHANNELS)}
_SEGMENT_INDEX = {s: i for i, s in enumerate(SEGMENTS)}
_BUSINESS_SEGMENT = {b: _SEGMENT_INDEX[Segment(b.value)] for b in BusinessType}
_SIZE_SEGMENT = {s: _SEGMENT_INDEX[Segment(s.value)] for s in SizeClass}
# Requirements a profile can show it meets (an identifier it gives, or selling on the
# marketplace); every other requirement is a step the profile cannot prove either way.
HELD_REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement.IEC,
    Requirement.GSTIN,
    Requirement.UDYAM,
    Requirement.MARKETPLACE_ACCOUNT,
    Requirement.GEM_REGISTRATION,
)
MARKETPLACES = frozenset(
    {SalesChannel.AMAZON, SalesChannel.FLIPKART, SalesChannel.ETSY, SalesChannel.MEESHO,
     SalesChannel.ONDC}
)


def held_requirements(
    iec: Any, gstin: Any, udyam: Any, sales_channels: Any
) -> tuple[bool, ...]:
    """Which of ``HELD_REQUIREMENTS`` a profile meets, in that order."""
    channels = set(sales_channels or ())
    return (
        bool(iec),
        bool(gstin),
        bool(udyam),
        bool(channels & MARKETPLACES),
        SalesChannel.GEM in channels,
    )

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
    scope: npt.NDArray[np.int8]  # 0 any, 1 domestic, 2 international
    countries: tuple[str, ...]  # columns of ``reach`` (the last, "", stands for any other)
    reach: F32  # (countries + 1, N): 1 where the offering reaches that country
    specific_reach: Bool  # offering lists its countries (not "all")
    regions: Bool  # (states, N)
    segments: Bool  # (segments, N)
    any_segment: Bool
    rural_only: Bool
    features: F32  # (N, needs) 0/1
    need_idf: F32  # (needs,) log(1 + N / offerings serving the need)
    feature_count: F32  # (N,) needs each offering serves
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
    contract: Bool
    counter: Bool
    needs_place: npt.NDArray[np.int8]  # 0 anywhere, 1 nearest head post office, 2 fixed
    requires_held: Bool  # (len(HELD_REQUIREMENTS), N)
    targeted: Bool  # the offering names the segments it serves (not "all")
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
        features[j, [_NEED_INDEX[f] for f in o.features]] = 1.0
        if o.sectors != "all":
            sectors[[_SECTOR_INDEX[s] for s in o.sectors], j] = 1.0
        haystack = _words_or_phrases(o)
        for ch, markers in CHANNEL_MARKERS.items():
            if any(_has_marker(haystack, m) for m in markers):
                affinity[_CHANNEL_INDEX[ch], j] = 1.0
        for r, req in enumerate(HELD_REQUIREMENTS):
            requires_held[r, j] = req in c.requires
    text = TextIndex.fit([offering_text(o) for o in offerings])
    category = np.array([CATEGORIES.index(o.category) for o in offerings], dtype=np.int64)
    signature = np.hstack(
        [
            features,
            np.eye(len(CATEGORIES), dtype=np.float32)[category] * 1.5,
            sectors.T,
            affinity.T,
        ]
    ).astype(np.float32)
    signature /= np.maximum(np.linalg.norm(signature, axis=1, keepdims=True), 1e-9)

    def limit(value: float | None, missing: float) -> float:
        return missing if value is None else float(value)

    place_kind = {LocationKind.ANYWHERE: 0, LocationKind.HEAD_POST_OFFICE: 1, LocationKind.FIXED: 2}
    scope_code = {"any": 0, "domestic": 1, "international": 2}
    return OfferingTable(
        ids=tuple(o.id for o in offerings),
        offerings=tuple(offerings),
        active=np.array([o.active for o in offerings], dtype=bool),
        min_weight=np.array([limit(o.constraints.min_weight_kg, -math.inf) for o in offerings]),
        max_weight=np.array([limit(o.constraints.max_weight_kg, math.inf) for o in offerings]),
        max_value=np.array([limit(o.constraints.max_value_inr, math.inf) for o in offerings]),
        min_parcels=np.array(
            [limit(o.constraints.min_monthly_parcels, -math.inf) for o in offerings]
        ),
        scope=np.array([scope_code[o.constraints.scope] for o in offerings], dtype=np.int8),
        countries=(*countries, ""),
        reach=reach,
        specific_reach=np.array([o.constraints.destinations != "all" for o in offerings]),
        regions=regions,
        segments=segments,
        any_segment=np.array([o.constraints.segments == "all" for o in offerings]),
        rural_only=np.array([o.constraints.rural_only for o in offerings]),
        features=features,
        need_idf=np.log1p(n / np.maximum(features.sum(axis=0), 1.0)).astype(np.float32),
        feature_count=features.sum(axis=1),
        **_weight_band(offerings),
        **_sector_fit(offerings, sectors),
        destination_factor=np.array(
            [0.0 if o.constraints.scope != "international"
             else (0.5 if o.constraints.destinations == "all" else 1.0) for o in offerings]
        ),
        feature_norm=np.sqrt(features.sum(axis=1)).astype(np.float32),
        sectors=sectors,
        any_sector=np.array([o.sectors == "all" for o in offerings]),
        channel_affinity=affinity,
        contract=np.array([Requirement.CONTRACT in o.constraints.requires for o in offerings]),
        counter=np.array(
            [any(ch.value in ("counter", "dnk_counter") for ch in o.channels) for o in offerings]
        ),
        needs_place=np.array([place_kind[o.location.kind] for o in offerings], dtype=np.int8),
        requires_held=requires_held,
        targeted=np.array([o.constraints.segments != "all" for o in offerings]),
        category=category,
        signature=signature,
        text=text,
    )


ANY_SECTOR_FIT = 0.35  # an offering for every sector fits a little; one for yours fits fully


def _weight_band(offerings: Sequence[Offering]) -> dict[str, F64]:
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
    return {"weight_low": low, "weight_high": high, "weight_centre": centre}


def _sector_fit(offerings: Sequence[Offering], sectors: F32) -> dict[str, Any]:
    any_sector = np.array([o.sectors == "all" for o in offerings])
    named = np.vstack([sectors, np.zeros((1, len(offerings)), dtype=np.float32)])
    score = np.where(any_sector[None, :], ANY_SECTOR_FIT, named).astype(np.float64)
    return {"sector_score": score, "sector_mismatch": ~any_sector[None, :] & (named == 0)}


@dataclass(frozen=True)
class ProfileArrays:
    """P profiles as aligned arrays in the offering table's space."""

    needs: F32  # (P, needs) stated needs 0/1
    sector: I64
    segment_size: I64  # segment index of the size class, -1 unknown
    segment_business: I64
    channels: F32  # (P, sales channels)
    destinations: F32  # (P, countries + 1) counts per reach column
    n_destinations: F64
    weight: F64  # NaN unknown
    value: F64
    domestic_parcels: F64
    international_parcels: F64
    first_time: Bool
    rural: F64  # 1, 0, NaN unknown
    held: Bool  # (P, len(HELD_REQUIREMENTS))
    state: I64  # -1 unknown
    latitude: F64
    longitude: F64
    text: F64  # (P, N) cosine of the profile's text with each offering's

    @property
    def size(self) -> int:
        return int(self.sector.shape[0])


def _multi_hot(
    values: Sequence[Any], index: Mapping[Any, int], width: int
) -> F32:
    out = np.zeros((len(values), width), dtype=np.float32)
    rows: list[int] = []
    cols: list[int] = []
    for r, items in enumerate(values):
        if items is None or (isinstance(items, float) and math.isnan(items)):
            continue
        for item in items:
            col = index.get(item)
            if col is not None:
                rows.append(r)
                cols.append(col)
    np.add.at(out, (np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)), 1.0)
    return out


def _numbers(values: Sequence[Any]) -> F64:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


def _codes(values: Sequence[Any], index: Mapping[Any, int]) -> I64:
    return np.array([index.get(v, -1) if v is not None else -1 for v in values], dtype=np.int64)


def query_text(sector: Any, products: Any, needs: Any, first_time: bool) -> str:
    """What a profile says about itself, as text to match against offering texts."""
    parts = [str(products or "")]
    if sector is not None and str(sector) != "other":
        parts.append(str(sector).replace("_", " "))
    for need in needs or ():
        parts.append(str(need).replace("_", " "))
    if first_time:
        parts.append("first time exporter")
    return " ".join(parts)


def encode_profiles(
    columns: Mapping[str, Sequence[Any]],
    table: OfferingTable,
    latitude: F64,
    longitude: F64,
    states: Sequence[Any],
) -> ProfileArrays:
    """Encode profiles given column-wise (``EnterpriseProfile`` field -> values).

    ``latitude``, ``longitude`` and ``states`` locate their PIN codes (NaN / None unknown).
    """
    n = len(columns["sector"])

    def col(name: str, default: Any = None) -> Sequence[Any]:
        values = columns.get(name)
        return [default] * n if values is None else values

    destinations = col("destinations", ())
    country_index = {c: i for i, c in enumerate(table.countries[:-1])}
    other = len(table.countries) - 1
    dest = np.zeros((n, len(table.countries)), dtype=np.float32)
    for r, codes in enumerate(destinations):
        for code in codes if codes is not None and not isinstance(codes, float) else ():
            dest[r, country_index.get(str(code), other)] += 1.0
    first_time = np.array([bool(v) for v in col("first_time_exporter", False)], dtype=bool)
    rural = np.array(
        [np.nan if v is None or v != v else float(bool(v)) for v in col("rural")], dtype=np.float64
    )
    held = np.array(
        [
            held_requirements(*row)
            for row in zip(col("iec"), col("gstin"), col("udyam_number"),
                           col("sales_channels", ()), strict=True)
        ],
        dtype=bool,
    ).reshape(n, len(HELD_REQUIREMENTS))
    sectors = col("sector")
    texts = [
        query_text(s, p, nd, bool(ft))
        for s, p, nd, ft in zip(
            sectors, col("products", ""), col("needs", ()), first_time, strict=True
        )
    ]
    text = table.text.scores_many(texts)
    return ProfileArrays(
        needs=np.minimum(_multi_hot(col("needs", ()), _NEED_INDEX, len(NEEDS)), 1.0),
        sector=_codes(sectors, _SECTOR_INDEX),
        segment_size=_codes(col("size_class"), _SIZE_SEGMENT),
        segment_business=_codes(col("business_type"), _BUSINESS_SEGMENT),
        channels=np.minimum(_multi_hot(col("sales_channels", ()), _CHANNEL_INDEX,
                                       len(CHANNELS)), 1.0),
        destinations=dest,
        n_destinations=dest.sum(axis=1).astype(np.float64),
        weight=_numbers(col("typical_weight_kg")),
        value=_numbers(col("typical_value_inr")),
        domestic_parcels=_numbers(col("monthly_domestic_parcels")),
        international_parcels=_numbers(col("monthly_international_parcels")),
        first_time=first_time,
        rural=rural,
        held=held,
        state=np.array([STATE_INDEX.get(s, -1) if isinstance(s, str) else -1 for s in states],
                       dtype=np.int64),
        latitude=latitude,
        longitude=longitude,
        text=text,
    )
