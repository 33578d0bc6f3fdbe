"""Issue 18: a Hindi or Marathi answer carries no English sentence of the English answer.

A spread of judged profiles is ranked in English, Hindi and Marathi with every offering shown;
every text field of the hi/mr answers (offering names, providers, reasons, not-eligible
reasons, prerequisites, questions) is searched for the phrases of three or more English words
of the English answer: one found there is a text that fell back to English. What may stay as
it is: places (post office and centre names from the directory and the catalogue), web
addresses and the enterprise's own words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from tests.service.conftest import served_catalog

REC = "/v1/recommendations?limit=50"
DATA = Path(__file__).resolve().parents[1] / "data"
WEB_ADDRESS = re.compile(r"(?:https?://)?[\w-]+(?:\.[\w-]+)+(?:/\S*)?")  # gem.gov.in
LATIN_WORD = re.compile(r"[A-Za-z]+(?:['-][A-Za-z]+)*")
# Fields that hold codes, identifiers or versions, never text for people.
CODE_FIELDS = {"reason_codes", "prerequisite_codes", "code", "offering_id", "field", "category",
               "catalog_version", "model_version", "run_id", "profile_id"}


def _profiles() -> list[dict[str, Any]]:
    """Every third judged profile of each set (with the places, countries, weights and
    languages they span), and one that reaches many rules at once."""
    out: list[dict[str, Any]] = []
    for path in sorted(DATA.glob("judged_*.yaml")):
        profiles = yaml.safe_load(path.read_text(encoding="utf-8"))["profiles"]
        out += [p["profile"] for p in profiles[::3]]
    out.append({"pincode": "302001", "sector": "handicrafts", "needs": ["international_shipping"],
                "destinations": ["NG", "KE", "LK"], "typical_weight_kg": 40,
                "monthly_international_parcels": 40, "typical_value_inr": 150000})
    return out


def _texts(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in CODE_FIELDS:
                yield from _texts(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, f"{path}[{index}]")
    elif isinstance(value, str):
        yield path, value


def _phrases(text: str) -> Iterator[str]:
    """The runs of three or more English words between the stops of ``text`` (a list of
    three countries is one run)."""
    for piece in re.split(r"[.;:!?()\[\]]+\s+|[;:()\[\]]|\s+-\s+", text):
        piece = piece.strip()
        if len(LATIN_WORD.findall(piece)) >= 3 and not WEB_ADDRESS.fullmatch(piece):
            yield piece


def _kept(answer: dict[str, Any], profile: dict[str, Any]) -> set[str]:
    """Phrases that may stay as they are: places and the enterprise's own words."""
    kept: set[str] = set()
    for item in answer["recommendations"]:
        place = item.get("location") or {}
        for value in place.values():
            if isinstance(value, str):  # a place's name or address, whole and in its parts
                kept |= set(_phrases(value)) | {p for part in value.split(",")
                                                for p in _phrases(part)}
    for value in profile.values():
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str):
                kept |= set(_phrases(text)) | {w.casefold() for w in LATIN_WORD.findall(text)}
    return kept


def _english_left(english: dict[str, Any], local: dict[str, Any],
                  profile: dict[str, Any]) -> list[tuple[str, str]]:
    kept = _kept(english, profile)
    phrases = {p for _, text in _texts(english) for p in _phrases(text)
               if p not in kept and not _only_own_words(p, kept)}
    return [(path, phrase) for path, text in _texts(local) for phrase in phrases
            if phrase in text]


def _only_own_words(phrase: str, kept: set[str]) -> bool:
    """A list of the enterprise's own words ("cash, delivery, pay" of its products)."""
    return all(w.casefold() in kept for w in LATIN_WORD.findall(phrase))


@pytest.mark.parametrize("lang", ["hi", "mr"])
def test_no_english_sentence_is_left_in_a_hindi_or_marathi_answer(
    client: TestClient, lang: str
) -> None:
    left: list[tuple[int, str, str]] = []
    seen: set[str] = set()
    for number, profile in enumerate(_profiles()):
        english = client.post(REC, json=profile)
        assert english.status_code == 200, (profile, english.text)
        local = client.post(f"{REC}&lang={lang}", json=profile).json()
        assert local["language"] == lang if "language" in local else True
        seen |= {item["offering_id"] for item in local["recommendations"]}
        left += [(number, path, phrase)
                 for path, phrase in _english_left(english.json(), local, profile)]
    assert sorted({phrase for _, _, phrase in left}) == [], left[:5]
    # The spread shows nearly every active offering by name, provider and reasons.
    active = {o.id for o in served_catalog().active()}
    assert len(seen & active) >= len(active) - 3, sorted(active - seen)


def _answer(name: str, provider: str, reasons: list[str]) -> dict[str, Any]:
    return {"recommendations": [{"name": name, "provider": provider, "reasons": reasons,
                                 "location": {"name": "Jaipur G.P.O."}}], "not_eligible": []}


def test_the_check_finds_english_left_in_a_field() -> None:
    """The check itself: a provider left in English, or countries named in English inside a
    Hindi sentence, are found; a post office's name and the enterprise's words are not."""
    english = _answer("Speed Post", "Department of Posts", [
        "reaches your destinations: Sri Lanka, Nigeria, Kenya",
        "nearest head post office: Jaipur G.P.O., 1 km away",
        "matches your words: cash, delivery, buyers"])
    hindi = _answer("स्पीड पोस्ट", "Department of Posts", [
        "आपके गंतव्य देशों तक पहुँचता है: Sri Lanka, Nigeria, Kenya",
        "निकटतम प्रधान डाकघर: Jaipur G.P.O., 1 किमी दूर",
        "आपके शब्दों से मेल: cash, delivery, buyers"])
    profile = {"products": "cash on delivery for buyers"}
    assert _english_left(english, hindi, profile) == [
        (".recommendations[0].provider", "Department of Posts"),
        (".recommendations[0].reasons[0]", "Sri Lanka, Nigeria, Kenya"),
    ]
    translated = _answer("स्पीड पोस्ट", "डाक विभाग", [
        "आपके गंतव्य देशों तक पहुँचता है: श्रीलंका, नाइजीरिया, केन्या",
        "निकटतम प्रधान डाकघर: Jaipur G.P.O., 1 किमी दूर",
        "आपके शब्दों से मेल: cash, delivery, buyers"])
    assert _english_left(english, translated, profile) == []
