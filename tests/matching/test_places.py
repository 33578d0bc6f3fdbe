"""Where a recommendation of a fixed-place offering sends the enterprise, and what it says."""

from __future__ import annotations

from typing import Any

import pytest

from catalog import Geography
from matching import Ranker, Recommendation, parse_profile
from matching.reasons import reason
from tests.matching.matching_factories import make_profile, offering, synthetic_catalog

NOTE = "Ask at the counter for the export desk."


def _fixed(offering_id: str, places: list[dict[str, Any]]) -> dict[str, Any]:
    return offering(id=offering_id, name=offering_id.title(),
                    location={"kind": "fixed", "places": places, "note": NOTE})


@pytest.fixture(scope="module")
def ranker(geography: Geography) -> Ranker:
    catalog = synthetic_catalog(
        _fixed("desks", [  # two places with coordinates: the nearer one is chosen
            {"name": "Mumbai desk", "pincode": "400001", "latitude": 18.94, "longitude": 72.84},
            {"name": "Pune desk", "pincode": "411001", "latitude": 18.52, "longitude": 73.86},
        ]),
        _fixed("counters", [  # names only: the one named after the district, else the first
            {"name": "Counter at Jaipur City"},
            {"name": "Counter at Patna Junction", "pincode": "800001"},
        ]),
    )
    return Ranker().fit(catalog, geography)


def _pick(ranker: Ranker, geography: Geography, pincode: str, offering_id: str) -> Recommendation:
    ranking = ranker.rank(parse_profile(make_profile(pincode=pincode, destinations=None,
                                                     monthly_domestic_parcels=30),
                                        geography), k=5)
    return next(r for r in ranking.recommendations if r.offering_id == offering_id)


@pytest.mark.parametrize(("pincode", "name", "km_max"),
                         [("411001", "Pune desk", 2), ("400005", "Mumbai desk", 6)])
def test_the_nearest_place_with_coordinates_is_given_with_its_distance(
    ranker: Ranker, geography: Geography, pincode: str, name: str, km_max: float
) -> None:
    picked = _pick(ranker, geography, pincode, "desks")
    assert picked.location is not None
    assert picked.location.name == name
    assert picked.location.distance_km is not None
    assert picked.location.distance_km <= km_max
    assert picked.location.note == NOTE
    assert reason("place_distance", place=name,
                  distance_km=round(picked.location.distance_km)) in picked.reasons


def test_a_place_named_after_the_district_is_given_as_in_the_district(
    ranker: Ranker, geography: Geography
) -> None:
    picked = _pick(ranker, geography, "800001", "counters")
    assert picked.location is not None
    assert (picked.location.name, picked.location.pincode) == ("Counter at Patna Junction",
                                                                "800001")
    assert picked.location.distance_km is None
    assert reason("place_in_district", place="Counter at Patna Junction",
                  district="Patna") in picked.reasons


def test_otherwise_the_first_place_is_given_without_a_sentence(
    ranker: Ranker, geography: Geography
) -> None:
    picked = _pick(ranker, geography, "560001", "counters")
    assert picked.location is not None
    assert picked.location.name == "Counter at Jaipur City"
    assert picked.location.note == NOTE
    assert not any(r.code.startswith("place_") for r in picked.reasons)
