"""The fresh judged set covers what it was written for: shapes of profile the other sets have
few of, and states across India incl. the North East and the islands. (Its size, composition
header, tags, reasons, PIN codes and validity are checked with the other as-sent sets in
test_judged_realistic.py.)"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from catalog import Catalog, Geography
from matching.judged import AS_SENT_FILES, FRESH_FILES, JudgedProfile, default_directory, load_set

PATH = default_directory() / FRESH_FILES["fresh"]
DEVANAGARI = re.compile("[\u0900-\u097f]")
LATIN_WORD = re.compile("[A-Za-z]{3,}")
MISFILED = {"744101": "Andaman & Nicobar Islands"}  # filed under Daman & Diu in the directory


@pytest.fixture(scope="module")
def fresh(catalog: Catalog) -> list[JudgedProfile]:
    return load_set(PATH, [o.id for o in catalog.offerings])


def test_it_is_reported_with_the_sets_as_sent() -> None:
    assert AS_SENT_FILES["fresh"] == "judged_fresh.yaml"


def test_it_covers_states_across_india(fresh: list[JudgedProfile]) -> None:
    directory = Geography.load()
    states = {MISFILED.get(j.profile["pincode"], directory.lookup(j.profile["pincode"]).state)
              for j in fresh}
    header = PATH.read_text(encoding="utf-8").split("\nset:", 1)[0]
    stated = re.search(r"- (\d+) states and union territories", header)
    assert stated
    assert int(stated.group(1)) == len(states)
    assert {"Nagaland", "Mizoram", "Arunachal Pradesh", "Tripura", "Ladakh", "Lakshadweep",
            "Andaman & Nicobar Islands"} <= states


def _text(judged: JudgedProfile) -> str:
    return str(judged.profile.get("products", ""))


def test_it_holds_the_shapes_it_was_written_for(fresh: list[JudgedProfile]) -> None:
    def count(keep: Callable[[JudgedProfile], object]) -> int:
        return sum(1 for j in fresh if keep(j))

    # partner-portal pushes: nothing but a products text beside pincode and sector
    assert count(lambda j: set(j.profile) == {"pincode", "sector", "products"}) >= 8
    # Devanagari and Roman words in one text
    assert count(lambda j: DEVANAGARI.search(_text(j)) and LATIN_WORD.search(_text(j))) >= 4
    sellers = {"meesho", "flipkart", "social_media", "amazon", "ondc"}
    assert count(lambda j: sellers & set(j.profile.get("sales_channels", ()))) >= 10
    assert count(lambda j: j.profile.get("business_type") == "shg") >= 5
    assert count(lambda j: j.profile.get("business_type") == "fpo") >= 5
    assert count(lambda j: "cash-on-delivery" in j.relevance or "cash-on-delivery" in j.avoid) >= 6
    assert count(lambda j: j.profile.get("sector") == "other") >= 8  # services and odd trades
    # exporters with no country chosen
    assert count(lambda j: not j.profile.get("destinations") and (
        j.profile.get("first_time_exporter") or "dnk" in j.relevance)) >= 8
