"""Learning from outcomes (issue 19): the data contract, clear errors, tenant caps, the model's
JSON, the learned ranker's rules, and the gate's checks."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from catalog import Geography
from matching import Ranker, parse_profile
from matching import simulation as sim
from matching.judged import JudgedProfile
from matching.learning import (
    OUTCOME_COLUMNS,
    GateReport,
    LearnedModel,
    TrainingError,
    gate,
    time_split,
    train,
)
from matching.pairwise import Pairs, tenant_weights
from matching.signals import SIGNALS
from tests.matching.matching_factories import directory_frame, make_profile


@pytest.fixture(scope="module")
def pool(ranker: Ranker) -> sim.Pool:
    return sim.rank_pool(ranker, sim.profiles(600, list(directory_frame()["pincode"]), seed=3))


@pytest.fixture(scope="module")
def outcomes(pool: sim.Pool) -> pd.DataFrame:
    return sim.outcomes(sim.Officers.known(), pool, 3000, seed=4)


def _model(weights: dict[str, float] | None = None, bias: dict[str, float] | None = None
           ) -> LearnedModel:
    w = dict.fromkeys(SIGNALS, 0.1) if weights is None else weights
    return LearnedModel.build(w, bias or {}, {"note": "made by hand in a test"})


def test_outcome_columns_carry_every_signal() -> None:
    assert OUTCOME_COLUMNS[:7] == ("run_id", "created_at", "tenant", "profile_id",
                                   "offering_id", "position", "outcome")
    assert OUTCOME_COLUMNS[7:] == tuple(f"s_{name}" for name in SIGNALS)


def test_outcomes_of_the_simulation_follow_the_contract(outcomes: pd.DataFrame) -> None:
    assert tuple(outcomes.columns) == OUTCOME_COLUMNS
    assert str(outcomes["created_at"].dtype) == "datetime64[ns, UTC]"
    assert set(outcomes["outcome"]) == {"shown", "accepted", "rejected", "enrolled"}
    assert outcomes["position"].min() == 1


def test_no_outcomes(ranker: Ranker) -> None:
    with pytest.raises(TrainingError, match="no outcomes"):
        train(pd.DataFrame(columns=list(OUTCOME_COLUMNS)), ranker)


def test_missing_columns_are_named(ranker: Ranker, outcomes: pd.DataFrame) -> None:
    with pytest.raises(TrainingError, match="s_needs, s_implied"):
        train(outcomes.drop(columns=["s_needs", "s_implied"]), ranker)


def test_too_few_outcomes(ranker: Ranker, outcomes: pd.DataFrame) -> None:
    with pytest.raises(TrainingError, match="too few outcomes: 50"):
        train(outcomes.head(50), ranker)


@pytest.mark.parametrize(("kept", "message"), [
    (("shown", "rejected"), "no offering was accepted"),
    (("accepted", "enrolled"), "every offering shown was accepted"),
])
def test_one_class_only(ranker: Ranker, outcomes: pd.DataFrame, kept: tuple[str, ...],
                        message: str) -> None:
    with pytest.raises(TrainingError, match=f"one class only: {message}"):
        train(outcomes[outcomes["outcome"].isin(kept)], ranker)


def test_bad_values(ranker: Ranker, outcomes: pd.DataFrame) -> None:
    odd = outcomes.copy()
    odd.loc[odd.index[0], "outcome"] = "maybe"
    with pytest.raises(TrainingError, match="unknown outcomes \\['maybe'\\]"):
        train(odd, ranker)
    odd = outcomes.copy()
    odd.loc[odd.index[0], "s_text"] = np.inf
    with pytest.raises(TrainingError, match="finite"):
        train(odd, ranker)
    odd = outcomes.copy()
    odd.loc[odd.index[0], "position"] = 0
    with pytest.raises(TrainingError, match="position"):
        train(odd, ranker)


def test_runs_without_signal_values_are_left_out(ranker: Ranker, outcomes: pd.DataFrame
                                                 ) -> None:
    """Runs stored before a signal existed have no value for it: left out whole."""
    odd = outcomes.copy()
    first = odd["run_id"].iloc[0]
    odd.loc[odd.index[0], "s_text"] = np.nan
    model = train(odd, ranker)
    assert model.trained_on["runs_without_signals"] == 1
    assert model.trained_on["outcomes"] == len(outcomes) - (outcomes["run_id"] == first).sum()
    every = outcomes.assign(s_volume=np.nan)
    with pytest.raises(TrainingError, match="too few outcomes: 0"):
        train(every, ranker)


def test_time_split_keeps_runs_whole_and_later_rows_out(outcomes: pd.DataFrame) -> None:
    early, late = time_split(outcomes, 0.25)
    assert len(early) + len(late) == len(outcomes)
    assert early["created_at"].max() < late["created_at"].min()
    assert not set(early["run_id"]) & set(late["run_id"])
    assert 0.2 < len(late) / len(outcomes) < 0.3
    with pytest.raises(ValueError, match="test_share"):
        time_split(outcomes, 1.0)


def test_training_gives_non_negative_weights_on_the_hand_set_scale(
    ranker: Ranker, outcomes: pd.DataFrame,
) -> None:
    model = train(outcomes, ranker)
    assert model.version.startswith("learned-")
    assert len(model.version) == len("learned-") + 12
    assert set(model.weights) == set(SIGNALS)
    assert all(w >= 0 for w in model.weights.values())
    positive = [n for n in SIGNALS if n != "prerequisites"]
    assert sum(model.weights[n] for n in positive) == pytest.approx(
        sum(ranker.weights_[n] for n in positive))
    assert model.trained_on["outcomes"] == len(outcomes)
    assert model.trained_on["tenants"] == 8
    assert 0 < model.trained_on["settings"]["position_eta"] < 2
    # the same outcomes give the same model, whichever model the ranker serves
    assert train(outcomes, ranker).version == model.version
    assert train(outcomes, ranker.with_model(model)).version == model.version


def test_model_json_round_trip(ranker: Ranker, outcomes: pd.DataFrame) -> None:
    model = train(outcomes, ranker)
    assert LearnedModel.from_json(model.to_json()) == model
    assert _model().version != _model(bias={"dnk": 0.1}).version
    for bad, message in (
        ({}, "not a learned model"),
        ({**model.to_json(), "weights": {"needs": 1.0}}, "one weight per signal"),
        ({**model.to_json(), "weights": {**model.weights, "text": -1.0}}, ">= 0"),
        ({**model.to_json(), "version": "signals-mmr-1-x"}, "not a learned model version"),
    ):
        with pytest.raises(ValueError, match=message):
            LearnedModel.from_json(bad)


def _pairs_frame(tenants: list[str], offerings: list[str]) -> tuple[pd.DataFrame, Pairs]:
    """One pair per run: the first row accepted, the second shown."""
    rows: list[dict[str, Any]] = []
    for i, (tenant, oid) in enumerate(zip(tenants, offerings, strict=True)):
        rows.append({"run_id": f"r{i}", "tenant": tenant, "offering_id": oid,
                     "outcome": "accepted"})
        rows.append({"run_id": f"r{i}", "tenant": tenant, "offering_id": "other",
                     "outcome": "shown"})
    better = np.arange(0, 2 * len(tenants), 2)
    return pd.DataFrame(rows), Pairs(better, better + 1, np.ones(len(tenants)))


def test_one_tenant_carries_at_most_its_cap() -> None:
    tenants = ["big"] * 1000 + [f"t{i}" for i in range(8) for _ in range(10)]
    frame, pairs = _pairs_frame(tenants, ["a"] * len(tenants))
    weight = tenant_weights(frame, pairs, 0.2)
    share = weight[:1000].sum() / weight.sum()
    assert share == pytest.approx(0.2)
    assert np.allclose(weight[1000:], 1.0)  # the small tenants keep their weight


def test_tenant_cap_holds_within_one_offering() -> None:
    # the big tenant is a fifth of all the pairs but all of its pairs are on "x"
    tenants = ["big"] * 200 + [f"t{i}" for i in range(8) for _ in range(100)]
    offerings = ["x"] * 200 + ["x" if j % 10 == 0 else "y" for j in range(800)]
    frame, pairs = _pairs_frame(tenants, offerings)
    weight = tenant_weights(frame, pairs, 0.2)
    on_x = np.array(offerings) == "x"
    big = np.array(tenants) == "big"
    assert weight[on_x & big].sum() / weight[on_x].sum() <= 0.2 + 1e-9
    assert weight[big].sum() / weight.sum() <= 0.2 + 1e-9


def test_too_few_tenants_for_the_cap_weigh_the_same() -> None:
    frame, pairs = _pairs_frame(["a"] * 90 + ["b"] * 10, ["x"] * 100)
    weight = tenant_weights(frame, pairs, 0.2)
    assert weight[:90].sum() == pytest.approx(weight[90:].sum())
    frame, pairs = _pairs_frame(["a"] * 50, ["x"] * 50)
    assert np.allclose(tenant_weights(frame, pairs, 0.2), 1.0)  # one tenant: nothing to cap


# --- the learned ranker ---------------------------------------------------------------------

def test_with_no_model_is_the_hand_set_ranker(ranker: Ranker) -> None:
    assert ranker.with_model(None) is ranker
    learned = ranker.with_model(_model())
    assert learned.with_model(None) is ranker
    assert learned.model_version.startswith("learned-")
    assert ranker.model_version.startswith("signals-mmr-")


def test_hand_set_weights_as_a_model_rank_the_same(ranker: Ranker, geography: Geography) -> None:
    same = ranker.with_model(_model(dict(ranker.weights_)))
    profile = parse_profile(make_profile(), geography)
    mine, theirs = same.rank(profile, k=10), ranker.rank(profile, k=10)
    assert mine.model_version != theirs.model_version
    assert [(r.offering_id, r.score, r.reasons) for r in mine.recommendations] == \
        [(r.offering_id, r.score, r.reasons) for r in theirs.recommendations]


def test_a_learned_model_never_makes_an_offering_eligible(
    ranker: Ranker, geography: Geography,
) -> None:
    profile = parse_profile(make_profile(), geography)
    excluded = [n.offering_id for n in ranker.rank(profile, k=50).not_eligible]
    assert excluded
    bias = dict.fromkeys(excluded, 0.3)
    learned = ranker.with_model(_model(dict(ranker.weights_), bias))
    ranking = learned.rank(profile, k=50)
    assert not {r.offering_id for r in ranking.recommendations} & set(excluded)
    assert {n.offering_id for n in ranking.not_eligible} == set(excluded)
    hand_ids = {r.offering_id for r in ranker.rank(profile, k=50).recommendations}
    assert {r.offering_id for r in ranking.recommendations} == hand_ids  # min_fit unchanged


def test_the_adjustment_reorders_and_reasons_stay(ranker: Ranker, geography: Geography) -> None:
    profile = parse_profile(make_profile(), geography)
    hand = ranker.rank(profile, k=10).recommendations
    last = hand[-1].offering_id
    model = _model(dict(ranker.weights_), {last: 0.4})
    learned = ranker.with_model(model).rank(profile, k=10)
    ids = [r.offering_id for r in learned.recommendations]
    assert ids.index(last) < 3
    moved = learned.recommendations[ids.index(last)]
    assert moved.reasons == hand[-1].reasons  # the reasons come from the signals
    assert moved.score == pytest.approx(min(hand[-1].score + 0.4, 1.0), abs=1e-4)
    frame = pd.DataFrame([profile.model_dump()])
    many = ranker.with_model(model).rank_many(frame, k=10)
    assert list(many["offering_id"]) == [r.offering_id for r in learned.recommendations]


def test_learned_weights_change_the_reasons_weighing(ranker: Ranker, geography: Geography
                                                     ) -> None:
    """With every weight on the distance signal, only nearness can give a reason."""
    only_distance = dict.fromkeys(SIGNALS, 0.0) | {"distance": 1.0}
    profile = parse_profile(make_profile(), geography)
    learned = ranker.with_model(_model(only_distance)).rank(profile, k=5)
    codes = {r.code for rec in learned.recommendations for r in rec.reasons}
    hand = {r.code for rec in ranker.rank(profile, k=5).recommendations for r in rec.reasons}
    assert "need_served" in hand
    assert "need_served" not in codes


def test_with_model_refuses_bad_weights(ranker: Ranker) -> None:
    with pytest.raises(ValueError, match="positive"):
        ranker.with_model(_model(dict.fromkeys(SIGNALS, 0.0)))


# --- the gate --------------------------------------------------------------------------------

def _judged(ranker: Ranker, geography: Geography) -> dict[str, list[JudgedProfile]]:
    """A small judged set graded by the hand-set ranker's own top three."""
    bodies = [make_profile(), make_profile(pincode="800001", sector="handicrafts",
                                           destinations=[], monthly_domestic_parcels=300,
                                           needs=["domestic_shipping", "cash_on_delivery"]),
              make_profile(pincode="400001", sector="ayurveda_herbal", products="herbal oils")]
    out = []
    for i, body in enumerate(bodies):
        top = [r.offering_id for r in
               ranker.rank(parse_profile(body, geography), k=3).recommendations]
        out.append(JudgedProfile(f"j{i}", "tiny", "west", body, {top[0]: 2, top[1]: 1},
                                 {top[0]: "the ranker's first"}))
    return {"tiny": out}


