"""Profiles as arrays in the offerings' feature space (one profile or a whole frame alike)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import numpy as np

from catalog.vocab import Need, SalesChannel, Sector
from matching.features import (
    BUSINESS_SEGMENT,
    CHANNEL_HELD,
    CHANNEL_INDEX,
    CHANNELS,
    F32,
    F64,
    I64,
    NEED_INDEX,
    NEEDS,
    SECTOR_INDEX,
    SIZE_SEGMENT,
    STATE_INDEX,
    Bool,
    OfferingTable,
)
from matching.intent import URGENT_TERMS, read_intent

# Ticked needs that say the enterprise ships abroad (DESIGN §4: with one of them and no
# destination country, the countries are undecided).
INTERNATIONAL_NEEDS = frozenset({
    Need.INTERNATIONAL_SHIPPING, Need.EXPORT_DOCUMENTATION, Need.CUSTOMS_CLEARANCE,
    Need.EXPORT_INCENTIVES, Need.EXPORT_FINANCE,
})
_INTERNATIONAL_NEED_COLUMNS = [NEED_INDEX[n] for n in INTERNATIONAL_NEEDS]
# Printed matter is what a books and printing enterprise makes: it sends papers by nature.
_PAPERS_SECTOR = SECTOR_INDEX[Sector.BOOKS_PRINTING]
_OWN_SHOP = CHANNEL_INDEX[SalesChannel.OWN_SHOP]
_MARKET_ACCESS = NEED_INDEX[Need.MARKET_ACCESS]


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
    international: Bool  # ships or wants to ship abroad: a country, an export need or word
    text_needs: F32  # (P, needs) strength of each need the products text names
    rural: F64  # 1, 0, NaN unknown: as stated, else from the PIN code's post offices
    rural_stated: Bool
    held: Bool  # (P, len(HELD_REQUIREMENTS))
    state: I64  # -1 unknown
    latitude: F64
    longitude: F64
    text: F64  # (P, N) cosine of the profile's text with each offering's
    # (P, N) arrays both the rules and the signals read:
    reached: F32  # destinations the offering reaches
    parcels: F64  # monthly parcels the offering counts (international ones: abroad only)
    fits_segment: Bool  # the offering names the profile's size class or business type
    # What it sends besides goods (``matching.intent``), for the services that carry only that:
    sends_papers: Bool  # names papers or printed matter, or is in books and printing
    advertises: Bool  # speaks of advertising to an area, or is a shop seeking customers

    @property
    def size(self) -> int:
        return int(self.sector.shape[0])


def _multi_hot(
    values: Sequence[Any], index: Mapping[Any, int], width: int
) -> F32:
    """1 where a row lists an item (listed twice still 1), 0 elsewhere."""
    out = np.zeros((len(values), width), dtype=np.float32)
    cells = [
        r * width + c
        for r, items in enumerate(values)
        if items is not None and not (isinstance(items, float) and math.isnan(items))
        for c in map(index.get, items) if c is not None
    ]
    out.reshape(-1)[cells] = 1.0
    return out


def _destinations(values: Sequence[Any], table: OfferingTable) -> F32:
    """(rows, ``table.countries``): how many times a row lists each country (any country the
    table does not name in its last column)."""
    index, width = table.country_index, len(table.countries)
    other = width - 1
    cells = [
        r * width + index.get(str(code), other)
        for r, codes in enumerate(values)
        if codes is not None and not isinstance(codes, float)  # None or NaN: none
        for code in codes
    ]
    counts = np.bincount(np.array(cells, dtype=np.intp), minlength=len(values) * width)
    return counts.astype(np.float32).reshape(len(values), width)


def _codes(*columns: tuple[Sequence[Any], Mapping[Any, int]]) -> I64:
    """(columns, P): each value's index in its column's mapping, -1 unknown or None (no
    mapping has None)."""
    return np.array(
        [[index.get(v, -1) for v in values] for values, index in columns],
        dtype=np.int64,
    )


def query_text(
    sector: object, products: object, needs: Iterable[object] | None, first_time: bool,
    urgent: bool = False,
) -> str:
    """What a profile says about itself, as text to match against offering texts (``urgent``:
    its text asks for fast delivery, in any language: ``intent.URGENT_TERMS`` are added)."""
    parts = [str(products or "")]
    if urgent:
        parts.append(URGENT_TERMS)
    if sector is not None and str(sector) != "other":
        parts.append(str(sector).replace("_", " "))
    for need in needs or ():
        parts.append(str(need).replace("_", " "))
    if first_time:
        parts.append("first time exporter")
    return " ".join(parts)


PROFILE_FIELDS = (
    "sector", "products", "needs", "first_time_exporter", "destinations", "rural", "iec",
    "gstin", "udyam_number", "sales_channels", "size_class", "business_type",
    "typical_weight_kg", "typical_value_inr", "monthly_domestic_parcels",
    "monthly_international_parcels",
)
"""The ``EnterpriseProfile`` fields :func:`encode_profiles` reads."""
profile_row = attrgetter(*PROFILE_FIELDS)
"""The ``PROFILE_FIELDS`` values of an ``EnterpriseProfile``, as a tuple."""


def profile_columns(rows: Sequence[Sequence[Any]]) -> dict[str, Sequence[Any]]:
    """Profiles given as ``profile_row`` tuples, column-wise, as :func:`encode_profiles` takes
    them."""
    columns = list(zip(*rows, strict=True)) or [()] * len(PROFILE_FIELDS)
    return dict(zip(PROFILE_FIELDS, columns, strict=True))


def encode_profiles(
    columns: Mapping[str, Sequence[Any]],
    table: OfferingTable,
    latitude: F64,
    longitude: F64,
    states: Sequence[Any],
    rural_places: F64 | None = None,
) -> ProfileArrays:
    """Encode profiles given column-wise (``EnterpriseProfile`` field -> values).

    ``latitude``, ``longitude`` and ``states`` locate their PIN codes (NaN / None unknown);
    ``rural_places`` says whether each PIN code is rural (1, 0, NaN unknown), used where the
    profile does not say. What the ``products`` text says (``matching.intent``) completes the
    sales channels, destinations and needs.
    """
    n = len(columns["sector"])

    def col(name: str, default: Any = None) -> Sequence[Any]:
        values = columns.get(name)
        return [default] * n if values is None else values

    # What each distinct products text says (``matching.intent``), then per row.
    distinct: dict[str, int] = {}
    said = [distinct.setdefault(str(text or ""), len(distinct)) for text in col("products", "")]
    intents = [read_intent(text) for text in distinct]
    implied = np.zeros((len(intents), len(NEEDS)), dtype=np.float32)
    for r, intent in enumerate(intents):
        for need, strength in intent.implied_needs().items():
            implied[r, NEED_INDEX[need]] = strength
    text_needs = implied[said]
    words_abroad, papers, advertising = (
        np.array([(i.international, i.papers, i.advertises) for i in intents], dtype=bool)
        .reshape(len(intents), 3)[said].T)
    # The sales channels stated and those the text names; the countries stated, else those the
    # text names.
    channel_hot = np.maximum(
        _multi_hot(col("sales_channels", ()), CHANNEL_INDEX, len(CHANNELS)),
        _multi_hot([i.channels for i in intents], CHANNEL_INDEX, len(CHANNELS))[said])
    stated = _destinations(col("destinations", ()), table)
    dest = np.where(stated.any(axis=1, keepdims=True), stated,
                    _destinations([i.destinations for i in intents], table)[said])
    first_time = [bool(v) for v in col("first_time_exporter", False)]
    # The identifiers given, then the accounts the sales channels show.
    held = np.concatenate([
        np.array([[bool(v) for v in col(name)] for name in ("iec", "gstin", "udyam_number")],
                 dtype=bool).reshape(3, n).T,
        (channel_hot @ CHANNEL_HELD) > 0,
    ], axis=1)
    sectors = col("sector")
    texts = [
        query_text(s, p, nd, ft, intents[k].urgent)
        for s, p, nd, ft, k in zip(
            sectors, col("products", ""), col("needs", ()), first_time, said, strict=True
        )
    ]
    text = table.text.scores_many(texts)
    # None as NaN (numpy's conversion), one array for all: fewer numpy calls.
    weight, value, domestic, international, rural = np.array([
        col("typical_weight_kg"), col("typical_value_inr"), col("monthly_domestic_parcels"),
        col("monthly_international_parcels"),
        [None if v is None or v != v else bool(v) for v in col("rural")],
    ], dtype=np.float64).reshape(5, n)
    # Parcels a month written in the text count where the field is not given: in India unless
    # the text speaks of exporting.
    written = np.array([np.nan if i.monthly_parcels is None or i.international
                        else i.monthly_parcels for i in intents], dtype=np.float64)[said]
    domestic = np.where(np.isnan(domestic), written, domestic)
    rural_stated = ~np.isnan(rural)
    if rural_places is not None:
        rural = np.where(rural_stated, rural, rural_places)
    needs = _multi_hot(col("needs", ()), NEED_INDEX, len(NEEDS))
    n_destinations = dest.sum(axis=1).astype(np.float64)
    sector, size, business, state = _codes(
        (sectors, SECTOR_INDEX), (col("size_class"), SIZE_SEGMENT),
        (col("business_type"), BUSINESS_SEGMENT), (states, STATE_INDEX),
    )
    parcels = np.where(table.international, international[:, None],
                       np.fmax(domestic, international)[:, None])
    first_time_array = np.array(first_time, dtype=bool)
    # A shop that seeks customers (market access, ticked or written) reaches the homes around
    # it by leaflets: it advertises to an area as much as one that says so.
    local_shop = (channel_hot[:, _OWN_SHOP] > 0) & (
        (needs[:, _MARKET_ACCESS] > 0) | (text_needs[:, _MARKET_ACCESS] > 0))
    return ProfileArrays(
        needs=needs,
        sector=sector,
        segment_size=size,
        segment_business=business,
        channels=channel_hot,
        destinations=dest,
        n_destinations=n_destinations,
        weight=weight,
        value=value,
        domestic_parcels=domestic,
        international_parcels=international,
        first_time=first_time_array,
        international=(
            (n_destinations > 0) | first_time_array
            | (needs[:, _INTERNATIONAL_NEED_COLUMNS] > 0).any(axis=1) | words_abroad
        ),
        text_needs=text_needs,
        rural=rural,
        rural_stated=rural_stated,
        held=held,
        state=state,
        latitude=latitude,
        longitude=longitude,
        text=text,
        reached=dest @ table.reach,
        parcels=parcels,
        fits_segment=table.segments[size] | table.segments[business],  # -1: all-False row
        sends_papers=papers | (sector == _PAPERS_SECTOR),
        advertises=advertising | local_shop,
    )
