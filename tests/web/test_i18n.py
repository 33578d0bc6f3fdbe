"""Catalogues: every string the pages, labels and reason templates use is translated into
Hindi and Marathi with the same placeholders; reasons are written from their codes."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

from catalog.vocab import STATES
from matching.reasons import CODES, Reason, reason
from service import reasons
from service.web import dashboard, forms, i18n, widget

WEB = Path(i18n.__file__).parent
_CALL = re.compile(r'_\("((?:[^"\\]|\\.)*)"\)')
_NCALL = re.compile(r'ngettext\(\s*"((?:[^"\\]|\\.)*)",\s*"((?:[^"\\]|\\.)*)"')
DEVANAGARI = re.compile(r"[\u0900-\u097F]")


def _catalog(lang: str) -> dict[str, Any]:
    """msgid (the singular of a plural entry) -> its translation (a tuple for plurals)."""
    with (WEB / "locales" / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=lang)
    out: dict[str, Any] = {}
    for m in catalog:
        msgid: Any = m.id
        text: Any = m.string
        if not msgid or m.fuzzy:
            continue
        if isinstance(msgid, tuple):
            if all(text):
                out[msgid[0]] = tuple(text)
                out[msgid[1]] = tuple(text)
        elif text:
            out[str(msgid)] = text
    return out


class _Recorder:
    """A writer's gettext that records the msgids the reason templates ask for."""

    def __init__(self) -> None:
        self.asked: set[str] = set()

    def gettext(self, msgid: str) -> str:
        self.asked.add(msgid)
        return msgid

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        self.asked.update((singular, plural))
        return singular if n == 1 else plural


# Reasons that reach every branch of the templates (with the examples of /docs).
_VARIANTS = [
    reason("reaches_destinations", countries=["US", "DE", "GB", "AE"]),
    reason("weight_within_limit", scope="domestic", parcels=None, weight_kg=1, max_kg=2),
    reason("weight_over_minimum", scope="international", parcels=1, weight_kg=40, min_kg=35),
    reason("export_benefits", parcels=None),
    reason("discontinued", since=None, offering=None),
    reason("region_not_served", regions=[], state=None),
    reason("segment_only", segments=list(reasons.SEGMENT_WORDS)),
    reason("need_served", needs=list(reasons.NEED_WORDS)),
    reason("channel_fit", channels=list(reasons.CHANNEL_WORDS)),
    *[reason("sector_fit", sector=s) for s in reasons.SECTOR_WORDS],
    *[reason(code, parcels=n) for code in ("volume_counter", "domestic_parcels", "pickup_volume")
      for n in (1, 2)],
]


def _reason_msgids() -> set[str]:
    recorder = _Recorder()
    writer = reasons.Writer("en", recorder.gettext, recorder.ngettext)
    for item in [*reasons.EXAMPLES.values(), *_VARIANTS]:
        reasons.render_with(writer, item)
    return recorder.asked - {reasons.CHANNEL_WORDS[k] for k in ("amazon", "flipkart", "etsy",
                                                                 "meesho", "gem", "ondc")}


def _used_msgids() -> set[str]:
    found: set[str] = set()
    for path in [*WEB.glob("templates/**/*.html"), *WEB.glob("*.py")]:
        text = path.read_text(encoding="utf-8")
        found.update(_CALL.findall(text))
        for singular, plural in _NCALL.findall(text):
            found.update((singular, plural))
    for table in (
        i18n.SECTORS, i18n.BUSINESS_TYPES, i18n.SIZE_CLASSES, i18n.SALES_CHANNELS, i18n.NEEDS,
        i18n.CATEGORIES, i18n.OUTCOMES, i18n.COMMON_DESTINATIONS,
    ):  # fmt: skip
        found.update(table.values())
    found.update(heading for heading, _ in i18n.NEED_GROUPS)
    found.update(_reason_msgids())
    found.update(f for choices in forms.FRIENDLY_MESSAGES.values() for _, f in choices)
    found.update(widget.STRINGS)
    found.update(forms.OWN_MESSAGES)
    found.update(dashboard.MESSAGES)  # why an outcome cannot be recorded
    found.update(STATES)  # written by the region reason and the pages
    return found


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", ["hi", "mr"])
def test_every_msgid_is_translated_with_its_placeholders(lang: str) -> None:
    translated = _catalog(lang)
    missing = sorted(_used_msgids() - translated.keys())
    assert not missing, f"{lang}: untranslated {missing}"
    for msgid, text in translated.items():
        forms_ = text if isinstance(text, tuple) else (text,)
        fields = set().union(*(_fields(t) for t in forms_))
        assert _fields(msgid) <= fields | {"count", "n"}, (lang, msgid, text)
        assert fields <= _fields(msgid) | {"count", "n"} or isinstance(text, tuple), (
            lang, msgid, text)
        for t in forms_:
            assert DEVANAGARI.search(t) or t == msgid, (lang, msgid)


