"""The judged sets: well-formed, big enough, covering what the issue asks for."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog import Catalog, Geography
from catalog.vocab import Category
from matching import parse_profile
from matching.judged import STATE_GROUPS, JudgedProfile, JudgedSetError, load_set, load_sets


@pytest.fixture(scope="module")
def sets(catalog: Catalog) -> dict[str, list[JudgedProfile]]:
    return load_sets(offering_ids=[o.id for o in catalog.offerings])


def everyone(sets: dict[str, list[JudgedProfile]]) -> list[JudgedProfile]:
    return [p for profiles in sets.values() for p in profiles]


def test_sizes(sets: dict[str, list[JudgedProfile]]) -> None:
    assert len(everyone(sets)) >= 40
    assert len(sets["held_aside"]) >= 15
    ids = [p.id for p in everyone(sets)]
    assert len(ids) == len(set(ids))


def test_coverage(sets: dict[str, list[JudgedProfile]], catalog: Catalog) -> None:
    profiles = everyone(sets)
    category = {o.id: o.category for o in catalog.offerings}
    right = {category[oid] for p in profiles for oid, g in p.relevance.items() if g == 2}
    assert right == set(Category)
    assert {p.state_group for p in profiles} == set(STATE_GROUPS)
    assert any(p.profile.get("destinations") for p in profiles)
    assert any(not p.profile.get("destinations") for p in profiles)
    assert any(p.profile.get("rural") is True for p in profiles)
    assert any(p.profile.get("rural") is not True for p in profiles)
    weights = [p.profile["typical_weight_kg"] for p in profiles if "typical_weight_kg" in p.profile]
    assert min(weights) <= 0.2
    assert max(weights) >= 35


def test_every_judged_profile_is_valid(sets: dict[str, list[JudgedProfile]]) -> None:
    from catalog import Geography as Full

    geography = Full.load()
    for judged in everyone(sets):
        parse_profile(judged.profile, geography)


def test_every_state_group_matches_the_pin(
    sets: dict[str, list[JudgedProfile]], geography: Geography
) -> None:
    groups = {"Rajasthan": "north", "Maharashtra": "west", "Bihar": "east"}
    for judged in everyone(sets):
        pin = judged.profile["pincode"]
        if pin in geography:
            state = geography.lookup(pin).state
            if state in groups:
                assert judged.state_group == groups[state], judged.id


def test_bad_files_are_refused_with_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "set: bad\nprofiles:\n"
        "  - {id: X1, state_group: north, profile: {}, relevance: {dnk: 3}}\n"
        "  - {id: X1, state_group: mars, profile: {}, relevance: {nope: 2}}\n",
        encoding="utf-8",
    )
    with pytest.raises(JudgedSetError) as caught:
        load_set(path, ["dnk"])
    text = " | ".join(caught.value.problems)
    assert "grade 3" in text
    assert "id repeated" in text
    assert "state_group 'mars'" in text
    assert "unknown offering id 'nope'" in text
    assert "without a reason" in text


def test_avoided_offerings_and_tags_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "set: bad\nprofiles:\n"
        "  - {id: X1, state_group: north, profile: {}, tags: [hi, klingon],\n"
        "     relevance: {dnk: 2}, why: {dnk: export centre},\n"
        "     avoid: {dnk: over the limit, nope: unknown, itps: ''}}\n",
        encoding="utf-8",
    )
    with pytest.raises(JudgedSetError) as caught:
        load_set(path, ["dnk", "itps"])
    text = " | ".join(caught.value.problems)
    assert "dnk is both graded and avoided" in text
    assert "unknown offering id 'nope' in 'avoid'" in text
    assert "itps avoided without a reason" in text
    assert "tag 'klingon'" in text
    assert "tag 'hi'" not in text


def test_avoided_offerings_and_tags_are_read(tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(
        "set: good\nprofiles:\n"
        "  - {id: X1, state_group: north, tags: [hi-Latn, contradictory],\n"
        "     profile: {pincode: '302001', sector: other, needs: [life_cover]},\n"
        "     relevance: {pli: 2}, why: {pli: city life cover}, avoid: {rpli: city address}}\n"
        "  - {id: X2, state_group: north, profile: {pincode: '302001', sector: other},\n"
        "     relevance: {pli: 2}, why: {pli: city life cover}}\n",
        encoding="utf-8",
    )
    first, second = load_set(path, ["pli", "rpli"])
    assert first.avoid == {"rpli": "city address"}
    assert first.tags == ("hi-Latn", "contradictory")
    assert (first.partial, first.in_indian_language, first.contradictory) == (True, True, True)
    # nothing beyond the two required fields, no tags, nothing avoided
    assert (second.partial, second.in_indian_language, second.contradictory) == (False,) * 3
    assert (second.avoid, second.tags) == ({}, ())


def test_the_default_sets_leave_the_realistic_set_out() -> None:
    from matching.judged import EVAL_FILES, SET_FILES, load_sets

    assert set(load_sets()) == set(SET_FILES) == {"tuning", "held_aside", "independent"}
    assert set(EVAL_FILES) == {*SET_FILES, "realistic_dev", "realistic", "fresh"}


def test_ids_the_catalogue_lacks_are_kept_as_absent_when_asked(tmp_path: Path) -> None:
    from matching.metrics import ndcg_at_k

    path = tmp_path / "newer.yaml"
    path.write_text(
        "set: newer\nprofiles:\n"
        "  - {id: X1, state_group: north, profile: {pincode: '302001', sector: other},\n"
        "     relevance: {speed-post-contract: 2, dnk: 1},\n"
        "     why: {speed-post-contract: regular sender}, avoid: {newer-gone: withdrawn}}\n",
        encoding="utf-8",
    )
    with pytest.raises(JudgedSetError) as caught:
        load_set(path, ["dnk"])
    assert "unknown offering id 'speed-post-contract'" in " | ".join(caught.value.problems)
    (judged,) = load_set(path, ["dnk"], missing_ids="absent")
    assert judged.relevance == {"speed-post-contract": 2, "dnk": 1}
    assert judged.avoid == {"newer-gone": "withdrawn"}
    # The absent id stays in the ideal ranking: the best list the older catalogue can give
    # scores below 1.
    assert 0 < ndcg_at_k(["dnk"], judged.relevance) < 1
    # Other problems are still refused.
    path.write_text(path.read_text(encoding="utf-8").replace("dnk: 1", "dnk: 3"),
                    encoding="utf-8")
    with pytest.raises(JudgedSetError):
        load_set(path, ["dnk"], missing_ids="absent")
