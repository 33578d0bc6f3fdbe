"""matching.evaluate: invalid profiles skipped only where asked, kinds, ruled-out offerings."""

from __future__ import annotations

from typing import Any

import pytest

from catalog import Geography
from matching import ProfileError, Ranker
from matching.evaluate import Scored, avoided_in_top, by_kind, evaluate
from matching.judged import JudgedProfile
from tests.matching.matching_factories import make_profile


def judged(pid: str, profile: dict[str, Any], **extra: Any) -> JudgedProfile:
    return JudgedProfile(pid, "realistic", "north", profile, {"itps": 2}, {"itps": "light"},
                         **extra)


def test_a_refused_profile_is_skipped_only_in_the_sets_asked(
    ranker: Ranker, geography: Geography
) -> None:
    # 200,000 kg stays over the limit after DESIGN §4's amendment to 100,000 kg.
    bad = judged("bad", make_profile(typical_weight_kg=200_000))
    good = judged("good", make_profile())
    sets = {"tuning": [good], "realistic": [good, bad]}
    results = evaluate(ranker, sets, geography, frozenset({"realistic"}))
    assert [s.judged.id for s in results["realistic"].scored] == ["good"]
    assert [pid for pid, _ in results["realistic"].skipped] == ["bad"]
    assert "typical_weight_kg" in results["realistic"].skipped[0][1]
    assert results["tuning"].skipped == []
    with pytest.raises(ProfileError):
        evaluate(ranker, {"tuning": [good], "held_aside": [bad]}, geography,
                 frozenset({"realistic"}))


def _scored(item: JudgedProfile, top: list[str]) -> Scored:
    measures = {s: {"ndcg@5": 1.0, "mrr": 1.0, "recall@5": 1.0}
                for s in ("ranker", "popularity", "bm25")}
    return Scored(item, {"ranker": top, "popularity": [], "bm25": []}, measures)


def test_ruled_out_offerings_in_the_top_five_are_listed() -> None:
    item = judged("R1", make_profile(), avoid={"rpli": "city address", "ems": "too heavy"})
    lines = avoided_in_top([
        _scored(item, ["itps", "dnk", "rpli", "pli", "speed-post", "ems"]),
        _scored(judged("R2", make_profile()), ["rpli"]),
    ])
    assert lines == ["R1: rpli at 3 (city address)"]


def test_kinds_count_partial_language_and_contradictory_profiles() -> None:
    partial = judged("P", {"pincode": "302001", "sector": "other", "products": "x"},
                     tags=("mr",))
    full = judged("F", make_profile(), tags=("contradictory",))
    counts = {s.name: s.count for s in by_kind([_scored(partial, []), _scored(full, [])])}
    assert counts == {"partial (1-3 fields)": 1, "more fields": 1, "hindi/marathi text": 1,
                      "contradictory": 1}