def test_every_code_has_a_template_and_an_example() -> None:
    assert reasons.missing_templates() == []
    assert set(reasons.TEMPLATES) == set(CODES)
    assert set(reasons.EXAMPLES) == set(CODES)
    for code, example in reasons.EXAMPLES.items():
        assert tuple(name for name, _ in example.params) == CODES[code], code


@pytest.mark.parametrize("lang", ["hi", "mr"])
def test_every_template_is_written_in_hindi_and_marathi(lang: str) -> None:
    """Each code's example, written in the language: no English template text left (only
    the parameters' own words: places, the enterprise's words, catalogue prose)."""
    translated = _catalog(lang)
    for code, example in reasons.EXAMPLES.items():
        recorder = _Recorder()
        reasons.render_with(reasons.Writer("en", recorder.gettext, recorder.ngettext), example)
        assert recorder.asked, code  # every template goes through the catalogue
        assert recorder.asked <= translated.keys() | {"Amazon", "Etsy"}, (code, recorder.asked)
        written = reasons.render(example, lang)
        assert DEVANAGARI.search(written), (lang, code, written)
        assert written != reasons.render(example, "en"), (lang, code)


@pytest.mark.parametrize(
    ("item", "lang", "expected"),
    [
        (reason("need_served", needs=["international_shipping", "export_documentation"]), "hi",
         "आपकी माँगी हुई चीज़ देता है: विदेश में पार्सल भेजना, निर्यात के काग़ज़ात"),
        (reason("reaches_destinations", countries=["US", "DE", "CA", "FR", "GB"]), "mr",
         "तुमच्या गंतव्य देशांपर्यंत पोहोचते: अमेरिका, जर्मनी, कॅनडा आणि आणखी 2"),
        (reason("weight_within_limit", scope="international", parcels=40, weight_kg=1.2,
                max_kg=2), "hi",
         "हर महीने 40 पार्सल विदेश भेजते हैं, आम तौर पर 1.2 किग्रा: 2 किग्रा की सीमा के भीतर"),
        (reason("needs_implied", causes=[reason("sells_online", channels=["amazon"]),
                                         reason("pickup_volume", parcels=200)]), "mr",
         "तुम्ही ऑनलाइन विकता (Amazon); दरमहा 200 पार्सलसाठी पिकअप फायद्याचा आहे: ही सेवा यात मदत करते"),
        (reason("over_max_weight", weight_kg=5.0, max_kg=2.0), "en",
         "typical parcel 5 kg is over the 2 kg limit"),
        (reason("over_max_value", value_inr=150000.0, max_inr=100000.0), "en",
         "typical value ₹1,50,000 is over the ₹1,00,000 limit"),
        (reason("over_max_value", value_inr=150000.0, max_inr=100000.0), "hi",
         "आम मूल्य ₹1,50,000 है, जो ₹1,00,000 की सीमा से अधिक है"),
        (reason("volume_contract", parcels=1), "en",
         "1 parcel a month: enough regular volume for a contract"),
        (reason("volume_contract", parcels=150000), "en",
         "1,50,000 parcels a month: enough regular volume for a contract"),
        (reason("pickup_volume", parcels=1), "en", "1 parcel a month is worth a pickup"),
        (reason("requires_iec"), "mr", None),
        (Reason("no_such_code"), "hi", "no_such_code"),
    ],
)
def test_reasons_are_written_from_codes(item: Reason, lang: str, expected: str | None) -> None:
    written = reasons.render(item, lang)
    if expected is None:
        assert DEVANAGARI.search(written)
        assert "IEC" in written
    else:
        assert written == expected


def test_a_stored_answer_is_written_again_from_its_codes() -> None:
    stored: dict[str, Any] = {
        "recommendations": [{"offering_id": "itps", "reasons": ["old English"],
                             "reason_codes": [reason("export_bill").as_json()],
                             "prerequisites": [], "prerequisite_codes": [
                                 reason("requires_gstin").as_json()]},
                            {"offering_id": "ems", "reasons": ["kept: no codes"]}],
        "not_eligible": [{"offering_id": "dnk", "reasons": ["x"],
                          "reason_codes": [reason("no_export_intent").as_json()]}],
        "ask": [{"field": "destinations", "why": "old", "code": "ask_destinations"}],
    }
    hindi: dict[str, Any] = reasons.render_stored(stored, "hi")
    assert hindi["recommendations"][0]["reasons"] == [
        "हर व्यावसायिक निर्यात के लिए पोस्टल बिल ऑफ़ एक्सपोर्ट चाहिए"]
    assert DEVANAGARI.search(hindi["recommendations"][0]["prerequisites"][0])
    assert hindi["recommendations"][1]["reasons"] == ["kept: no codes"]
    assert hindi["not_eligible"][0]["reasons"] == [
        "विदेश भेजने के लिए; प्रोफ़ाइल में निर्यात की कोई बात नहीं है"]
    assert DEVANAGARI.search(hindi["ask"][0]["why"])
    assert stored["recommendations"][0]["reasons"] == ["old English"]  # not changed in place


