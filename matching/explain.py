"""Plain-language reasons, drawn from the signals that actually lifted an offering's score.

What depends on the offering alone (which signals can give it a sentence, its limits, its
caveats, its fallback sentence) is prepared once per catalogue (``OfferingNotes``); what depends
on the profile alone (its channels, its sector, its query terms) once per ranking
(``ProfileFacts``). The sentences are the same as worked out from scratch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from catalog.countries import country_name
from catalog.schema import Offering
from catalog.vocab import Need, SalesChannel, Sector
from matching.features import CHANNEL_INDEX, CHANNELS, NEEDS, OfferingTable
from matching.intent import read_intent
from matching.profile import EnterpriseProfile

MIN_CONTRIBUTION = 0.015  # weighted signal value below which a signal is not worth a sentence
MAX_SIGNAL_REASONS = 4  # strongest signals stated; caveats and conditions always follow

_CHANNEL_NAMES = {
    SalesChannel.OWN_SHOP: "your own shop",
    SalesChannel.OWN_WEBSITE: "your own website",
    SalesChannel.AMAZON: "Amazon",
    SalesChannel.FLIPKART: "Flipkart",
    SalesChannel.ETSY: "Etsy",
    SalesChannel.MEESHO: "Meesho",
    SalesChannel.GEM: "GeM",
    SalesChannel.ONDC: "ONDC",
    SalesChannel.SOCIAL_MEDIA: "social media",
    SalesChannel.EXHIBITIONS: "exhibitions",
    SalesChannel.B2B_BUYERS: "business buyers",
}


_NEED_WORDS = {need: need.value.replace("_", " ") for need in Need}


def need_words(need: Need) -> str:
    """A need as words ("export documentation")."""
    return _NEED_WORDS[need]


@cache
def _country(code: str) -> str:
    return country_name(code)


def _countries(codes: tuple[str, ...], limit: int = 3) -> str:
    names = [_country(c) for c in codes[:limit]]
    more = len(codes) - limit
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


def _parcels(count: int | None, where: str) -> str:
    return f"ships {count} parcels a month {where}" if count else f"ships {where}"


def _cause(need: Need, f: ProfileFacts) -> str | None:
    """Why the profile's facts imply ``need`` (None when nothing the profile said implies it)."""
    p, channels, destinations = f.profile, f.channels, f.destinations
    if need is Need.INTERNATIONAL_SHIPPING and destinations:
        return f"you ship to {_countries(destinations)}"
    if need is Need.EXPORT_DOCUMENTATION and destinations:
        if p.first_time_exporter:
            return "a first export needs its papers right (IEC, customs form, bill of export)"
        return "each commercial export needs a postal bill of export"
    if need is Need.CUSTOMS_CLEARANCE and destinations:
        return "goods sent abroad clear customs"
    if need is Need.TRAINING and p.first_time_exporter:
        return "you are exporting for the first time"
    if need is Need.EXPORT_INCENTIVES and destinations:
        return f"{_parcels(p.monthly_international_parcels, 'abroad')}: export benefits add up"
    if need is Need.DOMESTIC_SHIPPING and p.monthly_domestic_parcels:
        return f"you send {p.monthly_domestic_parcels} parcels a month within India"
    if need is Need.BULK_FREIGHT and p.typical_weight_kg:
        monthly = (p.monthly_domestic_parcels or 0) * p.typical_weight_kg
        if p.typical_weight_kg >= 20:
            return f"your typical consignment of {p.typical_weight_kg:g} kg is freight-sized"
        return f"about {monthly:,.0f} kg a month within India is freight-sized"
    if need is Need.GOVERNMENT_PROCUREMENT and SalesChannel.GEM in channels:
        return "you sell to government buyers on GeM"
    if need in (Need.MARKETPLACE_INTEGRATION, Need.CASH_ON_DELIVERY) and channels:
        online = [_CHANNEL_NAMES[c] for c in channels if c not in (
            SalesChannel.OWN_SHOP, SalesChannel.EXHIBITIONS, SalesChannel.B2B_BUYERS,
            SalesChannel.GEM)]
        if online:
            return f"you sell online ({', '.join(online)})"
    if need is Need.MARKET_ACCESS and channels:
        return "you sell at exhibitions or to business buyers"
    if need is Need.DIGITAL_PAYMENTS and SalesChannel.OWN_SHOP in channels:
        return "you sell from your own shop"
    if need is Need.SHIPMENT_INSURANCE and p.typical_value_inr:
        return f"a typical consignment is worth ₹{p.typical_value_inr:,.0f}"
    if need is Need.PICKUP and p.monthly_domestic_parcels:
        return f"{p.monthly_domestic_parcels} parcels a month are worth a pickup"
    return _written(need, f)


