"""The ranker's contract: scikit-learn conventions, determinism, a known answer, batch = single."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from catalog import Catalog, Geography
from matching import Ranker, Ranking, parse_profile, ranking_payload
from matching.reasons import reason
from matching.signals import SIGNALS
from tests.matching.matching_factories import make_profile, offering, synthetic_catalog


def test_fit_returns_self(catalog: Catalog, geography: Geography) -> None:
    ranker = Ranker()
    assert ranker.fit(catalog, geography) is ranker
    assert ranker.model_version.startswith("signals-mmr-")


def test_rank_before_fit_raises(geography: Geography) -> None:
    with pytest.raises(NotFittedError):
        Ranker().rank(parse_profile(make_profile(), geography))
    with pytest.raises(NotFittedError):
        Ranker().rank_many(pd.DataFrame([make_profile()]))


def test_init_only_stores_parameters() -> None:
    ranker = Ranker(w_text=0.9, diversity=0.1)
    assert ranker.get_params()["w_text"] == 0.9
    assert not [name for name in vars(ranker) if name.endswith("_")]


def test_clone_round_trip(catalog: Catalog, geography: Geography) -> None:
    original = Ranker(w_needs=0.7, remote_penalty=0.2).fit(catalog, geography)
    copy = clone(original)
    assert copy.get_params() == original.get_params()
    assert not hasattr(copy, "table_")
    profile = parse_profile(make_profile(), geography)
    copy.fit(catalog, geography)
    assert copy.rank(profile) == original.rank(profile)
    assert copy.model_version == original.model_version


def test_parameters_change_the_model_version(catalog: Catalog, geography: Geography) -> None:
    a = Ranker().fit(catalog, geography).model_version
    b = Ranker(w_text=0.5).fit(catalog, geography).model_version
    assert a != b


def test_bad_parameters_are_refused(catalog: Catalog, geography: Geography) -> None:
    with pytest.raises(ValueError, match="diversity"):
        Ranker(diversity=1.0).fit(catalog, geography)
    with pytest.raises(ValueError, match=">= 0"):
        Ranker(w_text=-1).fit(catalog, geography)


def test_same_input_same_output(ranker: Ranker, geography: Geography) -> None:
    profile = parse_profile(make_profile(products="silver rings and anklets"), geography)
    first = ranker.rank(profile, k=10)
    for _ in range(3):
        assert ranker.rank(profile, k=10) == first


def test_k_bounds_the_list(ranker: Ranker, geography: Geography) -> None:
    profile = parse_profile(make_profile(), geography)
    assert len(ranker.rank(profile, k=3).recommendations) == 3
    with pytest.raises(ValueError, match="k must be"):
        ranker.rank(profile, k=0)


def test_rank_accepts_a_mapping(ranker: Ranker, geography: Geography) -> None:
    assert ranker.rank(make_profile()) == ranker.rank(parse_profile(make_profile(), geography))


def known_answer_catalog() -> Catalog:
    return synthetic_catalog(
        offering(id="spice-freight", name="Spice freight", features=["bulk_freight"],
                 description="Freight for bags of spices between cities, by the truck load.",
                 keywords=["spices", "bulk"]),
        offering(id="jewel-abroad", name="Jewellery abroad", category="cross_border_parcels",
                 features=["international_shipping", "shipment_insurance"],
                 constraints={"scope": "international", "max_weight_kg": 2},
                 description="Small insured parcels of jewellery to buyers in other countries.",
                 keywords=["jewellery", "gems"]),
        offering(id="counter-parcel", name="Counter parcel", features=["domestic_shipping"],
                 description="Ordinary parcels booked at any post office counter in India."),
        offering(id="gone-abroad", name="Old jewellery service", category="cross_border_parcels",
                 features=["international_shipping", "shipment_insurance"], status="discontinued",
                 status_since="2026-01-01", constraints={"scope": "international"},
                 description="A discontinued service for jewellery parcels to other countries.",
                 keywords=["jewellery"]),
    )


def test_synthetic_catalogue_known_answer(geography: Geography) -> None:
    ranker = Ranker().fit(known_answer_catalog(), geography)
    jeweller = make_profile(needs=["international_shipping", "shipment_insurance"],
                            products="gold jewellery")
    ranking = ranker.rank(jeweller, k=3)
    assert ranking.recommendations[0].offering_id == "jewel-abroad"
    assert "gone-abroad" in {n.offering_id for n in ranking.not_eligible}
    freight = make_profile(sector="food_spices", products="bags of chilli spices",
                           destinations=[], typical_weight_kg=50, needs=["bulk_freight"])
    top = ranker.rank(freight, k=3).recommendations
    assert top[0].offering_id == "spice-freight"
    assert "jewel-abroad" not in [r.offering_id for r in top]


def test_ties_break_on_id(geography: Geography) -> None:
    twins = synthetic_catalog(
        offering(id="b-twin", name="Twin parcel"), offering(id="a-twin", name="Twin parcel")
    )
    ranker = Ranker(diversity=0.0).fit(twins, geography)
    ranking = ranker.rank(make_profile(destinations=[], needs=["domestic_shipping"]), k=2)
    assert [r.offering_id for r in ranking.recommendations] == ["a-twin", "b-twin"]
    assert ranking.recommendations[0].score == ranking.recommendations[1].score


def test_diversity_spreads_the_top(geography: Geography) -> None:
    clones = [offering(id=f"copy-{i}", name=f"Parcel copy {i}") for i in range(3)]
    other = offering(id="other", name="Packing help", features=["domestic_shipping", "packaging"],
                     category="ecommerce_capacity",
                     description="Help to pack parcels safely before they are posted.")
    catalog = synthetic_catalog(*clones, other)
    profile = make_profile(destinations=[], needs=["domestic_shipping"])
    plain = Ranker(diversity=0.0).fit(catalog, geography).rank(profile, k=2)
    diverse = Ranker(diversity=0.9).fit(catalog, geography).rank(profile, k=2)
    assert [r.offering_id for r in plain.recommendations] == ["copy-0", "copy-1"]
    assert [r.offering_id for r in diverse.recommendations] == ["copy-0", "other"]


def test_scores_are_between_0_and_1(ranker: Ranker, geography: Geography) -> None:
    ranking = ranker.rank(parse_profile(make_profile(), geography), k=20)
    assert all(0.0 <= r.score <= 1.0 for r in ranking.recommendations)


def test_rank_many_agrees_with_rank(ranker: Ranker, geography: Geography) -> None:
    profiles = [
        make_profile(),
        make_profile(pincode="800001", sector="handicrafts", destinations=[],
                     monthly_domestic_parcels=300, typical_weight_kg=2,
                     sales_channels=["amazon", "ondc"], needs=["cash_on_delivery"]),
        make_profile(pincode="400001", sector="ayurveda_herbal", products="herbal oils",
                     destinations=["US", "AE"], typical_weight_kg=8, first_time_exporter=True),
        make_profile(pincode="847211", sector="agri_produce", destinations=[], rural=True,
                     needs=["life_cover"], business_type="fpo"),
        make_profile(pincode="560001", sector="electronics", destinations=[],
                     typical_weight_kg=60, monthly_domestic_parcels=40),
    ]
    parsed = [parse_profile(p, geography) for p in profiles]
    frame = pd.DataFrame([p.model_dump() for p in parsed])
    many = ranker.rank_many(frame, k=5)
    assert list(many.columns) == ["row", "rank", "offering_id", "score"]
    for row, profile in enumerate(parsed):
        single = ranker.rank(profile, k=5).recommendations
        got = many[many["row"] == row].sort_values("rank")
        assert list(got["offering_id"]) == [r.offering_id for r in single]
        assert list(got["score"]) == [r.score for r in single]
        assert list(got["rank"]) == [r.rank for r in single]


def test_recommendations_carry_their_raw_signals(ranker: Ranker, geography: Geography) -> None:
    profiles = [parse_profile(make_profile(), geography),
                parse_profile(make_profile(pincode="800001", sector="handicrafts",
                                           destinations=[], monthly_domestic_parcels=300),
                              geography)]
    rankings = ranker.rank_batch(profiles, k=[5, 3])
    for row, (profile, ranking) in enumerate(zip(profiles, rankings, strict=True)):
        stack = ranker.batch_arrays([profile]).signals.stack[:, 0]
        ids = list(ranker.table_.ids)
        assert ranking.recommendations
        for r in ranking.recommendations:
            assert len(r.signals) == len(SIGNALS)
            assert list(r.signals) == stack[:, ids.index(r.offering_id)].tolist()
        # the weighted sum of the stored values gives the score back (no penalty applies here)
        top = ranking.recommendations[0]
        positive = sum(w for n, w in ranker.weights_.items() if n != "prerequisites")
        total = sum(ranker.weights_[n] * v for n, v in zip(SIGNALS, top.signals, strict=True))
        assert round(min(max(total / positive, 0.0), 1.0), 4) == top.score, row


def test_rank_many_of_nothing(ranker: Ranker) -> None:
    empty = ranker.rank_many(pd.DataFrame(columns=["pincode", "sector"]), k=5)
    assert empty.empty
    assert list(empty.columns) == ["row", "rank", "offering_id", "score"]


def test_rank_many_needs_pincode_and_sector(ranker: Ranker) -> None:
    with pytest.raises(ValueError, match="'sector'"):
        ranker.rank_many(pd.DataFrame({"pincode": ["302001"]}))


def test_payload_has_the_api_shape(ranker: Ranker, geography: Geography) -> None:
    ranking = ranker.rank(parse_profile(make_profile(), geography), k=5)
    assert isinstance(ranking, Ranking)
    payload = ranking_payload(ranking, "cat-v1", run_id="run-7",
                              render=lambda rs: ([r.code for r in rs], [r.as_json() for r in rs]))
    assert json.loads(json.dumps(payload)) == payload
    assert set(payload) == {"catalog_version", "model_version", "run_id", "recommendations",
                            "not_eligible", "ask"}
    assert payload["catalog_version"] == "cat-v1"
    assert payload["run_id"] == "run-7"
    first = payload["recommendations"][0]
    assert set(first) == {"rank", "offering_id", "name", "provider", "category", "score",
                          "reasons", "prerequisites", "reason_codes", "prerequisite_codes",
                          "location"}
    assert first["rank"] == 1
    assert first["reasons"] == [c["code"] for c in first["reason_codes"]]
    assert all(set(c) == {"code", "params"} for c in first["reason_codes"])
    for item in payload["not_eligible"]:
        assert set(item) == {"offering_id", "reasons", "reason_codes"}
        assert item["reasons"] == [c["code"] for c in item["reason_codes"]]
    # matching writes no sentences: without a renderer, only the codes
    codes_only = ranking_payload(ranking, "cat-v1")["recommendations"][0]
    assert "reasons" not in codes_only
    assert codes_only["reason_codes"] == first["reason_codes"]


def test_head_post_office_location_names_the_stand_in(
    ranker: Ranker, geography: Geography
) -> None:
    profile = parse_profile(make_profile(pincode="302004", needs=["export_documentation"],
                                         first_time_exporter=True), geography)
    ranking = ranker.rank(profile, k=44)
    dnk = next(r for r in ranking.recommendations if r.offering_id == "dnk")
    assert dnk.location is not None
    assert dnk.location.name == "Jaipur G.P.O."
    assert dnk.location.distance_km is not None
    assert dnk.location.distance_km < 10
    assert dnk.location.note
    assert "stands in" in dnk.location.note
    assert any(r.code == "nearest_head_post_office" and r.param("place") == "Jaipur G.P.O."
               for r in dnk.reasons)
    payload = ranking_payload(ranking, "v")["recommendations"]
    dnk_json = next(p for p in payload if p["offering_id"] == "dnk")
    assert set(dnk_json["location"]) == {"name", "pincode", "distance_km"}


def test_not_eligible_is_capped_and_most_relevant_first(geography: Geography) -> None:
    abroad = [
        offering(id=f"abroad-{i:02d}", name=f"Abroad {i}", category="cross_border_parcels",
                 features=["international_shipping"], constraints={"scope": "international"},
                 keywords=["jewellery"] if i == 7 else [])
        for i in range(60)
    ]
    catalog = synthetic_catalog(offering(), *abroad)
    ranking = Ranker().fit(catalog, geography).rank(
        make_profile(destinations=[], needs=["domestic_shipping"], products="jewellery"), k=5
    )
    assert len(ranking.not_eligible) == 50
    assert ranking.not_eligible[0].offering_id == "abroad-07"
    assert [r.offering_id for r in ranking.recommendations] == ["plain"]


def test_reasons_only_from_what_the_profile_says(ranker: Ranker, geography: Geography) -> None:
    quiet = ranker.rank(parse_profile(make_profile(products="", sales_channels=[]), geography))
    for r in quiet.recommendations:
        assert not any(said.code in ("channel_fit", "text_match") for said in r.reasons)
    etsy = ranker.rank(parse_profile(make_profile(sales_channels=["etsy"]), geography))
    itps = next(r for r in etsy.recommendations if r.offering_id == "itps")
    assert reason("channel_fit", channels=["etsy"]) in itps.reasons


def test_tracking_and_pickup_do_not_make_an_offering_less_focused(
    geography: Geography,
) -> None:
    # Two parcel services for the same purpose; one also says it is tracked and picked up.
    same = {"description": "Parcels to customers in India, booked at the counter."}
    ranker = Ranker().fit(synthetic_catalog(
        offering(id="plain-parcel", name="Plain parcel", **same),
        offering(id="tracked-parcel", name="Tracked parcel", **same,
                 features=["domestic_shipping", "tracking", "pickup"]),
        offering(id="parcel-and-cod", name="Parcel and COD", **same,
                 features=["domestic_shipping", "cash_on_delivery"]),
    ), geography)
    sender = make_profile(destinations=[], needs=["domestic_shipping"], products="",
                          monthly_international_parcels=None, typical_weight_kg=None)
    scores = {r.offering_id: r.score for r in ranker.rank(sender, k=3).recommendations}
    assert scores["tracked-parcel"] >= scores["plain-parcel"]
    # A service for something else as well is less focused on this sender's need.
    assert scores["parcel-and-cod"] < scores["plain-parcel"]