def test_gate_refuses_what_spoils_a_judged_set(ranker: Ranker, geography: Geography,
                                               outcomes: pd.DataFrame) -> None:
    _early, late = time_split(outcomes)
    judged = _judged(ranker, geography)
    spoiler = _model(dict(ranker.weights_),
                     {next(iter(j.relevance)): -0.3 for j in judged["tiny"]})
    report = gate(spoiler, None, late, ranker, judged)
    row = report.rows[-1]
    assert row.check == "judged tiny NDCG@5"
    assert row.baseline == pytest.approx(1.0)
    assert row.candidate < 1.0 - 0.01
    assert not row.passed
    assert not report.passed
    same = gate(_model(dict(ranker.weights_)), None, late, ranker, judged, tolerance=0.0)
    assert same.rows[-1].passed
    assert same.rows[-1].candidate == same.rows[-1].baseline


def test_gate_table_and_json(ranker: Ranker, geography: Geography, outcomes: pd.DataFrame
                             ) -> None:
    early, late = time_split(outcomes)
    model = train(early, ranker)
    report = gate(model, None, late, ranker, _judged(ranker, geography))
    assert isinstance(report, GateReport)
    text = report.table()
    assert "held-out outcomes, debiased DCG" in text
    assert "judged tiny NDCG@5" in text
    assert text.splitlines()[-1] in ("gate: passed", "gate: refused")
    data = report.to_json()
    assert data["passed"] == report.passed
    assert data["tolerance"] == 0.01
    assert [r["check"] for r in data["rows"]] == [r.check for r in report.rows]
    # against an active model, the active one is the baseline
    again = gate(model, model, late, ranker, {})
    assert again.rows[0].baseline_name == f"active {model.version}"
    assert not again.passed  # a model does not beat itself


def test_gate_needs_enough_held_out_runs(ranker: Ranker, outcomes: pd.DataFrame) -> None:
    model = train(outcomes, ranker)
    report = gate(model, None, outcomes.head(40), ranker, {})
    assert not report.passed
    assert "held-out runs" in report.rows[0].rule
    empty = gate(model, None, outcomes.head(0), ranker, {})
    assert not empty.passed
    assert empty.rows[0].rule == "no held-out outcomes"
