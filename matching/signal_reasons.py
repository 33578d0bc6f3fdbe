"""Reasons (codes with parameters, ``matching.reasons``), drawn from the signals that actually
lifted an offering's score.

What depends on the offering alone (which signals can give it a reason, its limits, its
caveats, its fallback reason) is prepared once per catalogue (``OfferingNotes``); what depends
on the profile alone (its channels, its sector, its query terms) once per ranking
(``ProfileFacts``). The reasons are the same as worked out from scratch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from catalog.schema import Offering
from catalog.vocab import Need, SalesChannel, Sector
from matching.eligibility import doubt_reasons
from matching.features import CHANNEL_INDEX, CHANNELS, NEEDS, OfferingTable
from matching.intent import read_intent
from matching.profile import EnterpriseProfile
from matching.reasons import Reason, reason

MIN_CONTRIBUTION = 0.015  # weighted signal value below which a signal is not worth a reason
MAX_SIGNAL_REASONS = 4  # strongest signals stated; caveats and conditions always follow

# The sales channels a reason can name (every one of the vocabulary).
_NAMED_CHANNELS = frozenset(SalesChannel)
# Channels that are not online shops (``sells_online`` names the others).
_OFFLINE = frozenset({SalesChannel.OWN_SHOP, SalesChannel.EXHIBITIONS, SalesChannel.B2B_BUYERS,
                      SalesChannel.GEM})


def _cause(need: Need, f: ProfileFacts) -> Reason | None:
    """Why the profile's facts imply ``need`` (None when nothing the profile said implies it)."""
    p, channels, destinations = f.profile, f.channels, f.destinations
    if need is Need.INTERNATIONAL_SHIPPING and destinations:
        return Reason("ships_to", (("countries", tuple(destinations)),))
    if need is Need.EXPORT_DOCUMENTATION and destinations:
        return Reason("first_export_papers" if p.first_time_exporter else "export_bill")
    if need is Need.CUSTOMS_CLEARANCE and destinations:
        return Reason("customs")
    if need is Need.TRAINING and p.first_time_exporter:
        return Reason("first_export")
    if need is Need.EXPORT_INCENTIVES and destinations:
        return Reason("export_benefits", (("parcels", p.monthly_international_parcels or None),))
    if need is Need.DOMESTIC_SHIPPING and p.monthly_domestic_parcels:
        return Reason("domestic_parcels", (("parcels", p.monthly_domestic_parcels),))
    if need is Need.BULK_FREIGHT and p.typical_weight_kg:
        if p.typical_weight_kg >= 20:
            return Reason("freight_consignment", (("weight_kg", p.typical_weight_kg),))
        monthly = (p.monthly_domestic_parcels or 0) * p.typical_weight_kg
        return Reason("freight_monthly", (("kg_month", monthly),))
    if need is Need.GOVERNMENT_PROCUREMENT and SalesChannel.GEM in channels:
        return Reason("sells_on_gem")
    if need in (Need.MARKETPLACE_INTEGRATION, Need.CASH_ON_DELIVERY) and channels:
        online = tuple([c.value for c in channels if c not in _OFFLINE])
        if online:
            return Reason("sells_online", (("channels", online),))
    if need is Need.MARKET_ACCESS and channels:
        return Reason("sells_to_businesses")
    if need is Need.DIGITAL_PAYMENTS and SalesChannel.OWN_SHOP in channels:
        return Reason("own_shop")
    if need is Need.SHIPMENT_INSURANCE and p.typical_value_inr:
        return Reason("consignment_value", (("value_inr", p.typical_value_inr),))
    if need is Need.PICKUP and p.monthly_domestic_parcels:
        return Reason("pickup_volume", (("parcels", p.monthly_domestic_parcels),))
    return _written(need, f)


_EXPORT_NEEDS = frozenset({Need.INTERNATIONAL_SHIPPING, Need.CUSTOMS_CLEARANCE,
                           Need.EXPORT_DOCUMENTATION})


def _written(need: Need, f: ProfileFacts) -> Reason | None:
    """Why the products text implies ``need``: the words it is said in (None: not said)."""
    intent = f.intent
    words = intent.said(need.value)
    if words is None and need in _EXPORT_NEEDS and intent.international:
        words = intent.said("export")
    if words is None and need is Need.DOMESTIC_SHIPPING:
        words = intent.said("sends")
    if words is None and need in (Need.EXPORT_DOCUMENTATION, Need.TRAINING):
        words = intent.said("first_export")
    if words is None and need is Need.INTERNATIONAL_SHIPPING and (
            f.profile.needs or f.profile.first_time_exporter):
        return Reason("export_undecided")
    return Reason("wrote", (("words", words),)) if words else None


