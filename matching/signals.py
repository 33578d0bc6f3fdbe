"""Similarity signals between profiles and offerings, each a (P, N) array in [0, 1].

Every signal is computed for all pairs with matrix operations; the ranker weighs and sums them,
and the explanation reads the same values back to say which ones made an offering rank.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from catalog.vocab import Need, SalesChannel
from matching.encoding import ProfileArrays
from matching.features import (
    _CHANNEL_INDEX,
    _NEED_INDEX,
    F32,
    F64,
    NEEDS,
    OfferingTable,
)

SIGNALS = (
    "needs",
    "implied",
    "text",
    "sector",
    "segment",
    "channel",
    "destination",
    "weight",
    "volume",
    "distance",
    "prerequisites",
)
"""Signal names, in the order of the ranker's weight parameters (``w_<name>``)."""

BULK_KG = 20.0  # a typical parcel from here on is freight-like (rail post starts at 35 kg)
BULK_MONTHLY_KG = 1000.0  # a tonne a month of domestic parcels calls for freight offers
HIGH_VALUE_INR = 50_000.0
NEAR_KM = 15.0  # distance at which the distance signal halves
_MARKETPLACES = (
    SalesChannel.AMAZON, SalesChannel.FLIPKART, SalesChannel.MEESHO, SalesChannel.ONDC,
    SalesChannel.ETSY, SalesChannel.OWN_WEBSITE,
)
_COD_CHANNELS = (
    SalesChannel.AMAZON, SalesChannel.FLIPKART, SalesChannel.MEESHO, SalesChannel.OWN_WEBSITE,
    SalesChannel.SOCIAL_MEDIA,
)


@dataclass(frozen=True)
class Signals:
    """The signal arrays of P profiles against N offerings, plus the implied needs."""

    values: dict[str, F64]  # views into ``stack``
    stack: F64  # (signals, P, N) in ``SIGNALS`` order
    implied_needs: F32  # (P, needs) strength of each need implied by the profile's facts
    sector_mismatch: np.ndarray  # (P, N) the offering names sectors, not the profile's
    remote: np.ndarray  # (P, N) a fixed-place offering with no place near the profile


_MARKETPLACE_COLUMNS = [_CHANNEL_INDEX[c] for c in _MARKETPLACES]
_COD_COLUMNS = [_CHANNEL_INDEX[c] for c in _COD_CHANNELS]


def _zero(values: F64) -> F64:
    """Unknown (NaN) counts and weights as 0."""
    return np.where(np.isnan(values), 0.0, values)


def implied_needs(p: ProfileArrays) -> F32:
    """Needs that follow from what a profile says it does (not what it asked for)."""
    domestic_count = _zero(p.domestic_parcels)
    weight = _zero(p.weight)
    exports = p.n_destinations > 0
    first = p.first_time & exports
    domestic = domestic_count > 0
    channel = p.channels > 0
    rules: list[tuple[Need, float, Any]] = [
        (Need.INTERNATIONAL_SHIPPING, 1.0, exports),
        (Need.CUSTOMS_CLEARANCE, 0.6, exports),
        (Need.EXPORT_DOCUMENTATION, 0.5, exports),
        (Need.EXPORT_DOCUMENTATION, 1.0, first),
        (Need.TRAINING, 0.8, first),
        (Need.EXPORT_INCENTIVES, 0.5,
         exports & ~p.first_time & (_zero(p.international_parcels) >= 20)),
        (Need.DOMESTIC_SHIPPING, 1.0, domestic),
        (Need.TRACKING, 0.3, domestic),
        (Need.PICKUP, 0.5, domestic_count >= 100),
        (Need.BULK_FREIGHT, 1.0,
         (weight >= BULK_KG) | (domestic_count * weight >= BULK_MONTHLY_KG)),
        (Need.MARKETPLACE_INTEGRATION, 0.7, channel[:, _MARKETPLACE_COLUMNS].any(axis=1)),
        (Need.CASH_ON_DELIVERY, 0.4, channel[:, _COD_COLUMNS].any(axis=1)),
        (Need.GOVERNMENT_PROCUREMENT, 1.0, channel[:, _CHANNEL_INDEX[SalesChannel.GEM]]),
        (Need.MARKET_ACCESS, 0.6, channel[:, _CHANNEL_INDEX[SalesChannel.EXHIBITIONS]]
         | channel[:, _CHANNEL_INDEX[SalesChannel.B2B_BUYERS]]),
        (Need.DIGITAL_PAYMENTS, 0.5, channel[:, _CHANNEL_INDEX[SalesChannel.OWN_SHOP]]),
        (Need.SHIPMENT_INSURANCE, 0.5, _zero(p.value) >= HIGH_VALUE_INR),
    ]
    strengths = np.zeros((len(rules), len(NEEDS)), dtype=np.float32)  # rule -> its need
    strengths[np.arange(len(rules)), [_NEED_INDEX[r[0]] for r in rules]] = [r[1] for r in rules]
    fired = np.stack([r[2] for r in rules], axis=1)  # (P, rules)
    out: F32 = (fired[:, :, None] * strengths[None]).max(axis=1)  # strongest rule per need
    return out


