"""``catalog.rules``: what the curated file may publish; each broken rule names entry and field."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from catalog import CatalogError, catalog_from_document, load_catalog
from catalog.rules import publication_problems, stale
from catalog.sources import banned_reason, is_official
from service.cli import main
from tests.catalog.test_loader import make_entry

HI = {
    "name": "परीक्षण पार्सल",
    "provider": "डाक विभाग",
    "description": "केवल इन परीक्षणों के लिए एक पार्सल सेवा।",
    "next_step": "काउंटर पर बुक करें।",
}
MR = {
    "name": "चाचणी पार्सल",
    "provider": "टपाल विभाग",
    "description": "फक्त या चाचण्यांसाठी एक पार्सल सेवा.",
    "next_step": "काउंटरवर बुक करा.",
}
DEVANAGARI = re.compile(r"[\u0900-\u097F]")


def _entry(**overrides: Any) -> dict[str, Any]:
    return make_entry(**{"next_step": "Book at the counter.", "i18n": {"hi": HI, "mr": MR},
                         **overrides})


def _problems(*entries: dict[str, Any]) -> list[str]:
    return publication_problems(catalog_from_document({"offerings": list(entries)}))


def test_a_complete_entry_breaks_no_rule() -> None:
    assert _problems(_entry()) == []


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://uat.indiapost.gov.in/MBE/Pages/Content/Business-Parcel-New.aspx", "test server"),
        ("https://ippbonlines.blogspot.com/", "look-alike"),
        ("https://keralapsc.monsoonmalabar.com/2020/01/23/x.html", "exam-preparation"),
        ("http://www.slideshare.net/someone/deck", "slide deck"),
        ("https://dev.cept.gov.in/enterpriseportal/business/business-solutions", "development"),
    ],
)
def test_banned_source_hosts_are_refused_by_entry_and_field(url: str, words: str) -> None:
    problems = _problems(_entry(source_urls=["https://www.indiapost.gov.in/x.aspx", url]))
    reason = banned_reason(url)
    assert reason is not None
    assert words in reason
    where = "entry 'test-parcel' field 'source_urls.1'"
    assert problems == [f"{where}: {url} may not be cited: {reason}"]


def test_official_sources_come_before_secondary_ones() -> None:
    problems = _problems(
        _entry(source_urls=["https://www.example-news.in/a", "https://pib.gov.in/PressReleasePage.aspx?PRID=1"])
    )
    assert len(problems) == 1
    assert problems[0].startswith("entry 'test-parcel' field 'source_urls.1': list official")


def test_official_hosts_are_government_or_the_providers_own_site() -> None:
    assert is_official("https://www.indiapost.gov.in/MBE/Pages/Content/Parcel.aspx")
    assert is_official("https://ippbonline.com/web/ippb/merchant-faq-s")
    assert is_official("http://odishapost.gov.in/direct_post.aspx")
    assert not is_official("https://uat.indiapost.gov.in/MBE/Pages/Content/Parcel.aspx")
    assert not is_official("https://www.shiprocket.in/blog/international-speed-post/")
    assert not is_official("https://ippbonline.com.evil.example/page")


def test_a_caveat_without_its_date_is_refused() -> None:
    caveat = {"destinations": ["US"], "text": "Duty is collected when you book."}
    entry = _entry(constraints={"scope": "international"}, caveats=[caveat])
    entry["i18n"] = {"hi": {**HI, "caveats": ["शुल्क बुकिंग पर लिया जाता है।"]},
                     "mr": {**MR, "caveats": ["शुल्क बुकिंगला घेतले जाते."]}}
    assert _problems(entry) == [
        "entry 'test-parcel' field 'caveats.0.since': a caveat needs the date of the fact it "
        "states (a rate or rule may have changed since)"
    ]


def test_researchers_notes_stay_out_of_user_text() -> None:
    entry = _entry(price="Rs 19 local (see uncertain).")
    entry["i18n"] = {
        "hi": {**HI, "price": "स्थानीय 19 रुपये।"},
        "mr": {**MR, "price": "स्थानिक 19 रुपये."},
    }
    (problem,) = _problems(entry)
    assert problem.startswith("entry 'test-parcel' field 'price': 'see uncertain' is a researcher")


def test_an_active_entry_needs_hindi_and_marathi() -> None:
    entry = _entry()
    del entry["i18n"]["mr"]
    assert _problems(entry) == [
        "entry 'test-parcel' field 'i18n.mr': an active offering needs its text in 'mr'"
    ]


def test_a_discontinued_entry_needs_no_translation() -> None:
    entry = make_entry(status="discontinued", status_since=dt.date(2024, 12, 18))
    assert _problems(entry) == []


def test_every_english_field_needs_its_translation() -> None:
    entry = _entry(price="Rs 10 a parcel.")
    assert _problems(entry) == [
        "entry 'test-parcel' field 'i18n.hi.price': missing (the English entry has one)",
        "entry 'test-parcel' field 'i18n.mr.price': missing (the English entry has one)",
    ]


def test_english_left_in_a_translation_is_refused() -> None:
    entry = _entry()
    entry["i18n"]["hi"] = {**HI, "description": entry["description"]}
    entry["i18n"]["mr"] = {**MR, "name": "Test Parcel (Marathi)"}
    assert _problems(entry) == [
        "entry 'test-parcel' field 'i18n.hi.description': still English; write it in Devanagari",
        "entry 'test-parcel' field 'i18n.mr.name': still English; write it in Devanagari",
    ]


def test_doubts_are_translated_one_for_one() -> None:
    entry = _entry(doubts=["The limit is not confirmed.", "Rates may have changed."])
    entry["i18n"]["hi"] = {**HI, "doubts": ["सीमा पक्की नहीं है।"]}
    entry["i18n"]["mr"] = {**MR, "doubts": ["मर्यादा निश्चित नाही.", "दर बदललेले असू शकतात."]}
    assert _problems(entry) == [
        "entry 'test-parcel' field 'i18n.hi.doubts': 1 item for the English 2"
    ]


def test_an_unconfirmed_limit_must_be_one_the_entry_sets() -> None:
    entry = _entry(constraints={"scope": "domestic", "unconfirmed": ["min_weight_kg"]})
    with pytest.raises(CatalogError) as caught:
        catalog_from_document({"offerings": [entry]})
    assert "field 'constraints.unconfirmed'" in caught.value.problems[0]
    assert "min_weight_kg" in caught.value.problems[0]


@pytest.mark.parametrize(
    ("constraints", "says"),
    [
        ({"scope": "any", "carries": "documents"}, "set scope 'domestic' or 'international'"),
        ({"scope": "international", "carries": "parcels"}, "'goods', 'documents' or"),
    ],
)
def test_what_an_offering_carries_is_checked(constraints: dict[str, str], says: str) -> None:
    with pytest.raises(CatalogError) as caught:
        catalog_from_document({"offerings": [_entry(constraints=constraints)]})
    assert "field 'constraints.carries'" in caught.value.problems[0]
    assert says in caught.value.problems[0]


def test_papers_and_advertising_services_say_what_they_carry() -> None:
    carries = {o.id: o.constraints.carries for o in load_catalog()}
    assert carries["international-letter-post-documents"] == "documents"
    assert carries["direct-post"] == "advertising"
    assert carries["itps"] == carries["speed-post"] == "goods"


def test_the_packaged_catalogue_keeps_every_rule() -> None:
    assert publication_problems(load_catalog()) == []


@pytest.mark.parametrize("lang", ["hi", "mr"])
def test_no_active_offering_falls_back_to_english(lang: str) -> None:
    for english in load_catalog().active():
        local = english.localized(lang)
        pairs = [
            ("name", english.name, local.name),
            ("provider", english.provider, local.provider),
            ("description", english.description, local.description),
            ("next_step", english.next_step, local.next_step),
            ("price", english.price, local.price),
            ("speed", english.speed, local.speed),
            ("location.note", english.location.note, local.location.note),
            *[(f"caveat {i}", c.text, d.text)
              for i, (c, d) in enumerate(zip(english.caveats, local.caveats, strict=True))],
            *[(f"doubt {i}", a, b)
              for i, (a, b) in enumerate(zip(english.doubts, local.doubts, strict=True))],
        ]
        for field, en, translated in pairs:
            if en is None:
                assert translated is None, (english.id, field)
                continue
            assert translated != en, (english.id, lang, field)
            assert translated, (english.id, lang, field)
            assert DEVANAGARI.search(translated), (english.id, lang, field)


def test_how_to_entries_link_an_official_page_in_three_languages() -> None:
    catalog = load_catalog()
    wanted = {"udyam", "iec", "icegate", "ad_code", "lut"}
    assert wanted <= {h.requirement.value for h in catalog.howto}
    assert any("e-Sanchit" in h.name for h in catalog.howto)
    for howto in catalog.howto:
        assert is_official(str(howto.url)), howto.id
        for lang in ("hi", "mr"):
            local = howto.localized(lang)
            assert DEVANAGARI.search(local.name), howto.id
            assert DEVANAGARI.search(local.steps), howto.id
    incentives = catalog.get("postal-export-incentives")
    assert incentives is not None
    assert {h.requirement.value for h in catalog.howto_for(incentives)} >= {"icegate", "ad_code"}


def test_a_how_to_must_link_an_official_page() -> None:
    document = {
        "offerings": [_entry()],
        "howto": [{
            "id": "udyam-registration", "requirement": "udyam", "name": "Udyam registration",
            "steps": "Register online on a portal with your Aadhaar.",
            "url": "https://www.udyam-registration.com/", "as_of": dt.date(2026, 1, 1),
            "source_urls": ["https://www.udyam-registration.com/"],
            "i18n": {"hi": {"name": "उद्यम पंजीकरण", "steps": "आधार से ऑनलाइन पंजीकरण करें।"},
                     "mr": {"name": "उद्यम नोंदणी", "steps": "आधारने ऑनलाइन नोंदणी करा."}},
        }],
    }
    assert publication_problems(catalog_from_document(document)) == [
        "howto 'udyam-registration' field 'url': https://www.udyam-registration.com/ is not "
        "an official page (government or provider site)"
    ]


def test_stale_lists_active_offerings_older_than_the_cutoff_oldest_first() -> None:
    old = _entry(id="old-one", as_of=dt.date(2020, 1, 1))
    older = _entry(id="older-one", as_of=dt.date(2019, 6, 1))
    fresh = _entry(id="fresh-one", as_of=dt.date(2026, 6, 1))
    gone = make_entry(id="gone-one", as_of=dt.date(2018, 1, 1), status="discontinued",
                      status_since=dt.date(2024, 12, 18))
    catalog = catalog_from_document({"offerings": [old, fresh, older, gone]})
    found = stale(catalog, days=365, today=dt.date(2026, 12, 4))
    assert [o.id for o in found] == ["older-one", "old-one"]
    assert stale(catalog, days=4000, today=dt.date(2026, 12, 4)) == []


def test_stale_command_prints_ages_and_sources(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "catalogue.yaml"
    old = _entry(id="old-one", as_of=dt.date(2020, 1, 1))
    fresh = _entry(id="fresh-one", as_of=dt.date.today())
    path.write_text(yaml.safe_dump({"offerings": [old, fresh]}))
    assert main(["catalog", "stale", str(path), "--days", "365"]) == 0
    out = capsys.readouterr().out.splitlines()
    age = (dt.date.today() - dt.date(2020, 1, 1)).days
    assert out[0] == f"old-one  as_of 2020-01-01 ({age:,} days)"
    assert out[1].strip() == "https://www.indiapost.gov.in/MBE/Pages/Content/Parcel.aspx"
    assert out[-1] == "1 of 2 active offerings has facts older than 365 days."


def test_stale_command_counts_with_plurals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "catalogue.yaml"
    yesterday = dt.date.today() - dt.timedelta(days=1)
    entries = [_entry(id=f"old-{n}", as_of=yesterday) for n in range(2)]
    path.write_text(yaml.safe_dump({"offerings": entries}))
    assert main(["catalog", "stale", str(path), "--days", "0"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"old-0  as_of {yesterday.isoformat()} (1 day)"
    assert out[-1] == "2 of 2 active offerings have facts older than 0 days."
    assert main(["catalog", "stale", str(path), "--days", "1"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "0 of 2 active offerings have facts older than 1 day."
    )
    path.write_text(yaml.safe_dump({"offerings": entries[:1]}))
    assert main(["catalog", "validate", str(path)]) == 0
    assert capsys.readouterr().out.startswith("ok: 1 offering (1 active), catalogue version ")


def test_stale_refuses_a_negative_day_count(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as leaving:
        main(["catalog", "stale", "--days", "-3"])
    assert leaving.value.code == 2
    assert "days cannot be negative: -3" in capsys.readouterr().err


def test_validate_names_the_broken_publication_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "catalogue.yaml"
    entry = _entry(source_urls=["https://uat.indiapost.gov.in/MBE/Pages/Content/Parcel.aspx"])
    path.write_text(yaml.safe_dump({"offerings": [entry]}))
    assert main(["catalog", "validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "error: entry 'test-parcel' field 'source_urls.0'" in err
    assert "1 problem; catalogue not valid" in err


def _without_hindi_provider() -> dict[str, Any]:
    entry = _entry()
    entry["i18n"]["hi"] = {k: v for k, v in HI.items() if k != "provider"}
    return entry


def _dated_caveat(since: dt.date | None) -> dict[str, Any]:
    caveat = {"destinations": ["US"], "text": "Duty is collected when you book.", "since": since}
    entry = _entry(constraints={"scope": "international"}, caveats=[caveat])
    entry["i18n"] = {"hi": {**HI, "caveats": ["शुल्क बुकिंग पर लिया जाता है।"]},
                     "mr": {**MR, "caveats": ["शुल्क बुकिंगला घेतले जाते."]}}
    return entry


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (_entry(source_urls=["https://www.example-news.in/a", "https://pib.gov.in/P.aspx?PRID=1"]),
         "field 'source_urls.1': list official sources (government or the provider's own site) "
         "before secondary ones"),
        (_entry(source_urls=["https://ippbonlines.blogspot.com/"]),
         "field 'source_urls.0': https://ippbonlines.blogspot.com/ may not be cited: a "
         "look-alike blog of the payments bank"),
        (_dated_caveat(None), "field 'caveats.0.since': a caveat needs the date of the fact"),
        (_entry(doubts=["Rates differ (see uncertain)."],
                i18n={"hi": {**HI, "doubts": ["दरें अलग हैं।"]},
                      "mr": {**MR, "doubts": ["दर वेगळे आहेत."]}}),
         "field 'doubts.0': 'see uncertain' is a researcher's note"),
        (_entry(i18n={"hi": HI}), "field 'i18n.mr': an active offering needs its text in 'mr'"),
        (_without_hindi_provider(),
         "field 'i18n.hi.provider': missing (the English entry has one)"),
        (_entry(i18n={"hi": {**HI, "provider": "Department of Posts"}, "mr": MR}),
         "field 'i18n.hi.provider': still English; write it in Devanagari"),
    ],
    ids=["official-first", "banned-host", "undated-caveat", "researcher-note", "no-marathi",
         "untranslated-provider", "english-provider"],
)
def test_validate_refuses_a_file_breaking_each_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], entry: dict[str, Any], message: str
) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump({"offerings": [entry]}, allow_unicode=True), encoding="utf-8")
    assert main(["catalog", "validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"error: entry 'test-parcel' {message}" in err
    assert "1 problem; catalogue not valid" in err
    entry_ok = _dated_caveat(dt.date(2025, 10, 15))
    path.write_text(yaml.safe_dump({"offerings": [entry_ok]}, allow_unicode=True),
                    encoding="utf-8")
    assert main(["catalog", "validate", str(path)]) == 0


@pytest.mark.parametrize(
    ("constraints", "says"),
    [
        ({"scope": "domestic", "min_weight_kg": 35, "stricter_reported": {"min_weight_kg": 20}},
         "min_weight_kg: 20 is not stricter than the applied 35"),
        ({"scope": "domestic", "max_weight_kg": 35, "stricter_reported": {"max_weight_kg": 50}},
         "max_weight_kg: 50 is not stricter than the applied 35"),
        ({"scope": "domestic", "stricter_reported": {"min_weight_kg": 100}},
         "min_weight_kg: a stricter figure needs the limit set and applied"),
        ({"scope": "domestic", "min_weight_kg": 35, "unconfirmed": ["min_weight_kg"],
          "stricter_reported": {"min_weight_kg": 100}},
         "min_weight_kg: a stricter figure needs the limit set and applied"),
    ],
)
def test_a_stricter_reported_figure_must_be_stricter_than_an_applied_limit(
    constraints: dict[str, Any], says: str
) -> None:
    with pytest.raises(CatalogError) as caught:
        catalog_from_document({"offerings": [_entry(constraints=constraints)]})
    assert "field 'constraints.stricter_reported'" in caught.value.problems[0]
    assert says in caught.value.problems[0]
    fine = {"scope": "domestic", "min_weight_kg": 35, "stricter_reported": {"min_weight_kg": 100}}
    (offering,) = catalog_from_document({"offerings": [_entry(constraints=fine)]}).offerings
    assert offering.constraints.applied("min_weight_kg") == 35
    assert offering.constraints.doubtful_limit("min_weight_kg") == 100
