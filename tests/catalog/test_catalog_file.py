"""The curated catalogue file: contract ids, provenance and the facts it must not lose."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from catalog import Catalog, Category, LocationKind, Offering, Status, load_catalog

# DESIGN §3: ids that must exist, by group.
CONTRACT_IDS: dict[Category, tuple[str, ...]] = {
    Category.EXPORT_FACILITATION: ("dnk", "ibc-mumbai", "postal-export-incentives"),
    Category.CROSS_BORDER_PARCELS: (
        "itps",
        "ems",
        "international-air-parcel",
        "registered-small-packet",
    ),
    Category.DOMESTIC_PARCELS: (
        "speed-post",
        "business-parcel",
        "express-parcel",
        "cash-on-delivery",
        "logistics-post",
        "rail-post-gati-shakti",
        "parcel-packaging",
    ),
    Category.ECOMMERCE_CAPACITY: (
        "amazon-india-post",
        "gem-india-post",
        "ondc-india-post",
        "india-post-api",
    ),
    Category.PAYMENTS_INSURANCE: (
        "ippb-merchant",
        "pli",
        "rpli",
        "ippb-accident-cover",
        "epm-export-credit",
    ),
    Category.PARTNERS_PROGRAMMES: (
        "wtc-mumbai",
        "mssidc-marketing",
        "ramp-maharashtra",
        "niryat-bandhu",
        "district-export-hubs",
    ),
}
ALL_CONTRACT_IDS = [i for ids in CONTRACT_IDS.values() for i in ids]
US_DDP_START = dt.date(2025, 10, 15)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def _get(catalog: Catalog, offering_id: str) -> Offering:
    offering = catalog.get(offering_id)
    assert offering is not None, f"{offering_id} is missing"
    return offering


def _notes(offering: Offering) -> str:
    return " ".join(offering.uncertain)


@pytest.mark.parametrize("offering_id", ALL_CONTRACT_IDS)
def test_contract_id_present_in_its_group(catalog: Catalog, offering_id: str) -> None:
    offering = _get(catalog, offering_id)
    expected = next(cat for cat, ids in CONTRACT_IDS.items() if offering_id in ids)
    assert offering.category is expected


def test_at_least_35_offerings_and_every_group_filled(catalog: Catalog) -> None:
    assert len(catalog) >= 35
    assert {o.category for o in catalog} == set(Category)


def test_registered_small_packet_is_kept_discontinued_and_never_active(catalog: Catalog) -> None:
    packet = _get(catalog, "registered-small-packet")
    assert packet.status is Status.DISCONTINUED
    assert packet.status_since == dt.date(2026, 1, 1)
    assert "registered-small-packet" not in {o.id for o in catalog.active()}
    assert "ITPS" in (packet.next_step or "")


def test_every_other_contract_offering_is_active(catalog: Catalog) -> None:
    inactive = [i for i in ALL_CONTRACT_IDS if not _get(catalog, i).active]
    assert inactive == ["registered-small-packet"]


def test_every_entry_has_provenance_not_newer_than_the_file(catalog: Catalog) -> None:
    assert catalog.as_of is not None
    for offering in catalog:
        assert offering.source_urls, offering.id
        assert offering.as_of <= catalog.as_of, offering.id
        assert all(url.scheme in {"http", "https"} for url in offering.source_urls), offering.id


def test_descriptions_are_short_plain_language(catalog: Catalog) -> None:
    for offering in catalog:
        sentences = [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", offering.description) if s]
        assert 1 <= len(sentences) <= 3, (offering.id, sentences)
        assert offering.next_step, f"{offering.id} has no next step"


def test_cross_border_weights_and_coverage_are_sourced_or_flagged(catalog: Catalog) -> None:
    itps = _get(catalog, "itps")
    assert itps.constraints.max_weight_kg == 2
    assert itps.constraints.destinations == "all"
    assert "135" in _notes(itps)

    ems = _get(catalog, "ems")
    assert ems.constraints.max_weight_kg == 35
    assert "99-100" in _notes(ems)
    assert "Shiprocket" in _notes(ems)

    air = _get(catalog, "international-air-parcel")
    assert air.constraints.max_weight_kg is None  # 20, 21 or 30 kg: the sources disagree
    assert all(figure in _notes(air) for figure in ("20 kg", "21 kg", "30 kg"))


def test_speed_post_tariff_conflict_is_recorded(catalog: Catalog) -> None:
    speed_post = _get(catalog, "speed-post")
    assert "Tribune" in _notes(speed_post)
    assert "conflict" in _notes(speed_post)


@pytest.mark.parametrize("offering_id", ["itps", "ems", "international-air-parcel"])
def test_us_bound_postal_products_warn_of_duty_at_booking(
    catalog: Catalog, offering_id: str
) -> None:
    caveats = [c for c in _get(catalog, offering_id).caveats if "US" in c.destinations]
    assert len(caveats) == 1
    assert caveats[0].since == US_DDP_START
    assert "50%" in caveats[0].text


def test_us_ddp_offering_reaches_only_the_usa(catalog: Catalog) -> None:
    ddp = _get(catalog, "us-ddp-postal")
    assert ddp.constraints.destinations == ("US",)
    assert ddp.constraints.scope == "international"


@pytest.mark.parametrize("offering_id", ["mssidc-marketing", "ramp-maharashtra", "wtc-mumbai"])
def test_maharashtra_programmes_are_limited_to_maharashtra(
    catalog: Catalog, offering_id: str
) -> None:
    assert _get(catalog, offering_id).constraints.regions == ("Maharashtra",)


def test_rpli_is_rural_only_and_pli_needs_occupation(catalog: Catalog) -> None:
    assert _get(catalog, "rpli").constraints.rural_only
    assert not _get(catalog, "pli").constraints.rural_only
    assert "occupation_eligibility" in _get(catalog, "pli").constraints.requires


def test_dnk_uses_head_post_office_and_needs_iec_and_gstin(catalog: Catalog) -> None:
    dnk = _get(catalog, "dnk")
    assert dnk.location.kind is LocationKind.HEAD_POST_OFFICE
    assert {"iec", "gstin"} <= set(dnk.constraints.requires)
    assert "head post office" in (dnk.location.note or "")


def test_ibc_mumbai_is_a_fixed_place_without_a_guessed_pin(catalog: Catalog) -> None:
    ibc = _get(catalog, "ibc-mumbai")
    assert ibc.location.kind is LocationKind.FIXED
    (place,) = ibc.location.places
    assert "Air Mail Sorting Division" in place.name
    assert place.pincode is None
    # Located in Mumbai (the sources name the city only): Mumbai GPO's coordinates, said so.
    assert (place.latitude, place.longitude) == (18.9391667, 72.8375556)
    assert "PIN" in (ibc.location.note or "")
    assert "Mumbai GPO" in (ibc.location.note or "")


def test_fixed_places_with_coordinates_carry_a_pin_or_say_whose_they_are(
    catalog: Catalog,
) -> None:
    located = [(p, o.location.note or "") for o in catalog for p in o.location.places
               if p.has_coordinates]
    assert len(located) >= 2, "WTC Mumbai and IBC Mumbai have coordinates"
    assert all(p.pincode or "distance shown is to" in note for p, note in located)


def test_cod_ceiling_and_business_parcel_limits(catalog: Catalog) -> None:
    business_parcel = _get(catalog, "business-parcel").constraints
    assert (business_parcel.max_weight_kg, business_parcel.cod_max_inr) == (35, 50000)
    assert _get(catalog, "cash-on-delivery").constraints.cod_max_inr == 50000


def test_international_offerings_declare_their_scope(catalog: Catalog) -> None:
    for offering in catalog:
        if offering.category is Category.CROSS_BORDER_PARCELS:
            assert offering.constraints.scope == "international", offering.id
        if offering.category is Category.DOMESTIC_PARCELS:
            assert offering.constraints.scope in {"domestic", "any"}, offering.id


def test_book_packet_is_withdrawn_with_its_date_and_replacement(catalog: Catalog) -> None:
    book = _get(catalog, "book-packet")
    assert book.status is Status.DISCONTINUED
    assert book.status_since == dt.date(2024, 12, 18)
    assert "book-packet" not in {o.id for o in catalog.active()}
    assert "Book Post" in (book.next_step or "")
    assert "Speed Post" in (book.next_step or "")


@pytest.mark.parametrize(
    "offering_id", ["dnk", "ibc-mumbai", "itps", "ems", "international-air-parcel"]
)
def test_us_duty_is_dated_and_sent_to_the_counter_never_stated_as_current(
    catalog: Catalog, offering_id: str
) -> None:
    (caveat,) = _get(catalog, offering_id).caveats
    assert caveat.since == US_DDP_START
    assert "It was then 50%" in caveat.text
    assert "ask the counter for the duty in force" in caveat.text
    assert "letters, documents and gifts" in caveat.text


def test_us_ddp_price_dates_the_50_percent_and_asks_at_booking(catalog: Catalog) -> None:
    ddp = _get(catalog, "us-ddp-postal")
    assert "50% of the declared FOB value on 15 Oct 2025" in (ddp.price or "")
    assert "duty in force" in (ddp.next_step or "")
    assert "18%" in _notes(ddp)


def test_dnk_and_electronic_pbe_agree_on_the_gstin(catalog: Catalog) -> None:
    for offering_id in ("dnk", "pbe-electronic-filing"):
        offering = _get(catalog, offering_id)
        assert "gstin" in offering.constraints.requires, offering_id
        assert any("GSTIN" in d and "GST-exempt" in d for d in offering.doubts), offering_id


def test_express_parcel_does_not_borrow_business_parcel_delivery_days(catalog: Catalog) -> None:
    express = _get(catalog, "express-parcel")
    assert express.speed is None
    assert "Business Parcel by road" in _notes(express)


def test_300_sdr_is_stated_at_a_dated_rate(catalog: Catalog) -> None:
    doubts = " ".join(_get(catalog, "pbe-electronic-filing").doubts)
    assert "about Rs 38,000 at the IMF rate of 14 April 2026" in doubts
    assert "23,000" not in doubts


def test_export_credit_does_not_quote_an_ended_year_as_current(catalog: Catalog) -> None:
    credit = _get(catalog, "epm-export-credit")
    assert "2025-26" not in credit.description
    assert any("2025-26" in d and "current year" in d for d in credit.doubts)


def test_ippb_current_account_reads_as_available_from_an_official_page(catalog: Catalog) -> None:
    account = _get(catalog, "ippb-current-account")
    assert "planned" not in account.description
    assert str(account.source_urls[0]).startswith("https://ippbonline.com/")


def test_ondc_access_goes_through_a_seller_app(catalog: Catalog) -> None:
    ondc = _get(catalog, "ondc-india-post")
    assert "seller app that offers India Post" in ondc.description
    assert "whether it offers India Post" in (ondc.next_step or "")


def test_ibc_mumbai_is_offered_in_every_state(catalog: Catalog) -> None:
    # It serves retail and bulk customers; no source limits it to an area (Free Press Journal).
    assert _get(catalog, "ibc-mumbai").constraints.regions == "all"


def test_ems_weight_limit_is_unconfirmed_and_rail_post_minimum_is_the_lowest_reported(
    catalog: Catalog,
) -> None:
    ems = _get(catalog, "ems").constraints
    assert ems.unconfirmed == ("max_weight_kg",)
    assert ems.applied("max_weight_kg") is None
    rail = _get(catalog, "rail-post-gati-shakti")
    assert rail.constraints.applied("min_weight_kg") == 35
    assert any("100 kg" in d for d in rail.doubts)


@pytest.mark.parametrize(
    "offering_id",
    ["speed-post-contract", "farm-produce-delivery", "post-office-retail", "direct-post"],
)
def test_new_offerings_are_active_and_sourced(catalog: Catalog, offering_id: str) -> None:
    offering = _get(catalog, offering_id)
    assert offering.active
    assert offering.source_urls
    assert offering.next_step


def test_direct_post_rules_come_from_india_post(catalog: Catalog) -> None:
    direct = _get(catalog, "direct-post")
    assert str(direct.source_urls[0]).startswith("https://www.indiapost.gov.in/")
    assert "1,000 pieces" in direct.description
    assert "A3" in direct.description


def test_no_entry_cites_a_banned_host_and_official_sources_lead(catalog: Catalog) -> None:
    from catalog.sources import banned_reason, is_official

    official_entries = 0
    for offering in catalog:
        urls = [str(u) for u in offering.source_urls]
        assert not [u for u in urls if banned_reason(u)], offering.id
        flags = [is_official(u) for u in urls]
        assert flags == sorted(flags, reverse=True), offering.id
        official_entries += flags[0]
    assert official_entries >= 20


@pytest.mark.parametrize(
    ("offering_id", "official"),
    [
        ("speed-post", "https://www.newsonair.gov.in/"),
        ("postal-export-incentives", "https://pib.gov.in/PressReleasePage.aspx?PRID=2215141"),
        ("amazon-india-post", "https://pib.gov.in/PressReleasePage.aspx?PRID=2062004"),
        ("gem-india-post", "https://pib.gov.in/Pressreleaseshare.aspx?PRID=1895969"),
    ],
)
def test_entries_cite_the_official_page_found_first(
    catalog: Catalog, offering_id: str, official: str
) -> None:
    offering = _get(catalog, offering_id)
    assert str(offering.source_urls[0]).startswith(official)
    assert offering.official_sources
    assert any("official source" in note for note in offering.uncertain)
