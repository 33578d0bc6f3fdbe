"""Hard rules from each offering's constraints, as boolean masks over (profiles x offerings).

A rule that fails makes an offering not eligible and says why in plain words. Missing
prerequisites (IEC, GSTIN, a contract, ICEGATE ...) never exclude: they become next steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from catalog.countries import country_name
from catalog.schema import Offering
from catalog.vocab import STATES, Requirement
from matching.encoding import ProfileArrays
from matching.features import SEGMENTS, Bool, OfferingTable

RULES = (
    "status",
    "weight_high",
    "weight_low",
    "value",
    "domestic_only",
    "destinations",
    "region",
    "segment",
    "rural",
    "volume",
)


@dataclass(frozen=True)
class Eligibility:
    """Boolean (rules, P, N): True where a rule (in ``RULES`` order) excludes the offering."""

    fails: Bool

    @property
    def eligible(self) -> Bool:
        """(P, N): True where no rule excludes the offering."""
        out: Bool = np.asarray(~self.fails.any(axis=0), dtype=bool)
        return out


def check(table: OfferingTable, profiles: ProfileArrays) -> Eligibility:
    """Evaluate every rule for every (profile, offering) pair."""
    w = profiles.weight[:, None]
    international = table.international
    exports = (profiles.n_destinations > 0)[:, None]
    # Without a destination country, an enterprise that means to export has undecided
    # countries: international offerings stay eligible (DESIGN §4).
    abroad = profiles.international[:, None]
    size, business = profiles.segment_size, profiles.segment_business
    fails = np.empty((len(RULES), profiles.size, table.size), dtype=bool)
    rule = dict(zip(RULES, fails, strict=True))  # each rule's (P, N) view, written in place
    # NaN (unknown) weights, values and parcel counts compare False: no rule fails on them.
    rule["status"][:] = ~table.active
    np.greater(w, table.max_weight, out=rule["weight_high"])
    np.less(w, table.min_weight, out=rule["weight_low"])
    np.greater(profiles.value[:, None], table.max_value, out=rule["value"])
    np.logical_and(international, ~abroad, out=rule["domestic_only"])
    np.logical_and(international & exports, profiles.reached == 0, out=rule["destinations"])
    np.logical_not(table.regions[profiles.state], out=rule["region"])  # state -1: every state
    np.logical_not(
        table.any_segment | ((size < 0) & (business < 0))[:, None] | profiles.fits_segment,
        out=rule["segment"],
    )
    np.logical_and(table.rural_only, (profiles.rural == 0)[:, None], out=rule["rural"])
    np.less(profiles.parcels, table.min_parcels, out=rule["volume"])
    return Eligibility(fails=fails)


# pycountry's look-up costs microseconds; a not-eligible list can name the same countries often.
_country = cache(country_name)


def _kg(value: float) -> str:
    return f"{value:g} kg"


def _segments(offering: Offering) -> str:
    segments = offering.constraints.segments
    names = [s.value for s in segments] if segments != "all" else [s.value for s in SEGMENTS]
    return ", ".join(names)


# Rules whose reason below is worded from the offering alone (no profile value): the ranker
# writes these once per offering at fit. Keep in step with the branches of the function.
PROFILE_FREE_RULES = ("status", "domestic_only", "segment", "rural")


def not_eligible_reasons(
    offering: Offering, rules: list[str], *, weight: float, value: float,
    destinations: tuple[str, ...], state: int, parcels: float,
) -> list[str]:
    """Plain-language reasons for the rules that excluded ``offering`` for one profile."""
    c = offering.constraints
    reasons: list[str] = []
    for rule in rules:
        if rule == "status":
            since = f" since {offering.status_since.isoformat()}" if offering.status_since else ""
            replacement = _replacement(offering)
            reasons.append(f"{offering.status.value}{since}{replacement}")
        elif rule == "weight_high":
            reasons.append(
                f"typical parcel {_kg(weight)} is over the {_kg(c.max_weight_kg or 0)} limit"
            )
        elif rule == "weight_low":
            reasons.append(
                f"typical parcel {_kg(weight)} is under the {_kg(c.min_weight_kg or 0)} minimum"
            )
        elif rule == "value":
            reasons.append(
                f"typical value ₹{value:,.0f} is over the ₹{c.max_value_inr or 0:,.0f} limit"
            )
        elif rule == "domestic_only":
            reasons.append("for shipping abroad; the profile says nothing of exporting")
        elif rule == "destinations":
            names = ", ".join(_country(d) for d in destinations)
            reasons.append(f"does not reach {names}")
        elif rule == "region":
            where = STATES[state] if state >= 0 else "the profile's state"
            offered = ", ".join(c.regions) if c.regions != "all" else "all states"
            reasons.append(f"offered only in {offered}, not in {where}")
        elif rule == "segment":
            reasons.append(f"only for {_segments(offering)} enterprises")
        elif rule == "rural":
            reasons.append("only for people living in rural areas; the address is urban (as "
                           "stated, or a PIN code served by head and sub post offices)")
        elif rule == "volume":
            reasons.append(
                f"needs at least {c.min_monthly_parcels} parcels a month; the profile ships "
                f"{parcels:g}"
            )
    return reasons


def _replacement(offering: Offering) -> str:
    # The catalogue's next_step for a discontinued offering names what replaces it.
    if offering.next_step:
        return f"; {offering.next_step[0].lower()}{offering.next_step[1:]}"
    return ""


NEXT_STEPS: dict[Requirement, str] = {
    Requirement.IEC: (
        "Get an IEC (Importer-Exporter Code; it is your PAN): apply online on the DGFT website "
        "with form ANF-2A"
    ),
    Requirement.GSTIN: (
        "Register for GST to get a GSTIN: apply on the GST portal; the post office export "
        "centre or a facilitation officer can help"
    ),
    Requirement.UDYAM: "Register on the Udyam portal (free, online, with Aadhaar and PAN)",
    Requirement.PAN: "Have your PAN (or the firm's PAN) ready",
    Requirement.CONTRACT: (
        "Sign a contract with India Post: ask the business development desk of your head "
        "post office"
    ),
    Requirement.ICEGATE: (
        "Register on ICEGATE (the customs portal) and add the bank details used on the DNK "
        "portal"
    ),
    Requirement.AD_CODE: "Register your bank's AD (authorised dealer) code with Customs",
    Requirement.LUT: (
        "File a Letter of Undertaking (LUT) on the GST portal to export without paying IGST"
    ),
    Requirement.DNK_REGISTRATION: (
        "Register on the DNK portal and upload your KYC (IEC, GSTIN, AD code, LUT); the "
        "post office export centre helps"
    ),
    Requirement.IPPB_ACCOUNT: (
        "Open an India Post Payments Bank account at any post office or through the postman"
    ),
    Requirement.AADHAAR: "Have your Aadhaar ready",
    Requirement.MARKETPLACE_ACCOUNT: "Have a seller account on the marketplace",
    Requirement.GEM_REGISTRATION: (
        "Register as a seller on GeM (gem.gov.in); a Common Service Centre can help"
    ),
    Requirement.OCCUPATION_ELIGIBILITY: (
        "Check that your occupation is covered: ask at the post office counter"
    ),
    Requirement.STATE_REGISTRATION: (
        "Register with the state agency running the programme (ask its desk)"
    ),
}
