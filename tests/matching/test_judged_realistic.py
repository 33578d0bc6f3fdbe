"""The judged sets of profiles as sent (issue 17's held-out and development sets, the fresh set):
each loads, is big enough, holds the composition it claims, names only catalogue ids and
directory PIN codes, and is valid under DESIGN §4 as amended."""

from __future__ import annotations

import re

import pytest

from catalog import Catalog, Geography
from matching import ProfileError, parse_profile
from matching.judged import (
    AS_SENT_FILES,
    LANGUAGE_TAGS,
    JudgedProfile,
    default_directory,
    load_set,
)

PATHS = {name: default_directory() / file for name, file in AS_SENT_FILES.items()}
DEVANAGARI = re.compile("[\u0900-\u097f]")
GROUPS = {
    "north": {"Delhi", "Haryana", "Himachal Pradesh", "Jammu & Kashmir", "Punjab", "Rajasthan",
              "Uttar Pradesh", "Uttarakhand", "Chandigarh", "Ladakh"},
    "south": {"Andhra Pradesh", "Karnataka", "Kerala", "Tamil Nadu", "Telangana", "Puducherry",
              "Lakshadweep"},
    "east": {"Bihar", "Jharkhand", "Odisha", "West Bengal", "Andaman & Nicobar Islands"},
    "north_east": {"Assam", "Manipur", "Meghalaya", "Sikkim", "Nagaland", "Mizoram",
                   "Arunachal Pradesh", "Tripura"},
    "west": {"Goa", "Gujarat", "Maharashtra", "Dadra & Nagar Haveli and Daman & Diu"},
    "central": {"Chhattisgarh", "Madhya Pradesh"},
}
# PIN codes the directory files under another state (Port Blair under Dadra & Nagar Haveli and
# Daman & Diu): the state they are really in.
MISFILED = {"744101": "Andaman & Nicobar Islands"}
MAX_WEIGHT_AMENDED_KG = 100_000  # DESIGN §4 as amended


@pytest.fixture(scope="module", params=sorted(PATHS))
def name(request: pytest.FixtureRequest) -> str:
    out: str = request.param
    return out


@pytest.fixture(scope="module")
def realistic(catalog: Catalog, name: str) -> list[JudgedProfile]:
    # load_set refuses unknown offering ids in the grades and in `avoid`.
    return load_set(PATHS[name], [o.id for o in catalog.offerings])


@pytest.fixture(scope="module")
def directory() -> Geography:
    return Geography.load()


def _text(judged: JudgedProfile) -> str:
    return " ".join(str(judged.profile.get(k, "")) for k in ("name", "products"))


def test_size_and_composition(realistic: list[JudgedProfile], name: str) -> None:
    n = len(realistic)
    assert n >= 60
    assert len({j.id for j in realistic}) == n
    assert 2 * sum(j.partial for j in realistic) >= n
    assert 4 * sum(j.in_indian_language for j in realistic) >= n
    assert sum(j.contradictory for j in realistic) >= 8
    assert all(j.set == name for j in realistic)


def test_the_header_states_the_composition_truly(
    realistic: list[JudgedProfile], name: str
) -> None:
    header = PATHS[name].read_text(encoding="utf-8").split("\nset:", 1)[0]

    def stated(pattern: str) -> int:
        found = re.search(pattern, header)
        assert found, pattern
        return int(found.group(1))

    assert stated(r"Composition \((\d+) profiles") == len(realistic)
    assert stated(r"partial \(one to three fields[^)]*\): (\d+)") == sum(
        j.partial for j in realistic)
    assert stated(r"romanised Hindi/Marathi text: (\d+)") == sum(
        j.in_indian_language for j in realistic)
    assert stated(r"contradictory: (\d+)") == sum(j.contradictory for j in realistic)


def test_language_tags_match_the_text(realistic: list[JudgedProfile]) -> None:
    for judged in realistic:
        text = _text(judged)
        if "hi" in judged.tags or "mr" in judged.tags:
            assert DEVANAGARI.search(text), judged.id
        if any(t.endswith("-Latn") for t in judged.tags):
            assert not DEVANAGARI.search(text), judged.id
        if not any(t in LANGUAGE_TAGS for t in judged.tags):
            assert not DEVANAGARI.search(text), f"{judged.id} has Devanagari but no tag"


def test_every_grade_and_avoidance_has_a_reason(realistic: list[JudgedProfile]) -> None:
    for judged in realistic:
        assert set(judged.relevance) <= set(judged.why), judged.id
        assert all(reason.strip() for reason in judged.avoid.values()), judged.id


def test_every_pin_is_in_the_directory_and_in_its_state_group(
    realistic: list[JudgedProfile], directory: Geography
) -> None:
    for judged in realistic:
        pin = judged.profile["pincode"]
        assert pin in directory, f"{judged.id}: {pin}"
        state = MISFILED.get(pin, directory.lookup(pin).state)
        assert state in GROUPS[judged.state_group], judged.id


def test_every_profile_is_valid_under_the_amended_contract(
    realistic: list[JudgedProfile], directory: Geography
) -> None:
    """Today's validation may refuse a weight above 1000 kg; nothing else may be refused, and
    no weight is above the amended 100,000 kg."""
    for judged in realistic:
        weight = judged.profile.get("typical_weight_kg")
        assert weight is None or 0 < weight <= MAX_WEIGHT_AMENDED_KG, judged.id
        refused: set[str] = set()
        try:
            parse_profile(judged.profile, directory)
        except ProfileError as exc:
            refused = {e["field"] for e in exc.errors}
        assert refused <= {"typical_weight_kg"}, (judged.id, refused)