# Signals that never give a reason of their own ("distance": the place reason is always
# added by finish_reasons; "segment" and "prerequisites" are said by the rules and next steps).
_SILENT = frozenset({"segment", "distance", "prerequisites"})


@dataclass(frozen=True)
class OfferingNotes:
    """What the reasons of one offering need from it alone, prepared once per catalogue."""

    offering: Offering
    j: int  # its row in the table
    features: tuple[Need, ...]  # in the offering's order
    speaks: frozenset[str]  # the signals that can give it a reason (for some profile)
    channels: frozenset[SalesChannel]  # the sales channels it works with
    destinations: frozenset[str] | None  # the countries it is made for (None: all)
    international: bool
    # The weight reason's code and the limit it names (None: no weight limit).
    weight_limit: tuple[str, str, float] | None
    contract: bool
    general: Reason  # the reason when nothing else is said
    conditional: bool  # it has caveats or is for rural areas only (said after the signals)

    @classmethod
    def build(cls, offering: Offering, j: int, table: OfferingTable) -> OfferingNotes:
        """The notes of ``offering``, row ``j`` of ``table``."""
        c = offering.constraints
        channels = frozenset(ch for ch in CHANNELS
                             if table.channel_affinity[CHANNEL_INDEX[ch], j] > 0)
        weight_limit: tuple[str, str, float] | None = None
        if c.max_weight_kg is not None:
            weight_limit = ("weight_within_limit", "max_kg", c.max_weight_kg)
        elif c.min_weight_kg is not None:
            weight_limit = ("weight_over_minimum", "min_kg", c.min_weight_kg)
        cannot = set(_SILENT)
        if offering.sectors == "all":
            cannot.add("sector")
        if not channels:
            cannot.add("channel")
        if weight_limit is None:
            cannot.add("weight")
        return cls(
            offering=offering, j=j, features=tuple(offering.features),
            speaks=frozenset(REASONS) - cannot, channels=channels,
            destinations=None if c.destinations == "all" else frozenset(c.destinations),
            international=c.scope == "international", weight_limit=weight_limit,
            contract=bool(table.contract[j]),
            conditional=(bool(offering.caveats) or offering.constraints.rural_only
                         or bool(offering.constraints.unconfirmed)
                         or bool(offering.constraints.stricter_reported)),
            general=reason("general_fit", needs=[f.value for f in offering.features[:3]]),
        )


class ProfileFacts:
    """What the reasons need from one profile alone, each worked out at most once per ranking
    (and only when a reason needs it)."""

    def __init__(
        self, profile: EnterpriseProfile, implied: list[float], table: OfferingTable,
        rural_place: bool | None = None,
    ) -> None:
        self.profile = profile
        # What the products text says completes the channels and, when none is stated, the
        # destinations (as ``encoding.encode_profiles`` does for the scores).
        self.intent = intent = read_intent(profile.products)
        stated = profile.sales_channels
        self.channels = [c for c in (*stated, *[c for c in intent.channels if c not in stated])
                         if c in _NAMED_CHANNELS]
        self.destinations = profile.destinations or intent.destinations
        self.rural_place = rural_place  # the PIN code is rural, when the profile does not say
        self.table = table
        self._query: list[tuple[int, float]] | None = None
        self._implied = implied  # strength of each need implied by the facts, in NEEDS order
        self._causes: dict[Need, Reason] | None = None
        self._reaches: Reason | None = None

    def causes(self) -> dict[Need, Reason]:
        """Why the facts imply each need they imply and the profile did not tick (only the
        needs for which something the profile said says why)."""
        if self._causes is None:
            ticked = self.profile.needs
            self._causes = {
                need: cause
                for need, strength in zip(NEEDS, self._implied, strict=True)
                if strength > 0 and need not in ticked and (cause := _cause(need, self))
            }
        return self._causes

    def reaches(self) -> Reason:
        """The destination reason of the offerings that reach every country."""
        if self._reaches is None:
            self._reaches = (
                Reason("reaches_destinations", (("countries", tuple(self.destinations)),))
                if self.destinations else Reason("reaches_most_countries"))
        return self._reaches

    def query(self) -> list[tuple[int, float]]:
        """The products' terms. Reasons name only the words the enterprise wrote, not the
        needs it ticked."""
        if self._query is None:
            self._query = self.table.text.query_terms(self.profile.products)
        return self._query


