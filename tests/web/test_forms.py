"""The form's fields -> a profile body, with conversion errors per field."""

from __future__ import annotations

from starlette.datastructures import FormData

from service.web.forms import destinations_from, friendly_message, read_form


def _form(*pairs: tuple[str, str]) -> FormData:
    return FormData(list(pairs))


def test_fields_become_a_profile_of_design_section_4() -> None:
    state = read_form(
        _form(
            ("pincode", " 302 001 "), ("sector", "handicrafts"), ("name", "Sanganer Prints"),
            ("needs", "international_shipping"), ("needs", "packaging"),
            ("destinations", "US"), ("destinations", "Germany, ae"),
            ("monthly_international_parcels", "1,200"), ("typical_weight_kg", "1.5"),
            ("first_time_exporter", "yes"), ("consent", "yes"), ("products", ""),
        )
    )  # fmt: skip
    assert state.errors == {}
    assert state.consent is True
    assert state.profile == {
        "pincode": "302001",
        "sector": "handicrafts",
        "name": "Sanganer Prints",
        "needs": ["international_shipping", "packaging"],
        "destinations": ["US", "DE", "AE"],
        "monthly_international_parcels": 1200,
        "typical_weight_kg": 1.5,
        "first_time_exporter": True,
    }


def test_bad_numbers_and_countries_are_field_errors_and_values_are_kept() -> None:
    state = read_form(
        _form(
            ("pincode", "302001"), ("sector", "apparel"), ("typical_weight_kg", "heavy"),
            ("monthly_domestic_parcels", "2.5"), ("destinations", "Atlantis"),
            ("typical_value_inr", "nan"),
        )
    )  # fmt: skip
    assert state.errors == {
        "typical_weight_kg": "Enter a number, e.g. 12",
        "monthly_domestic_parcels": "Enter a whole number",
        "destinations": "Write countries in English or as two-letter codes, e.g. US, AE.",
        "typical_value_inr": "Enter a number, e.g. 12",
    }
    assert state.details == {}  # "not a country we know" is said by the plain message
    assert state.values["typical_weight_kg"] == "heavy"
    assert state.other_destinations == "Atlantis"
    assert "typical_weight_kg" not in state.profile
    assert state.consent is False


def test_destinations_deduplicate_and_report_unknown() -> None:
    assert destinations_from(["US", "united states; FR", " "]) == (["US", "FR"], [])
    assert destinations_from(["Narnia"]) == ([], ["Narnia"])


def test_engine_messages_become_plain_messages() -> None:
    unknown = "PIN code 999999 is not in the India Post directory"
    assert (
        friendly_message("pincode", unknown) == "This PIN code is not in the India Post directory."
    )
    assert friendly_message("pincode", "'12' is not a PIN code").startswith("Enter the 6-digit")
    assert friendly_message("nonexistent", "as given") == "as given"
