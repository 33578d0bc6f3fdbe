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
    CHANNEL_INDEX,
    CHANNELS,
    F32,
    F64,
    HELD_REQUIREMENTS,
    I64,
    NEED_INDEX,
    NEEDS,
    SECTOR_INDEX,
    SIZE_SEGMENT,
    STATE_INDEX,
    Bool,
    OfferingTable,
    held_requirements,
)
from matching.intent import URGENT_TERMS, Intent, read_intent

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


def _numbers(*columns: Sequence[Any]) -> F64:
    """(columns, P): one row per column, None as NaN (one array: fewer numpy calls)."""
    return np.array([[np.nan if v is None else float(v) for v in values] for values in columns],
                    dtype=np.float64)


def _codes(*columns: tuple[Sequence[Any], Mapping[Any, int]]) -> I64:
    """(columns, P): each value's index in its column's mapping, -1 unknown or None."""
    return np.array(
        [[index.get(v, -1) if v is not None else -1 for v in values] for values, index in columns],
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


def _listed(values: Any) -> tuple[Any, ...]:
    """A list column's value as a tuple (None or NaN: empty)."""
    if values is None or isinstance(values, float):
        return ()
    return tuple(values)


def with_intent(
    channels: Sequence[Any], destinations: Sequence[Any], intents: Sequence[Intent]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Sales channels and destinations as stated, completed from the text: the channels the
    text names are added; the countries it names count when none is stated."""
    merged_channels = [
        (*listed, *[c for c in intent.channels if c not in listed])
        for listed, intent in zip(map(_listed, channels), intents, strict=True)
    ]
    merged_destinations = [
        listed or intent.destinations
        for listed, intent in zip(map(_listed, destinations), intents, strict=True)
    ]
    return merged_channels, merged_destinations


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

    intents = [read_intent(str(text or "")) for text in col("products", "")]
    channels, destinations = with_intent(col("sales_channels", ()), col("destinations", ()),
                                         intents)

    country_index = table.country_index
    width, other = len(table.countries), len(table.countries) - 1
    # Every listed destination as a (row, reach column) cell, counted once per listing.
    cells = [
        r * width + country_index.get(str(code), other)
        for r, codes in enumerate(destinations)
        for code in codes
    ]
    dest = (np.bincount(np.array(cells, dtype=np.intp), minlength=n * width)
            .astype(np.float32).reshape(n, width))
    first_time = [bool(v) for v in col("first_time_exporter", False)]
    held = np.array(
        [
            held_requirements(*row)
            for row in zip(col("iec"), col("gstin"), col("udyam_number"), channels,
                           strict=True)
        ],
        dtype=bool,
    ).reshape(n, len(HELD_REQUIREMENTS))
    sectors = col("sector")
    texts = [
        query_text(s, p, nd, ft, i.urgent)
        for s, p, nd, ft, i in zip(
            sectors, col("products", ""), col("needs", ()), first_time, intents, strict=True
        )
    ]
    text = table.text.scores_many(texts)
    weight, value, domestic, international, rural = _numbers(
        col("typical_weight_kg"), col("typical_value_inr"), col("monthly_domestic_parcels"),
        col("monthly_international_parcels"),
        [None if v is None or v != v else bool(v) for v in col("rural")],
    )
    rural_stated = ~np.isnan(rural)
    if rural_places is not None:
        rural = np.where(rural_stated, rural, rural_places)
    needs = _multi_hot(col("needs", ()), NEED_INDEX, len(NEEDS))
    text_needs = np.zeros((n, len(NEEDS)), dtype=np.float32)
    for r, intent in enumerate(intents):
        for need, strength in intent.implied_needs().items():
            text_needs[r, NEED_INDEX[need]] = strength
    n_destinations = dest.sum(axis=1).astype(np.float64)
    sector, size, business, state = _codes(
        (sectors, SECTOR_INDEX), (col("size_class"), SIZE_SEGMENT),
        (col("business_type"), BUSINESS_SEGMENT), (states, STATE_INDEX),
    )
    parcels = np.where(table.international, international[:, None],
                       np.fmax(domestic, international)[:, None])
    channel_hot = _multi_hot(channels, CHANNEL_INDEX, len(CHANNELS))
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
        first_time=np.array(first_time, dtype=bool),
        international=(
            (n_destinations > 0) | np.array(first_time, dtype=bool)
            | (needs[:, _INTERNATIONAL_NEED_COLUMNS] > 0).any(axis=1)
            | np.array([i.international for i in intents], dtype=bool)
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
        sends_papers=np.array([i.papers for i in intents], dtype=bool)
        | (sector == _PAPERS_SECTOR),
        advertises=np.array([i.advertises for i in intents], dtype=bool) | local_shop,
    )