# The reason of a signal for an offering and a profile (None: nothing worth saying).
SignalReason = Callable[[OfferingNotes, ProfileFacts], Reason | None]


def finish_reasons(
    reasons: list[Reason], notes: OfferingNotes, facts: ProfileFacts, place: Reason | None,
) -> list[Reason]:
    """Reasons for one recommended offering: ``reasons``, those of the signals strong enough
    to state (among ``notes.speaks``; see ``REASONS``), strongest first, at most
    ``MAX_SIGNAL_REASONS`` and no two alike, followed by the place, the caveats that concern
    the profile's destinations and the rural condition; the offering's general reason when
    nothing else is said."""
    if place is not None:
        reasons.append(place)
    if notes.conditional:
        p = facts.profile
        offering = notes.offering
        if offering.caveats and facts.destinations:
            for index, caveat in enumerate(offering.caveats):
                hit = tuple([d for d in caveat.destinations if d in facts.destinations])
                if hit:
                    reasons.append(Reason("caveat", (("offering", offering.id),
                                                     ("caveat", index), ("countries", hit))))
        if offering.constraints.unconfirmed or offering.constraints.stricter_reported:
            reasons.extend(doubt_reasons(
                offering, weight=p.typical_weight_kg, value=p.typical_value_inr,
                domestic_parcels=p.monthly_domestic_parcels,
                international_parcels=p.monthly_international_parcels))
        if offering.constraints.rural_only and p.rural is None:
            reasons.append(Reason("rural_by_pin" if facts.rural_place else "rural_unconfirmed"))
    if not reasons:
        reasons.append(notes.general)
    return reasons


def _needs(n: OfferingNotes, f: ProfileFacts) -> Reason | None:
    matched = tuple([need.value for need in f.profile.needs if need in n.features])
    return Reason("need_served", (("needs", matched),)) if matched else None


def _implied(n: OfferingNotes, f: ProfileFacts) -> Reason | None:
    implied = f.causes()
    if not implied:
        return None
    first = None  # the first two different causes of the offering's needs, in its order
    for need in n.features:
        cause = implied.get(need)
        if cause is None or cause == first:
            continue
        if first is not None:
            return Reason("needs_implied", (("causes", (first, cause)),))
        first = cause
    return Reason("needs_implied", (("causes", (first,)),)) if first is not None else None


def _text(n: OfferingNotes, f: ProfileFacts) -> Reason | None:
    query = f.query()
    terms = f.table.text.shared_terms(query, n.j) if query else None
    return Reason("text_match", (("words", tuple(terms)),)) if terms else None


def _sector(n: OfferingNotes, f: ProfileFacts) -> Reason | None:
    return Reason("sector_fit", (("sector", Sector(f.profile.sector).value),))


def _channel(n: OfferingNotes, f: ProfileFacts) -> Reason | None:
    names = tuple([ch.value for ch in f.channels if ch in n.channels])
    return Reason("channel_fit", (("channels", names),)) if names else None


def _destination(n: OfferingNotes, f: ProfileFacts) -> Reason | None:
    if n.destinations is None:
        return f.reaches()
    made_for = n.destinations
    mine = tuple([d for d in f.destinations if d in made_for])
    return Reason("made_for_destinations", (("countries", mine),)) if mine else None


def _weight(n: OfferingNotes, f: ProfileFacts) -> Reason | None:
    p = f.profile
    if p.typical_weight_kg is None or n.weight_limit is None:
        return None
    count = p.monthly_international_parcels if n.international else p.monthly_domestic_parcels
    code, limit_name, limit = n.weight_limit
    return Reason(code, (("scope", "international" if n.international else "domestic"),
                         ("parcels", count or None), ("weight_kg", p.typical_weight_kg),
                         (limit_name, limit)))


def _volume(n: OfferingNotes, f: ProfileFacts) -> Reason | None:
    p = f.profile
    count = (p.monthly_international_parcels if n.international
             else max(p.monthly_domestic_parcels or 0, p.monthly_international_parcels or 0))
    if not count:
        return None
    return Reason("volume_contract" if n.contract else "volume_counter", (("parcels", count),))


# The reason of each signal that can have one (see ``_SILENT`` for the others).
REASONS: dict[str, SignalReason] = {
    "needs": _needs,
    "implied": _implied,
    "text": _text,
    "sector": _sector,
    "channel": _channel,
    "destination": _destination,
    "weight": _weight,
    "volume": _volume,
}