_EXPORT_NEEDS = frozenset({Need.INTERNATIONAL_SHIPPING, Need.CUSTOMS_CLEARANCE,
                           Need.EXPORT_DOCUMENTATION})


def _written(need: Need, f: ProfileFacts) -> str | None:
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
        return "you want to export: no country chosen yet"
    return f"you wrote \u201c{words}\u201d" if words else None


# Signals that never give a sentence of their own ("distance": the place sentence is always
# added by finish_reasons; "segment" and "prerequisites" are said by the rules and next steps).
_SILENT = frozenset({"segment", "distance", "prerequisites"})


@dataclass(frozen=True)
class OfferingNotes:
    """What the reasons of one offering need from it alone, prepared once per catalogue."""

    offering: Offering
    j: int  # its row in the table
    features: tuple[Need, ...]  # in the offering's order
    speaks: frozenset[str]  # the signals that can give it a sentence (for some profile)
    channels: frozenset[SalesChannel]  # the sales channels it works with
    destinations: frozenset[str] | None  # the countries it is made for (None: all)
    international: bool
    weight_limit: str | None  # the tail of the weight sentence (None: no weight limit)
    contract: bool
    general: str  # the sentence when nothing else is said
    conditional: bool  # it has caveats or is for rural areas only (said after the signals)

    @classmethod
    def build(cls, offering: Offering, j: int, table: OfferingTable) -> OfferingNotes:
        """The notes of ``offering``, row ``j`` of ``table``."""
        c = offering.constraints
        channels = frozenset(ch for ch in CHANNELS
                             if table.channel_affinity[CHANNEL_INDEX[ch], j] > 0)
        if c.max_weight_kg is not None:
            weight_limit: str | None = f": under the {c.max_weight_kg:g} kg limit"
        elif c.min_weight_kg is not None:
            weight_limit = f": over the {c.min_weight_kg:g} kg minimum it is built for"
        else:
            weight_limit = None
        cannot = set(_SILENT)
        if offering.sectors == "all":
            cannot.add("sector")
        if not channels:
            cannot.add("channel")
        if weight_limit is None:
            cannot.add("weight")
        return cls(
            offering=offering, j=j, features=tuple(offering.features),
            speaks=frozenset(SENTENCES) - cannot, channels=channels,
            destinations=None if c.destinations == "all" else frozenset(c.destinations),
            international=c.scope == "international", weight_limit=weight_limit,
            contract=bool(table.contract[j]),
            conditional=bool(offering.caveats) or offering.constraints.rural_only,
            general="a general fit: it serves "
            + ", ".join(need_words(f) for f in offering.features[:3]),
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
        # destinations (as ``encoding.with_intent`` does for the scores).
        self.intent = intent = read_intent(profile.products)
        stated = profile.sales_channels
        self.channels = [c for c in (*stated, *[c for c in intent.channels if c not in stated])
                         if c in _CHANNEL_NAMES]
        self.destinations = profile.destinations or intent.destinations
        self.rural_place = rural_place  # the PIN code is rural, when the profile does not say
        self.table = table
        self._query: list[tuple[int, float]] | None = None
        self._implied = implied  # strength of each need implied by the facts, in NEEDS order
        self._causes: dict[Need, str] | None = None
        self._reaches: str | None = None

    def causes(self) -> dict[Need, str]:
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

    def reaches(self) -> str:
        """The destination sentence of the offerings that reach every country."""
        if self._reaches is None:
            self._reaches = (f"reaches your destinations: {_countries(self.destinations)}"
                             if self.destinations else
                             "reaches most countries: choose yours later")
        return self._reaches

    def query(self) -> list[tuple[int, float]]:
        """The products' terms. Reasons name only the words the enterprise wrote, not the
        needs it ticked."""
        if self._query is None:
            self._query = self.table.text.query_terms(self.profile.products)
        return self._query


# The sentence of a signal for an offering and a profile (None: nothing worth saying).
Sentence = Callable[[OfferingNotes, ProfileFacts], str | None]


def finish_reasons(
    reasons: list[str], notes: OfferingNotes, facts: ProfileFacts, location_text: str | None,
) -> list[str]:
    """Reasons for one recommended offering: ``reasons``, the sentences of the signals strong
    enough to state (among ``notes.speaks``; see ``SENTENCES``), strongest first, at most
    ``MAX_SIGNAL_REASONS`` and no two alike, followed by the place, the caveats that concern
    the profile's destinations and the rural condition; the offering's general sentence when
    nothing else is said."""
    if location_text:
        reasons.append(location_text)
    if notes.conditional:
        p = facts.profile
        offering = notes.offering
        if offering.caveats and facts.destinations:
            for caveat in offering.caveats:
                hit = tuple([d for d in caveat.destinations if d in facts.destinations])
                if hit:
                    reasons.append(f"{_countries(hit)}: {caveat.text}")
        if offering.constraints.rural_only and p.rural is None:
            reasons.append(
                "for people living in rural areas: your PIN code is served mainly by branch "
                "(village) post offices" if facts.rural_place else
                "for people living in rural areas: confirm that yours is a rural address")
    if not reasons:
        reasons.append(notes.general)
    return reasons


def _needs(n: OfferingNotes, f: ProfileFacts) -> str | None:
    matched = [_NEED_WORDS[need] for need in f.profile.needs if need in n.features]
    return f"serves what you asked for: {', '.join(matched)}" if matched else None


def _implied(n: OfferingNotes, f: ProfileFacts) -> str | None:
    implied = f.causes()
    if not implied:
        return None
    first = None  # the first two different causes of the offering's needs, in its order
    for need in n.features:
        cause = implied.get(need)
        if cause is None or cause == first:
            continue
        if first is not None:
            return f"{first}; {cause}: it handles that"
        first = cause
    return f"{first}: it handles that" if first is not None else None


def _text(n: OfferingNotes, f: ProfileFacts) -> str | None:
    query = f.query()
    terms = f.table.text.shared_terms(query, n.j) if query else None
    return f"matches how you describe your business: {', '.join(terms)}" if terms else None


def _sector(n: OfferingNotes, f: ProfileFacts) -> str | None:
    return f"made for {Sector(f.profile.sector).value.replace('_', ' ')} businesses"


def _channel(n: OfferingNotes, f: ProfileFacts) -> str | None:
    names = [_CHANNEL_NAMES[ch] for ch in f.channels if ch in n.channels]
    return f"works with where you sell: {', '.join(names)}" if names else None


def _destination(n: OfferingNotes, f: ProfileFacts) -> str | None:
    if n.destinations is None:
        return f.reaches()
    made_for = n.destinations
    mine = tuple([d for d in f.destinations if d in made_for])
    return f"made for shipments to {_countries(mine)}" if mine else None


def _weight(n: OfferingNotes, f: ProfileFacts) -> str | None:
    p = f.profile
    if p.typical_weight_kg is None or n.weight_limit is None:
        return None
    count = p.monthly_international_parcels if n.international else p.monthly_domestic_parcels
    where = "abroad" if n.international else "within India"
    return f"{_parcels(count, where)}, {p.typical_weight_kg:g} kg typical{n.weight_limit}"


def _volume(n: OfferingNotes, f: ProfileFacts) -> str | None:
    p = f.profile
    count = (p.monthly_international_parcels if n.international
             else max(p.monthly_domestic_parcels or 0, p.monthly_international_parcels or 0))
    if not count:
        return None
    if n.contract:
        return f"{count} parcels a month: enough regular volume for a contract"
    return f"{count} parcels a month: book at the counter without a contract"


# The sentence of each signal that can have one (see ``_SILENT`` for the others).
SENTENCES: dict[str, Sentence] = {
    "needs": _needs,
    "implied": _implied,
    "text": _text,
    "sector": _sector,
    "channel": _channel,
    "destination": _destination,
    "weight": _weight,
    "volume": _volume,
}
