"""Similarity signals between profiles and offerings, each a (P, N) array in [0, 1].

Every signal is computed for all pairs with matrix operations; the ranker weighs and sums them,
and the explanation reads the same values back to say which ones made an offering rank.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from catalog.vocab import Need, SalesChannel
from matching.encoding import ProfileArrays
from matching.features import (
    CHANNEL_INDEX,
    F32,
    F64,
    NEED_INDEX,
    NEEDS,
    OfferingTable,
)
from matching.intent import DOMESTIC_NEEDS

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
MARKETPLACE_SHIPPING = 0.5  # a marketplace seller sends parcels in India
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
    # (P, N) the offering works only through marketplaces the profile, naming where it sells,
    # does not name (Amazon's tie-up for a seller on Flipkart and its own website)
    channel_mismatch: np.ndarray
    remote: np.ndarray  # (P, N) a fixed-place offering with no place near the profile
    doubtful: np.ndarray  # (P, N) outside a limit only a secondary source states
    # (P,) the profile gives no parcel count: its volume signal is a prior (``UNKNOWN_LEVEL``),
    # which ranks but is no fit
    volume_unknown: np.ndarray


# What each fact about a profile implies: the needs and how strongly. The first facts are
# computed one by one in ``implied_needs``, the rest are sales channels (any of those listed).
_FACT_NEEDS: tuple[tuple[tuple[Need, float], ...], ...] = (
    # exports: names a destination country, ticks an export need or writes of exporting
    ((Need.INTERNATIONAL_SHIPPING, 1.0), (Need.CUSTOMS_CLEARANCE, 0.6),
     (Need.EXPORT_DOCUMENTATION, 0.5)),
    ((Need.EXPORT_DOCUMENTATION, 1.0), (Need.TRAINING, 0.8)),  # exports for the first time
    ((Need.EXPORT_INCENTIVES, 0.5),),  # exports regularly (20 parcels a month and more)
    DOMESTIC_NEEDS,  # ships parcels in India
    ((Need.PICKUP, 0.5),),  # 100 domestic parcels a month and more
    ((Need.BULK_FREIGHT, 1.0),),  # heavy parcels, or a tonne a month
    ((Need.SHIPMENT_INSURANCE, 0.5),),  # valuable parcels
    ((Need.MARKETPLACE_INTEGRATION, 0.7), (Need.DOMESTIC_SHIPPING, MARKETPLACE_SHIPPING)),
    ((Need.CASH_ON_DELIVERY, 0.4),),
    ((Need.GOVERNMENT_PROCUREMENT, 1.0),),
    ((Need.MARKET_ACCESS, 0.6),),
    ((Need.DIGITAL_PAYMENTS, 0.5),),
)
_CHANNEL_FACTS: tuple[tuple[SalesChannel, ...], ...] = (
    _MARKETPLACES, _COD_CHANNELS, (SalesChannel.GEM,),
    (SalesChannel.EXHIBITIONS, SalesChannel.B2B_BUYERS), (SalesChannel.OWN_SHOP,),
)
_FACT_STRENGTHS = np.zeros((len(_FACT_NEEDS), len(NEEDS)), dtype=np.float32)  # fact -> needs
for _fact, _needs in enumerate(_FACT_NEEDS):
    for _need, _strength in _needs:
        _FACT_STRENGTHS[_fact, NEED_INDEX[_need]] = _strength
_COD_FACT = _CHANNEL_FACTS.index(_COD_CHANNELS)
_ONLINE_FACT = _CHANNEL_FACTS.index(_MARKETPLACES)
_DOMESTIC_COLUMNS = [NEED_INDEX[Need.DOMESTIC_SHIPPING], NEED_INDEX[Need.CASH_ON_DELIVERY]]
_CHANNEL_FACT_MEMBERS = np.zeros((len(CHANNEL_INDEX), len(_CHANNEL_FACTS)), dtype=np.float32)
for _fact, _channels in enumerate(_CHANNEL_FACTS):
    _CHANNEL_FACT_MEMBERS[[CHANNEL_INDEX[c] for c in _channels], _fact] = 1.0


def abroad_only(p: ProfileArrays) -> npt.NDArray[np.bool_]:
    """(P,) exports and says nothing of sending in India (domestic parcels, a domestic or COD
    need): where it sells (a shop page, WhatsApp) reaches buyers abroad, not in India."""
    in_india = (p.domestic_parcels > 0) | (p.needs[:, _DOMESTIC_COLUMNS] > 0).any(axis=1)
    out: npt.NDArray[np.bool_] = p.international & ~in_india
    return out


def implied_needs(p: ProfileArrays, abroad: npt.NDArray[np.bool_]) -> F32:
    """Needs that follow from what a profile says it does (not what it asked for); ``abroad``
    is :func:`abroad_only` of ``p``."""
    # Unknown (NaN) counts, weights and values compare False, as 0 would: every threshold is
    # positive, and a NaN or 0 factor of the monthly weight keeps it under a tonne alike.
    domestic = p.domestic_parcels
    exports = p.international
    facts = np.array([  # (facts, P), turned below: np.stack costs more on small arrays
        exports,
        p.first_time & exports,
        exports & ~p.first_time & (p.international_parcels >= 20),
        domestic > 0,
        domestic >= 100,
        (p.weight >= BULK_KG) | (domestic * p.weight >= BULK_MONTHLY_KG),
        p.value >= HIGH_VALUE_INR,
    ]).T
    # Counting a profile's channels in each group (0/1 sums, exact) tells whether it has any.
    channel_facts = (p.channels @ _CHANNEL_FACT_MEMBERS) > 0
    # Cash on delivery is for buyers in India: not implied for a seller abroad only.
    channel_facts[:, _COD_FACT] &= ~abroad
    fired = np.concatenate([facts, channel_facts], axis=1)  # (P, facts)
    # The strongest fact per need (the ufunc itself: ndarray.max adds a Python wrapper).
    out: F32 = np.maximum.reduce(fired[:, :, None] * _FACT_STRENGTHS, axis=1)
    # What the products text names (``matching.intent``) counts as much as the facts.
    return np.maximum(out, p.text_needs)


COVERAGE_SHARE = 0.75  # the rest of a need score is precision (how focused the offering is)


def _served_sum(values: F32, served: F64) -> F64:
    """``values @ served``: per offering, the sum of ``values`` over the needs it serves
    (``served``: ``table.features_t64`` or ``table.purposes_t64``), exact.

    Float32 addends of similar size sum exactly in float64, so the result does not depend on
    the order a BLAS kernel adds them in: a profile's sums are the same bits alone, in a
    batch, or in ``rank_many``."""
    out: F64 = values.astype(np.float64) @ served
    return out


def _need_fit(profile_needs: F32, table: OfferingTable) -> F64:
    """Share of the profile's needs the offering serves (weighted by strength), blended with
    the share of what the offering is for that is among them (a row per row of
    ``profile_needs``; tracking and pickup, how a service works, count in the share of needs
    served only: ``features.SERVICE_QUALITIES``)."""
    # Needs few offerings serve count more than needs most serve (an idf over offerings).
    weighted = profile_needs * table.need_idf
    matched = _served_sum(weighted, table.features_t64)
    wanted = weighted.sum(axis=1, keepdims=True)
    coverage = np.divide(matched, wanted, out=np.zeros_like(matched), where=wanted > 0)
    precision = (_served_sum(profile_needs, table.purposes_t64)
                 / np.maximum(table.purpose_count, 1.0))
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
    level = np.clip(np.log10(1.0 + p.parcels) / 3.0, 0.0, 1.0)  # 1,000 a month and more -> 1
    # No count given: a contract is not yet called for; the counter is where one starts. Not
    # for a seller on a marketplace or its own website, who ships orders as they come.
    online = (p.channels @ _CHANNEL_FACT_MEMBERS[:, _ONLINE_FACT]) > 0
    level = np.where(np.isnan(level) & ~online[:, None], UNKNOWN_LEVEL, level)
    fit = np.where(table.contract, level, np.where(table.counter, 1.0 - level, 0.0))
    result: F64 = np.where(np.isnan(fit), 0.0, fit)
    return result


UNKNOWN_LEVEL = 0.1  # the volume signal's level for a profile that gives no parcel count
UNDECIDED_SHARE = 0.5
RURAL_BY_PIN = 0.5
UNKNOWN_IDS = 0.5  # share of the missing-identifier penalty for a profile that gives none
_IDENTIFIER_COLUMNS = np.arange(5) < 3  # of HELD_REQUIREMENTS: IEC, GSTIN, Udyam
REMOTE_KM = 200.0  # a fixed place farther than this is a journey, not a visit


def compute(
    p: ProfileArrays, table: OfferingTable, hpo_km: F64, fixed_km: F64, fixed_near: np.ndarray,
) -> Signals:
    """All signals for P profiles; ``hpo_km`` (P,) is the distance to the nearest head post
    office, ``fixed_km`` (P, N) to the nearest fixed place of an offering (NaN: none known),
    ``fixed_near`` (P, N) marks a fixed place named after the profile's district.

    Every profile's signals are bit-identical whichever profiles are computed with it."""
    abroad = abroad_only(p)
    implied = implied_needs(p, abroad)
    # Undecided countries (export intent, none named): half the credit of a named match for
    # the offerings that reach every country, none for those made for a few.
    share = np.where((p.n_destinations > 0)[:, None],
                     p.reached / np.maximum(p.n_destinations, 1.0)[:, None],
                     np.where(p.international[:, None] & ~table.specific_reach,
                              UNDECIDED_SHARE, 0.0))
    near = 1.0 / (1.0 + hpo_km / NEAR_KM)
    fixed = np.fmax(1.0 / (1.0 + fixed_km / (NEAR_KM * 4)), np.where(fixed_near, 0.8, np.nan))
    distance = np.where(table.at_head_post_office, near[:, None],
                        np.where(table.at_fixed_place, fixed, 0.0))
    # A profile that gives none of its identifiers (IEC, GSTIN, Udyam: the first three held
    # requirements) has not said it lacks them: each counts ``UNKNOWN_IDS`` of a missing one.
    # A marketplace or GeM account is known from the sales channels either way.
    unsure = ~p.held[:, :3].any(axis=1, keepdims=True) & _IDENTIFIER_COLUMNS
    lacking = (~p.held).astype(np.float32) * np.where(unsure, UNKNOWN_IDS, 1.0).astype(np.float32)
    missing = lacking @ table.requires_held_f32
    stack = np.empty((len(SIGNALS), p.size, table.size), dtype=np.float64)
    values = {name: stack[i] for i, name in enumerate(SIGNALS)}
    # Stated and implied needs fitted together (the rows do not depend on one another).
    fits = _need_fit(np.concatenate([p.needs, implied]), table)
    values["needs"][:], values["implied"][:] = fits[:p.size], fits[p.size:]
    values["text"][:] = p.text
    values["sector"][:] = table.sector_score[p.sector]  # sector -1: the last, unknown, row
    # A rural address counts fully when the profile states it, ``RURAL_BY_PIN`` when read from
    # the PIN code's post offices (the business may be in a village, its owner in town).
    rural = np.where(p.rural == 1, np.where(p.rural_stated, 1.0, RURAL_BY_PIN), 0.0)
    values["segment"][:] = np.fmax(table.targeted & p.fits_segment,
                                   table.rural_only * rural[:, None])
    np.minimum(p.channels @ table.channel_affinity, 1.0, out=values["channel"])
    # A seller abroad only sells there through its channels: no credit for services in India.
    values["channel"][abroad[:, None] & (table.scope == 1)] = 0.0
    values["destination"][:] = share * table.destination_factor
    values["weight"][:] = _weight_fit(p.weight, table)
    values["volume"][:] = _volume_fit(p, table)
    values["distance"][:] = np.where(np.isnan(distance), 0.0, distance)
    values["prerequisites"][:] = -np.minimum(missing, 2.0) / 2.0
    remote = table.at_fixed_place & ~fixed_near & ~(fixed_km <= REMOTE_KM)
    # A programme made for a few states comes to the whole of them (WTC Mumbai's programmes
    # for Maharashtra): in one of its states it is not far off, wherever its office is.
    regional = ~table.regions[-1]  # not offered in every state
    remote &= ~(regional & table.regions[p.state] & (p.state >= 0)[:, None])
    # Made for a few countries while the profile's are undecided: as far off as a remote place.
    remote |= (p.international & (p.n_destinations == 0))[:, None] & table.specific_reach
    names_channels = (p.channels.sum(axis=1) > 0)[:, None]
    elsewhere = table.through_marketplace & ((p.channels @ table.marketplace_only) == 0)
    return Signals(values=values, stack=stack, implied_needs=implied,
                   sector_mismatch=table.sector_mismatch[p.sector], remote=remote,
                   channel_mismatch=names_channels & elsewhere, doubtful=doubtful(p, table),
                   volume_unknown=np.asarray(np.isnan(p.parcels).all(axis=1)))


def doubtful(p: ProfileArrays, table: OfferingTable) -> np.ndarray:
    """(P, N): the profile is outside a limit of the offering that only a secondary source
    states, or a stricter figure some sources give, and inside every applied limit (unknown
    values are inside every limit: NaN compares False)."""
    low_weight, high_weight, high_value, low_parcels = table.doubtful_limits
    weight, value = p.weight[:, None], p.value[:, None]
    # Outside a stricter reported figure but inside the applied limit (outside that, a rule
    # excludes the offering and nothing is in doubt).
    out: np.ndarray = (((weight < low_weight) & ~(weight < table.min_weight))
                       | ((weight > high_weight) & ~(weight > table.max_weight))
                       | ((value > high_value) & ~(value > table.max_value))
                       | ((p.parcels < low_parcels) & ~(p.parcels < table.min_parcels)))
    return out