def test_vocabulary_labels_cover_the_vocabularies() -> None:
    from catalog.vocab import BusinessType, Category, Need, SalesChannel, Sector, SizeClass

    for table, vocab in (
        (i18n.SECTORS, Sector), (i18n.BUSINESS_TYPES, BusinessType), (i18n.SIZE_CLASSES, SizeClass),
        (i18n.SALES_CHANNELS, SalesChannel), (i18n.NEEDS, Need), (i18n.CATEGORIES, Category),
    ):  # fmt: skip
        assert set(table) == {v.value for v in vocab}
    grouped = [need for _, needs in i18n.NEED_GROUPS for need in needs]
    assert sorted(grouped) == sorted(i18n.NEEDS)  # every need once, under one heading


def test_widget_script_carries_every_language() -> None:
    import json

    source = widget.script()
    texts = json.loads(source.split("var ALL = ", 1)[1].split(";\n", 1)[0])
    assert set(texts) == set(i18n.LANGUAGES)
    assert texts["hi"]["strings"]["Show services that fit"] == "उपयुक्त सेवाएँ दिखाएँ"
    assert ["handicrafts", "हस्तकला"] in texts["mr"]["sectors"]
    assert len(texts["en"]["needs"]) == len(widget.NEEDS_SHOWN)


@pytest.mark.parametrize("lang", ["en", "hi", "mr"])
def test_numbers_and_rupees_are_written_as_babel_writes_them(lang: str) -> None:
    """The quick Indian grouping of whole numbers gives babel.numbers' text exactly."""
    import random

    from babel.numbers import format_currency, format_decimal

    locale = reasons.NUMBER_LOCALES[lang]
    rng = random.Random(7)
    values = [0, 7, 999, 1000, 1200, 99_999, 1_00_000, 1_50_000, 12_34_567, 10**12,
              *(rng.randrange(10**rng.randrange(1, 14)) for _ in range(300))]
    for value in values:
        assert reasons.number(value, lang) == format_decimal(
            value, locale=locale, numbering_system="latn"), value
        assert reasons.number(float(value), lang) == reasons.number(value, lang)
        amount = value + rng.choice((0.0, 0.4, 0.5, 0.6))
        assert reasons.rupees(amount, lang) == format_currency(
            amount, "INR", locale=locale, format="¤#,##,##0", currency_digits=False,
            numbering_system="latn"), amount
    assert reasons.number(1.25, lang) == "1.25"
    assert reasons.number(150000, lang) == "1,50,000"
    assert reasons.rupees(150000, lang) == "₹1,50,000"


@pytest.mark.parametrize("lang", ["en", "hi", "mr"])
def test_shares_and_dates_are_written_as_babel_writes_them(lang: str) -> None:
    import datetime as dt

    from babel.dates import format_date
    from babel.numbers import format_percent

    locale = reasons.NUMBER_LOCALES[lang]
    for share in (0.0, 0.125, 0.625, 1.0):
        assert reasons.percent(share, lang) == format_percent(share, locale=locale)
    day = dt.date(2026, 11, 30)
    assert reasons.day_and_month(day, lang) == format_date(day, "d MMM", locale=locale)
    assert reasons.day_and_month(day, lang).startswith("30 ")


@pytest.mark.parametrize(
    ("lang", "one", "many"),
    [("en", "1 profile found", "1,50,000 profiles found"),
     ("hi", "1 प्रोफ़ाइल मिली", "1,50,000 प्रोफ़ाइलें मिलीं"),
     ("mr", "1 प्रोफाइल सापडली", "1,50,000 प्रोफाइल सापडल्या")],
)
def test_counts_on_pages_agree_with_their_noun(lang: str, one: str, many: str) -> None:
    ngettext = i18n.translations(lang).ngettext
    for count, expected in ((1, one), (150000, many)):
        text = ngettext("{n} profile found", "{n} profiles found", count)
        assert text.format(n=reasons.number(count, lang)) == expected


def test_state_names_are_written_in_the_readers_script() -> None:
    item = reason("region_not_served", regions=["Maharashtra"], state="Rajasthan")
    assert "महाराष्ट्र" in reasons.render(item, "hi")
    assert "राजस्थान" in reasons.render(item, "mr")
    assert reasons.render(item, "en") == "offered only in Maharashtra, not in Rajasthan"
