"""Hard rules from each offering's constraints, as boolean masks over (profiles x offerings).

A rule that fails makes an offering not eligible and says why (a reason code with its
parameters). Missing prerequisites (IEC, GSTIN, a contract, ICEGATE ...) never exclude: they
become next steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from catalog.schema import Offering
from catalog.vocab import STATES, Requirement
from matching.encoding import ProfileArrays
from matching.features import SEGMENTS, Bool, OfferingTable
from matching.reasons import Reason, prerequisite

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
    "documents",
    "advertising",
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
    # Excluded only by what the profile says: an offering for micro and small enterprises stays
    # eligible for an artisan of unknown size, one for artisans for a small firm of unknown kind.
    np.logical_not(
        table.any_segment | profiles.fits_segment
        | ((size < 0)[:, None] & table.names_size)
        | ((business < 0)[:, None] & table.names_business),
        out=rule["segment"],
    )
    np.logical_and(table.rural_only, (profiles.rural == 0)[:, None], out=rule["rural"])
    np.less(profiles.parcels, table.min_parcels, out=rule["volume"])
    # A service that carries only papers, or only advertising mail, is for those who send them.
    np.logical_and(table.documents_only, ~profiles.sends_papers[:, None], out=rule["documents"])
    np.logical_and(table.advertising_only, ~profiles.advertises[:, None],
                   out=rule["advertising"])
    return Eligibility(fails=fails)


def _segments(offering: Offering) -> tuple[str, ...]:
    segments = offering.constraints.segments
    return tuple(s.value for s in (SEGMENTS if segments == "all" else segments))


# Rules whose reason below is worded from the offering alone (no profile value): the ranker
# builds these once per offering at fit. Keep in step with the branches of the function.
PROFILE_FREE_RULES = ("status", "domestic_only", "segment", "rural", "documents", "advertising")


def not_eligible_reasons(
    offering: Offering, rules: list[str], *, weight: float, value: float,
    destinations: tuple[str, ...], state: int, parcels: float,
) -> list[Reason]:
    """The reasons (``matching.reasons.NOT_ELIGIBLE_CODES``) of the rules that excluded
    ``offering`` for one profile."""
    c = offering.constraints
    reasons: list[Reason] = []
    for rule in rules:
        if rule == "status":
            since = offering.status_since.isoformat() if offering.status_since else None
            # The catalogue's next_step for a discontinued offering names what replaces it.
            reasons.append(Reason("discontinued", (("since", since), ("offering", offering.id))))
        elif rule == "weight_high":
            reasons.append(Reason("over_max_weight", (("weight_kg", weight),
                                                      ("max_kg", c.max_weight_kg or 0))))
        elif rule == "weight_low":
            reasons.append(Reason("under_min_weight", (("weight_kg", weight),
                                                       ("min_kg", c.min_weight_kg or 0))))
        elif rule == "value":
            reasons.append(Reason("over_max_value", (("value_inr", value),
                                                     ("max_inr", c.max_value_inr or 0))))
        elif rule == "domestic_only":
            reasons.append(Reason("no_export_intent"))
        elif rule == "destinations":
            reasons.append(Reason("destinations_not_reached",
                                  (("countries", tuple(destinations)),)))
        elif rule == "region":
            reasons.append(Reason("region_not_served", (
                ("regions", tuple(c.regions) if c.regions != "all" else ()),
                ("state", STATES[state] if state >= 0 else None),
            )))
        elif rule == "segment":
            reasons.append(Reason("segment_only", (("segments", _segments(offering)),)))
        elif rule == "rural":
            reasons.append(Reason("rural_only"))
        elif rule == "volume":
            reasons.append(Reason("under_min_volume", (("min_parcels", c.min_monthly_parcels),
                                                       ("parcels", parcels))))
        elif rule == "documents":
            reasons.append(Reason("documents_only"))
        elif rule == "advertising":
            reasons.append(Reason("advertising_only"))
    return reasons


def doubt_reasons(
    offering: Offering, *, weight: float | None, value: float | None,
    domestic_parcels: int | None, international_parcels: int | None,
) -> list[Reason]:
    """The ``unconfirmed_limit`` reasons of the limits only a secondary source states, or the
    stricter figures some sources give (``stricter_reported``), that the profile is outside
    (as ``signals.doubtful``): said, never applied."""
    c = offering.constraints
    parcels = (international_parcels if c.scope == "international"
               else max(domestic_parcels or 0, international_parcels or 0)
               if domestic_parcels is not None or international_parcels is not None else None)
    given = {"min_weight_kg": weight, "max_weight_kg": weight, "max_value_inr": value,
             "min_monthly_parcels": parcels}
    out = []
    for name in (*c.unconfirmed, *c.stricter_reported):
        limit, mine = c.doubtful_limit(name), given[name]
        if mine is None or limit is None:
            continue
        over = name.startswith("max_")
        if (mine > limit) if over else (mine < limit):
            out.append(Reason("unconfirmed_limit", (("limit", name), ("limit_value", limit),
                                                    ("value", mine))))
    return out


NEXT_STEPS: dict[Requirement, Reason] = {r: prerequisite(r) for r in Requirement}
