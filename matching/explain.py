"""Plain-language reasons, drawn from the signals that actually lifted an offering's score."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache

from catalog.countries import country_name
from catalog.schema import Offering
from catalog.vocab import Need, SalesChannel, Sector
from matching.features import _CHANNEL_INDEX, _NEED_INDEX, F64, I64, OfferingTable
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


def _cause(need: Need, p: EnterpriseProfile) -> str | None:
    """Why the profile's facts imply ``need`` (None when nothing the profile said implies it)."""
    channels = [c for c in p.sales_channels if c in _CHANNEL_NAMES]
    if need is Need.INTERNATIONAL_SHIPPING and p.destinations:
        return f"you ship to {_countries(p.destinations)}"
    if need is Need.EXPORT_DOCUMENTATION and p.destinations:
        if p.first_time_exporter:
            return "a first export needs its papers right (IEC, customs form, bill of export)"
        return "each commercial export needs a postal bill of export"
    if need is Need.CUSTOMS_CLEARANCE and p.destinations:
        return "goods sent abroad clear customs"
    if need is Need.TRAINING and p.first_time_exporter:
        return "you are exporting for the first time"
    if need is Need.EXPORT_INCENTIVES and p.destinations:
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
    return None


def reasons_for(
    offering: Offering,
    j: int,
    profile: EnterpriseProfile,
    contributions: Mapping[str, float],
    implied: Sequence[float],
    table: OfferingTable,
    query: tuple[I64, F64],
    location_text: str | None,
) -> list[str]:
    """Reasons for one recommended offering, strongest signal first."""
    reasons: list[str] = []
    strong = [(-c, s) for s, c in contributions.items() if c >= MIN_CONTRIBUTION]
    for _, signal in sorted(strong):
        if len(reasons) == MAX_SIGNAL_REASONS:
            break
        sentence = _sentence(signal, offering, j, profile, implied, table, query,
                             location_text)
        if sentence and sentence not in reasons:
            reasons.append(sentence)
    if location_text:
        reasons.append(location_text)
    if offering.caveats:
        reasons.extend(_caveats(offering, profile))
    if offering.constraints.rural_only and profile.rural is None:
        reasons.append("for people living in rural areas: confirm that yours is a rural address")
    if not reasons:
        served = ", ".join(need_words(f) for f in offering.features[:3])
        reasons.append(f"a general fit: it serves {served}")
    return reasons


def _sentence(
    signal: str, offering: Offering, j: int, p: EnterpriseProfile, implied: Sequence[float],
    table: OfferingTable, query: tuple[I64, F64], location_text: str | None,
) -> str | None:
    c = offering.constraints
    if signal == "needs":
        matched = [need_words(n) for n in p.needs if n in offering.features]
        return f"serves what you asked for: {', '.join(matched)}" if matched else None
    if signal == "implied":
        causes = []
        for need in offering.features:
            if implied[_NEED_INDEX[need]] > 0 and need not in p.needs:
                cause = _cause(need, p)
                if cause and cause not in causes:
                    causes.append(cause)
        return f"{'; '.join(causes[:2])}: it handles that" if causes else None
    if signal == "text":
        terms = table.text.overlap_terms(query[0], query[1], j)
        return f"matches how you describe your business: {', '.join(terms)}" if terms else None
    if signal == "sector" and offering.sectors != "all":
        return f"made for {Sector(p.sector).value.replace('_', ' ')} businesses"
    if signal == "channel":
        names = _channel_names(p, table, j)
        return f"works with where you sell: {', '.join(names)}" if names else None
    if signal == "destination":
        reached = _reached(offering, p)
        if c.destinations != "all":
            return f"made for shipments to {_countries(reached)}"
        return f"reaches your destinations: {_countries(reached)}"
    if signal == "weight" and p.typical_weight_kg is not None:
        abroad = c.scope == "international"
        count = p.monthly_international_parcels if abroad else p.monthly_domestic_parcels
        lead = (f"{_parcels(count, 'abroad' if abroad else 'within India')}, "
                f"{p.typical_weight_kg:g} kg typical")
        if c.max_weight_kg is not None:
            return f"{lead}: under the {c.max_weight_kg:g} kg limit"
        if c.min_weight_kg is not None:
            return f"{lead}: over the {c.min_weight_kg:g} kg minimum it is built for"
        return None
    if signal == "volume":
        count = (p.monthly_international_parcels if c.scope == "international"
                 else max(p.monthly_domestic_parcels or 0, p.monthly_international_parcels or 0))
        if not count:
            return None
        if table.contract[j]:
            return f"{count} parcels a month: enough regular volume for a contract"
        return f"{count} parcels a month: book at the counter without a contract"
    return None  # "distance": the place sentence is always added by reasons_for


def _channel_names(p: EnterpriseProfile, table: OfferingTable, j: int) -> list[str]:
    return [
        _CHANNEL_NAMES[ch] for ch in p.sales_channels
        if table.channel_affinity[_CHANNEL_INDEX[ch], j] > 0
    ]


def _reached(offering: Offering, p: EnterpriseProfile) -> tuple[str, ...]:
    dest = offering.constraints.destinations
    return p.destinations if dest == "all" else tuple(d for d in p.destinations if d in dest)


def _caveats(offering: Offering, p: EnterpriseProfile) -> list[str]:
    out = []
    for caveat in offering.caveats:
        hit = [d for d in caveat.destinations if d in p.destinations]
        if hit:
            out.append(f"{_countries(tuple(hit))}: {caveat.text}")
    return out

