"""Reasons are data: every rule and signal says why with a code of ``matching.reasons.CODES``
and exactly that code's parameters (plain JSON values); no sentence is written here."""

from __future__ import annotations

import json
from typing import Any

from matching_factories import make_profile, offering, synthetic_catalog

from catalog import Geography
from catalog.vocab import Requirement
from matching import Ranker, Reason, parse_profile
from matching.eligibility import NEXT_STEPS
from matching.judged import load_sets
from matching.reasons import (
    ASK_CODES,
    CAUSE_CODES,
    CODES,
    PREREQUISITE_CODES,
    prerequisite,
    reason,
)


def _walk(item: Reason, seen: dict[str, Reason]) -> None:
    assert item.code in CODES, item
    assert tuple(name for name, _ in item.params) == CODES[item.code], item
    seen.setdefault(item.code, item)
    for _, value in item.params:
        if isinstance(value, tuple):
            for inner in value:
                if isinstance(inner, Reason):
                    assert inner.code in CAUSE_CODES, inner
                    _walk(inner, seen)


def _emitted(ranker: Ranker, geography: Geography, profiles: list[dict[str, Any]]
             ) -> dict[str, Reason]:
    seen: dict[str, Reason] = {}
    for body in profiles:
        ranking = ranker.rank(parse_profile(body, geography), k=50)
        for r in ranking.recommendations:
            for item in (*r.reasons, *r.prerequisites):
                _walk(item, seen)
        for n in ranking.not_eligible:
            assert n.reasons
            for item in n.reasons:
                _walk(item, seen)
        for question in ranking.ask:
            _walk(Reason(question.code), seen)
    return seen


def test_the_judged_profiles_meet_every_code(
    full_ranker: Ranker, full_geography: Geography
) -> None:
    """Every rule and signal, on the real catalogue, speaks through its code (the judged
    profiles and one GeM seller reach all but the rules and steps no real offering has)."""
    profiles = [j.profile for judged in load_sets().values() for j in judged]
    profiles += [
        {"pincode": "302001", "sector": "handicrafts", "sales_channels": ["gem"]},
        # an export need without a country; export words; a village PIN code
        {"pincode": "302001", "sector": "handicrafts", "needs": ["export_documentation"],
         "first_time_exporter": True},
        {"pincode": "110020", "sector": "apparel", "products": "t-shirts for export to Europe"},
        {"pincode": "283102", "sector": "agri_produce", "products": "jeevan bima chahiye"},
    ]
    seen = _emitted(full_ranker, full_geography, profiles)
    # No real offering has a volume minimum or asks for LUT or Udyam first; with the whole
    # directory every PIN code is known rural or urban; without countries the destination
    # signal is 0, so its "choose yours later" is not said (judged loads of 35-100 kg hear of
    # Rail Post's doubtful 100 kg floor: ``unconfirmed_limit``); every offering restricted to
    # segments names all three size classes, and an unknown size never excludes, so none is
    # "only for" some segments. Questions depend on the profiles.
    unused = {"under_min_volume", "requires_lut", "requires_udyam", "rural_unconfirmed",
              "reaches_most_countries", "segment_only"}
    assert set(CODES) - set(seen) - set(ASK_CODES) == unused
    assert {code for code in seen if code.startswith("ask_")} <= set(ASK_CODES)
    for item in seen.values():  # JSON round trip: the API's reason_codes read back
        assert Reason.from_json(json.loads(json.dumps(item.as_json()))) == item


def test_the_volume_rule_has_its_code(geography: Geography) -> None:
    catalog = synthetic_catalog(offering(), offering(id="bulk-contract", name="Bulk contract",
                                                     constraints={"min_monthly_parcels": 50}))
    ranking = Ranker().fit(catalog, geography).rank(
        make_profile(monthly_international_parcels=None, monthly_domestic_parcels=10), k=5)
    excluded = {n.offering_id: n.reasons for n in ranking.not_eligible}
    assert excluded["bulk-contract"] == (
        reason("under_min_volume", min_parcels=50, parcels=10.0),)


def test_an_unconfirmed_volume_minimum_is_said_not_applied(geography: Geography) -> None:
    catalog = synthetic_catalog(offering(), offering(
        id="bulk-contract", name="Bulk contract",
        constraints={"min_monthly_parcels": 50, "unconfirmed": ["min_monthly_parcels"]}))
    ranking = Ranker().fit(catalog, geography).rank(
        make_profile(monthly_international_parcels=None, monthly_domestic_parcels=10,
                     needs=["domestic_shipping"], destinations=[]), k=5)
    bulk = next(r for r in ranking.recommendations if r.offering_id == "bulk-contract")
    assert reason("unconfirmed_limit", limit="min_monthly_parcels", limit_value=50,
                  value=10) in bulk.reasons
    assert not ranking.not_eligible


def test_each_prerequisite_has_its_code() -> None:
    assert {NEXT_STEPS[r].code for r in Requirement} == set(PREREQUISITE_CODES)
    assert prerequisite(Requirement.LUT) == Reason("requires_lut")


def test_reasons_quote_the_profile_values(ranker: Ranker) -> None:
    ranking = ranker.rank(make_profile(typical_weight_kg=0.5, typical_value_inr=150000,
                                       destinations=["GB"], monthly_international_parcels=20),
                          k=50)
    itps = next(r for r in ranking.recommendations if r.offering_id == "itps")
    assert reason("weight_within_limit", scope="international", parcels=20, weight_kg=0.5,
                  max_kg=2) in itps.reasons
    assert reason("reaches_destinations", countries=["GB"]) in itps.reasons
