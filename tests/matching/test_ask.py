"""``ask``: the unanswered fields whose answer would change the top most (matching.ask)."""

from __future__ import annotations

import pytest

from catalog.geo import Geography
from matching import Ranker, parse_profile
from matching.ask import ANSWERS, MAX_ASK, QUESTIONS, change, open_fields
from matching.result import ranking_payload


def test_change_weighs_the_first_places_most() -> None:
    assert change(["a", "b", "c"], ["a", "b", "c"]) == 0.0
    assert change(["a", "b"], ["x", "y"]) == 1.0
    added_below = change(["a", "b"], ["a", "b", "c", "d", "e"])
    new_first = change(["a", "b", "c", "d", "e"], ["x", "a", "b", "c", "d"])
    assert 0 < added_below < new_first < 1


def test_fields_given_or_written_are_not_open(geography: Geography) -> None:
    profile = parse_profile({"pincode": "302001", "sector": "handicrafts",
                             "products": "we sell on Amazon, export to Dubai",
                             "typical_weight_kg": 2}, geography)
    fields = open_fields(profile)
    assert "sales_channels" not in fields  # Amazon is in the text
    assert "destinations" not in fields  # so is Dubai
    assert "typical_weight_kg" not in fields
    assert "needs" not in fields  # exporting is a need said in words
    assert {"monthly_international_parcels", "iec"} <= set(fields)


def test_no_export_questions_for_a_business_that_does_not_export(
    geography: Geography,
) -> None:
    profile = parse_profile({"pincode": "302001", "sector": "handicrafts",
                             "needs": ["domestic_shipping"]}, geography)
    assert not {"monthly_international_parcels", "iec"} & set(open_fields(profile))


def test_ask_comes_from_the_ranker(ranker: Ranker, geography: Geography) -> None:
    vague = parse_profile({"pincode": "302001", "sector": "handicrafts",
                           "products": "export karna hai"}, geography)
    ranking = ranker.rank(vague, k=5)
    assert 1 <= len(ranking.ask) <= MAX_ASK
    assert all(a.field in ANSWERS and a.why == QUESTIONS[a.field] for a in ranking.ask)
    changes = [a.change for a in ranking.ask]
    assert changes == sorted(changes, reverse=True)
    # What is asked does change the top when answered: the first question's answers move it.
    first = ranking.ask[0].field
    top = [r.offering_id for r in ranking.recommendations]
    moved = [
        [r.offering_id for r in ranker.rank(
            {"pincode": "302001", "sector": "handicrafts", "products": "export karna hai",
             first: list(answer) if isinstance(answer, tuple) else answer},
            k=5, with_ask=False).recommendations]
        for answer in ANSWERS[first]
    ]
    assert any(change(top, other) > 0 for other in moved)


def test_a_complete_profile_has_nothing_to_ask(ranker: Ranker, geography: Geography) -> None:
    full = parse_profile({
        "pincode": "302001", "sector": "gems_jewellery", "products": "silver jewellery",
        "business_type": "artisan", "size_class": "micro", "iec": "AAPFU0939F",
        "sales_channels": ["etsy"], "destinations": ["US"], "typical_weight_kg": 0.5,
        "monthly_domestic_parcels": 10, "monthly_international_parcels": 30,
        "typical_value_inr": 5000, "needs": ["international_shipping"],
    }, geography)
    assert open_fields(full) == []
    assert ranker.rank(full).ask == ()


@pytest.mark.parametrize("with_ask", [True, False])
def test_ask_leaves_the_ranking_itself_unchanged(
    ranker: Ranker, geography: Geography, with_ask: bool
) -> None:
    profile = parse_profile({"pincode": "302001", "sector": "handicrafts",
                             "needs": ["international_shipping"]}, geography)
    plain = ranker.rank(profile, k=10, with_ask=False)
    asked = ranker.rank(profile, k=10, with_ask=with_ask)
    assert asked.recommendations == plain.recommendations
    assert asked.not_eligible == plain.not_eligible
    payload = ranking_payload(asked, "v")
    assert [a["field"] for a in payload["ask"]] == [a.field for a in asked.ask]
    assert bool(payload["ask"]) == with_ask


def test_a_batch_asks_as_each_profile_alone(ranker: Ranker, geography: Geography) -> None:
    profiles = [parse_profile(body, geography) for body in (
        {"pincode": "302001", "sector": "handicrafts", "products": "videsh bhejna hai"},
        {"pincode": "302001", "sector": "food_spices", "needs": ["domestic_shipping"]},
        {"pincode": "302001", "sector": "apparel", "products": "we sell on Meesho"},
    )]
    together = ranker.rank_batch(profiles, k=5)
    for profile, ranking in zip(profiles, together, strict=True):
        assert ranking == ranker.rank(profile, k=5)
