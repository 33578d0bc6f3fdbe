"""Catalogues: every string the pages, labels and matching's sentences use is translated into
Hindi and Marathi with the same placeholders; reasons are translated by template."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from catalog import Geography
from matching.eligibility import NEXT_STEPS
from service.web import forms, i18n, messages, widget

WEB = Path(i18n.__file__).parent
_CALL = re.compile(r'_\("((?:[^"\\]|\\.)*)"\)')


def _used_msgids() -> set[str]:
    found: set[str] = set()
    for path in [*WEB.glob("templates/**/*.html"), *WEB.glob("*.py")]:
        found.update(_CALL.findall(path.read_text(encoding="utf-8")))
    for table in (
        i18n.SECTORS, i18n.BUSINESS_TYPES, i18n.SIZE_CLASSES, i18n.SALES_CHANNELS, i18n.NEEDS,
        i18n.CATEGORIES, i18n.OUTCOMES, i18n.COMMON_DESTINATIONS,
    ):  # fmt: skip
        found.update(table.values())
    found.update(heading for heading, _ in i18n.NEED_GROUPS)
    found.update(msgid for _, msgid in messages.PATTERNS)
    found.update(messages.EXACT)
    found.update(f for choices in forms._FRIENDLY.values() for _, f in choices)
    found.update(NEXT_STEPS.values())
    found.update(widget.STRINGS)
    found.update(forms._OWN)
    return found


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", ["hi", "mr"])
def test_every_msgid_is_translated_with_its_placeholders(lang: str) -> None:
    with (WEB / "locales" / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=lang)
    translated = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(_used_msgids() - translated.keys())
    assert not missing, f"{lang}: untranslated {missing}"
    for msgid, text in translated.items():
        assert _fields(str(msgid)) == _fields(str(text)), (lang, msgid, text)
        assert re.search(r"[\u0900-\u097F]", str(text)) or str(text) == str(msgid), (lang, msgid)


def test_vocabulary_labels_cover_the_vocabularies() -> None:
    from catalog.vocab import BusinessType, Category, Need, SalesChannel, Sector, SizeClass

    for table, vocab in (
        (i18n.SECTORS, Sector), (i18n.BUSINESS_TYPES, BusinessType), (i18n.SIZE_CLASSES, SizeClass),
        (i18n.SALES_CHANNELS, SalesChannel), (i18n.NEEDS, Need), (i18n.CATEGORIES, Category),
    ):  # fmt: skip
        assert set(table) == {v.value for v in vocab}
    grouped = [need for _, needs in i18n.NEED_GROUPS for need in needs]
    assert sorted(grouped) == sorted(i18n.NEEDS)  # every need once, under one heading


@pytest.mark.parametrize(
    ("sentence", "lang", "expected"),
    [
        (
            "serves what you asked for: international shipping, export documentation",
            "hi",
            "आपकी माँगी हुई चीज़ देता है: विदेश में पार्सल भेजना, निर्यात के काग़ज़ात",
        ),
        (
            "reaches your destinations: United States, Germany, Canada and 2 more",
            "mr",
            "तुमच्या गंतव्य देशांपर्यंत पोहोचते: अमेरिका, जर्मनी, कॅनडा आणि आणखी 2",
        ),
        (
            "ships 40 parcels a month abroad, 1.2 kg typical: under the 2 kg limit",
            "hi",
            "हर महीने 40 पार्सल विदेश भेजते हैं, आम तौर पर 1.2 किग्रा: 2 किग्रा की सीमा के भीतर",
        ),
        (
            "you sell online (Amazon); 200 parcels a month are worth a pickup: it handles that",
            "mr",
            "तुम्ही ऑनलाइन विकता (Amazon); दरमहा 200 पार्सलसाठी पिकअप फायद्याचा आहे: ही सेवा यात मदत करते",
        ),
        (
            "typical parcel 5 kg is over the 2 kg limit",
            "en",
            "typical parcel 5 kg is over the 2 kg limit",
        ),
        ("a sentence no template knows", "hi", "a sentence no template knows"),
    ],
)
def test_reasons_are_translated_by_template(sentence: str, lang: str, expected: str) -> None:
    assert messages.translate(sentence, lang) == expected


def test_reason_patterns_match_what_matching_writes(served: object, geography: Geography) -> None:
    """Real rankings: most sentences (not catalogue caveats) get a Hindi template."""
    import matching

    ranker = getattr(served, "ranker", None)
    if ranker is None:
        pytest.skip("ranking unavailable")
    from service.examples import PROFILE_EXAMPLE

    profiles = [
        PROFILE_EXAMPLE,
        {"pincode": "400001", "sector": "food_spices", "needs": ["domestic_shipping"],
         "sales_channels": ["amazon", "own_shop"], "monthly_domestic_parcels": 200,
         "typical_weight_kg": 3},
        {"pincode": "411001", "sector": "engineering_goods", "typical_weight_kg": 40,
         "needs": ["bulk_freight"], "destinations": ["AE"]},
    ]  # fmt: skip
    sentences: list[str] = []
    for body in profiles:
        ranking = ranker.rank(matching.parse_profile(body, geography), k=10)
        for rec in ranking.recommendations:
            sentences += list(rec.reasons) + list(rec.prerequisites)
        for item in ranking.not_eligible:
            sentences += list(item.reasons)
    untranslated = [s for s in sentences if messages.translate(s, "hi") == s]
    # Catalogue caveats and discontinuation notes are catalogue prose, kept in English.
    assert len(untranslated) <= len(sentences) // 5, untranslated


def test_widget_script_carries_every_language() -> None:
    import json

    source = widget.script()
    texts = json.loads(source.split("var ALL = ", 1)[1].split(";\n", 1)[0])
    assert set(texts) == set(i18n.LANGUAGES)
    assert texts["hi"]["strings"]["Show services that fit"] == "उपयुक्त सेवाएँ दिखाएँ"
    assert ["handicrafts", "हस्तकला"] in texts["mr"]["sectors"]
    assert len(texts["en"]["needs"]) == len(widget.NEEDS_SHOWN)