COVERAGE_SHARE = 0.75  # the rest of a need score is precision (how focused the offering is)


def _served_sum(values: F32, table: OfferingTable) -> F64:
    """``values @ table.features.T``: per offering, the sum of ``values`` over the needs it
    serves, exact.

    Float32 addends of similar size sum exactly in float64, so the result does not depend on
    the order a BLAS kernel adds them in: a profile's sums are the same bits alone, in a
    batch, or in ``rank_many``."""
    out: F64 = values.astype(np.float64) @ table.features_t64
    return out


def _need_fit(profile_needs: F32, table: OfferingTable) -> F64:
    """Share of the profile's needs the offering serves (weighted by strength), blended with
    the share of the offering's features that are among them."""
    # Needs few offerings serve count more than needs most serve (an idf over offerings).
    weighted = profile_needs * table.need_idf
    matched = _served_sum(weighted, table)
    wanted = weighted.sum(axis=1, keepdims=True)
    coverage = np.divide(matched, wanted, out=np.zeros_like(matched), where=wanted > 0)
    precision = _served_sum(profile_needs, table) / np.maximum(table.feature_count, 1.0)
    fit: F64 = COVERAGE_SHARE * coverage + (1 - COVERAGE_SHARE) * np.minimum(precision, 1.0)
    return fit


def _weight_fit(weight: F64, table: OfferingTable) -> F64:
    """How snugly a typical parcel sits in each offering's weight band (0 with no band)."""
    w = weight[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        fit = np.exp(-0.5 * (np.log(w / table.weight_centre) / 1.2) ** 2)
        outside = (w > table.weight_high) | (w < table.weight_low)
    result: F64 = np.where(np.isnan(fit) | outside, 0.0, fit)
    return result


def _volume_fit(p: ProfileArrays, table: OfferingTable) -> F64:
    """Contract services suit regular shippers; counter services suit occasional ones."""
    parcels = np.where(
        table.scope == 2,
        p.international_parcels[:, None],
        np.fmax(p.domestic_parcels, p.international_parcels)[:, None],
    )
    level = np.clip(np.log10(1.0 + parcels) / 3.0, 0.0, 1.0)  # 1,000 a month and more -> 1
    fit = np.where(table.contract, level,
                   np.where(table.counter & ~table.contract, 1.0 - level, 0.0))
    result: F64 = np.where(np.isnan(fit), 0.0, fit)
    return result


REMOTE_KM = 200.0  # a fixed place farther than this is a journey, not a visit


def compute(
    p: ProfileArrays, table: OfferingTable, hpo_km: F64, fixed_km: F64, fixed_near: np.ndarray,
) -> Signals:
    """All signals for P profiles; ``hpo_km`` (P,) is the distance to the nearest head post
    office, ``fixed_km`` (P, N) to the nearest fixed place of an offering (NaN: none known),
    ``fixed_near`` (P, N) marks a fixed place named after the profile's district.

    Every profile's signals are bit-identical whichever profiles are computed with it."""
    implied = implied_needs(p)
    covered = p.destinations @ table.reach
    share = covered / np.maximum(p.n_destinations, 1.0)[:, None]
    near = 1.0 / (1.0 + hpo_km / NEAR_KM)
    fixed = np.fmax(1.0 / (1.0 + fixed_km / (NEAR_KM * 4)), np.where(fixed_near, 0.8, np.nan))
    distance = np.where(table.at_head_post_office, near[:, None],
                        np.where(table.at_fixed_place, fixed, 0.0))
    missing = (~p.held).astype(np.float32) @ table.requires_held_f32
    fits_segment = table.segments[p.segment_size] | table.segments[p.segment_business]
    stack = np.empty((len(SIGNALS), p.size, table.size), dtype=np.float64)
    values = {name: stack[i] for i, name in enumerate(SIGNALS)}
    values["needs"][:] = _need_fit(p.needs, table)
    values["implied"][:] = _need_fit(implied, table)
    values["text"][:] = p.text
    values["sector"][:] = table.sector_score[p.sector]  # sector -1: the last, unknown, row
    values["segment"][:] = ((table.targeted & fits_segment)
                            | (table.rural_only & (p.rural == 1)[:, None]))
    np.minimum(p.channels @ table.channel_affinity, 1.0, out=values["channel"])
    values["destination"][:] = share * table.destination_factor
    values["weight"][:] = _weight_fit(p.weight, table)
    values["volume"][:] = _volume_fit(p, table)
    values["distance"][:] = np.where(np.isnan(distance), 0.0, distance)
    values["prerequisites"][:] = -np.minimum(missing, 2.0) / 2.0
    remote = table.at_fixed_place & ~fixed_near & ~(fixed_km <= REMOTE_KM)
    return Signals(values=values, stack=stack, implied_needs=implied,
                   sector_mismatch=table.sector_mismatch[p.sector], remote=remote)
