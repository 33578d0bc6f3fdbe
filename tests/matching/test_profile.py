"""Profile validation: identifiers, PIN codes, bounds, unknown keys, size class."""

from __future__ import annotations

from typing import Any

import pytest

from catalog import Geography
from catalog.vocab import SizeClass
from matching import EnterpriseProfile, ProfileError, derive_size_class, parse_profile
from matching.identifiers import gstin_check_character, gstin_problem
from tests.matching.matching_factories import make_profile

CRORE = 10_000_000


def errors(data: dict[str, Any], geography: Geography) -> dict[str, str]:
    with pytest.raises(ProfileError) as caught:
        parse_profile(data, geography)
    return {e["field"]: e["message"] for e in caught.value.errors}


def test_valid_profile_parses(geography: Geography) -> None:
    profile = parse_profile(make_profile(), geography)
    assert isinstance(profile, EnterpriseProfile)
    assert profile.destinations == ("GB",)


def test_gstin_checksum_of_the_published_example() -> None:
    assert gstin_check_character("27AAPFU0939F1Z") == "V"
    assert gstin_problem("27AAPFU0939F1ZV") is None


def test_gstin_with_a_wrong_check_character_is_refused(geography: Geography) -> None:
    found = errors(make_profile(gstin="27AAPFU0939F1ZW"), geography)
    assert "check character" in found["gstin"]
    assert "'V'" in found["gstin"]


def test_gstin_of_the_wrong_shape_says_what_is_accepted(geography: Geography) -> None:
    found = errors(make_profile(gstin="27AAPFU0939F"), geography)
    assert "15 characters" in found["gstin"]


def test_lower_case_gstin_is_normalised(geography: Geography) -> None:
    assert parse_profile(make_profile(gstin="27aapfu0939f1zv"), geography).gstin == (
        "27AAPFU0939F1ZV"
    )


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("udyam_number", "UDYAM-UP-0-0123456", "UDYAM-XX-00-0000000"),
        ("iec", "1234567890", "PAN"),
        ("destinations", ["XX"], "ISO 3166-1 alpha-2"),
        ("destinations", ["IN"], "leave destinations empty"),
        ("typical_weight_kg", 0, "greater than 0"),
        ("typical_weight_kg", 150_000, "less than or equal to 100000"),
        ("monthly_domestic_parcels", 20_000_000, "less than or equal to 10000000"),
        ("typical_value_inr", 2e12, "less than or equal to 1000000000000"),
        ("products", "x" * 2001, "at most 2000 characters"),
        ("sector", "spaceships", "handicrafts"),
        ("needs", ["teleport"], "export_documentation"),
    ],
)
def test_bad_fields_are_named_with_what_is_accepted(
    geography: Geography, field: str, value: Any, words: str
) -> None:
    found = errors(make_profile(**{field: value}), geography)
    key = next(k for k in found if k.split(".")[0] == field)
    assert words in found[key]
    assert field in found[key]


def test_valid_identifiers_pass(geography: Geography) -> None:
    profile = parse_profile(
        make_profile(udyam_number="udyam-up-00-0123456", iec="aapfu0939f"), geography
    )
    assert profile.udyam_number == "UDYAM-UP-00-0123456"
    assert profile.iec == "AAPFU0939F"


def test_unknown_key_is_refused_and_named(geography: Geography) -> None:
    found = errors(make_profile(turnover_lakh=5), geography)
    assert "turnover_lakh" in found
    assert "accepted fields" in found["turnover_lakh"]


def test_required_fields(geography: Geography) -> None:
    found = errors({"products": "tea"}, geography)
    assert set(found) == {"pincode", "sector"}


def test_malformed_and_unknown_pin_codes_differ(geography: Geography) -> None:
    malformed = errors(make_profile(pincode="40001"), geography)["pincode"]
    unknown = errors(make_profile(pincode="999999"), geography)["pincode"]
    assert "6 digits" in malformed
    assert "not in the India Post directory" in unknown


def test_unknown_pin_is_reported_with_other_errors(geography: Geography) -> None:
    found = errors(make_profile(pincode="999999", sector="nope"), geography)
    assert set(found) == {"pincode", "sector"}


def test_printed_pin_form_is_accepted(geography: Geography) -> None:
    assert parse_profile(make_profile(pincode="302 001"), geography).pincode == "302001"


@pytest.mark.parametrize(
    ("investment", "turnover", "expected"),
    [
        (2.5 * CRORE, 10 * CRORE, SizeClass.MICRO),
        (2.6 * CRORE, 1 * CRORE, SizeClass.SMALL),
        (1 * CRORE, 11 * CRORE, SizeClass.SMALL),
        (25 * CRORE, 100 * CRORE, SizeClass.SMALL),
        (100 * CRORE, 400 * CRORE, SizeClass.MEDIUM),
        (None, 300 * CRORE, SizeClass.MEDIUM),
        (None, None, None),
    ],
)
def test_size_class_thresholds_from_2025(
    investment: float | None, turnover: float | None, expected: SizeClass | None
) -> None:
    assert derive_size_class(investment, turnover) is expected


def test_size_class_is_derived_when_not_given(geography: Geography) -> None:
    profile = parse_profile(
        make_profile(investment_inr=20 * CRORE, turnover_inr=50 * CRORE), geography
    )
    assert profile.size_class is SizeClass.SMALL


def test_given_size_class_is_kept(geography: Geography) -> None:
    profile = parse_profile(
        make_profile(size_class="micro", investment_inr=20 * CRORE), geography
    )
    assert profile.size_class is SizeClass.MICRO


def test_above_medium_limits_is_not_an_msme(geography: Geography) -> None:
    found = errors(make_profile(investment_inr=200 * CRORE), geography)
    assert "not an MSME" in found["investment_inr"]
    found = errors(make_profile(turnover_inr=600 * CRORE), geography)
    assert "not an MSME" in found["turnover_inr"]


def test_non_mapping_is_refused(geography: Geography) -> None:
    with pytest.raises(ProfileError) as caught:
        parse_profile(["pincode"], geography)  # type: ignore[arg-type]
    assert caught.value.errors[0]["field"] == "profile"
