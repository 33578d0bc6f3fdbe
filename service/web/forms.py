"""The profile form: posted fields -> a profile body (DESIGN §4), and back for re-rendering.

Inputs carry the profile's own field names. Conversion errors (a number that is not one, an
unknown country) are collected per field like the validation errors of ``matching``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from catalog.countries import country_codes, country_name
from matching.safe_text import text_problem, without_unsafe
from service.web.i18n import COMMON_DESTINATIONS

TEXT_FIELDS = ("name", "pincode", "products", "udyam_number", "gstin", "iec")
FORM_ORDER = (
    "pincode", "sector", "products", "business_type", "size_class", "name", "needs",
    "sales_channels", "destinations", "monthly_domestic_parcels",
    "monthly_international_parcels", "typical_weight_kg", "typical_value_inr", "udyam_number",
    "gstin", "iec",
)  # fmt: skip
CHOICE_FIELDS = ("sector", "business_type", "size_class")
LIST_FIELDS = ("sales_channels", "needs")
INT_FIELDS = ("monthly_domestic_parcels", "monthly_international_parcels")
FLOAT_FIELDS = ("typical_weight_kg", "typical_value_inr")
BOOL_FIELDS = ("first_time_exporter", "rural")


@dataclass
class FormState:
    """What the visitor entered (strings, as typed) and the profile built from it."""

    values: dict[str, Any] = field(default_factory=dict)
    profile: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    details: dict[str, str] = field(default_factory=dict)
    consent: bool = False

    def add_error(self, name: str, message: str) -> None:
        """Record the first problem of field ``name``: a plain message (a catalogue msgid) and,
        when the engine's wording says more, that wording as detail."""
        if name in self.errors:
            return
        friendly, specific = _friendly(name, message)
        self.errors[name] = friendly
        if friendly != message and not specific:
            self.details[name] = message

    def sort_errors(self) -> None:
        """Errors in the order of the fields on the page (the summary lists them so)."""
        order = {name: i for i, name in enumerate(FORM_ORDER)}
        self.errors = dict(sorted(self.errors.items(), key=lambda e: order.get(e[0], -1)))

    @property
    def other_destinations(self) -> str:
        """Destinations not offered as checkboxes, for the free-text box."""
        chosen = self.values.get("destinations", [])
        return ", ".join(c for c in chosen if c not in COMMON_DESTINATIONS)


def _country(token: str) -> str | None:
    """An ISO alpha-2 code for a typed code or English country name."""
    upper = token.strip().upper()
    if upper in country_codes():
        return upper
    folded = token.strip().casefold()
    for code in country_codes():
        if country_name(code).casefold() == folded:
            return code
    return None


def destinations_from(raw: Iterable[str]) -> tuple[list[str], list[str]]:
    """Checkbox codes and comma-separated typed ones -> (codes, tokens not understood)."""
    codes: list[str] = []
    unknown: list[str] = []
    for item in raw:
        for token in item.replace(";", ",").split(","):
            if not token.strip():
                continue
            code = _country(token)
            if code is None:
                unknown.append(token.strip())
            elif code not in codes:
                codes.append(code)
    return codes, unknown


def read_form(form: FormData) -> FormState:
    """Build a :class:`FormState` from a Starlette ``FormData`` (``getlist`` for lists)."""
    state = FormState(consent=form.get("consent") == "yes")
    values, profile = state.values, state.profile
    for name in (*TEXT_FIELDS, *CHOICE_FIELDS):
        text = str(form.get(name) or "").strip()
        if text_problem(text) is not None:
            state.add_error(name, UNSTORABLE)
            values[name] = without_unsafe(text)
            continue
        values[name] = text
        if text:
            profile[name] = text.replace(" ", "") if name == "pincode" else text
    for name in (*LIST_FIELDS, "destinations"):
        if any(text_problem(str(v)) is not None for v in form.getlist(name)):
            state.add_error(name, UNSTORABLE)
    for name in LIST_FIELDS:
        chosen = [str(v) for v in form.getlist(name) if str(v).strip()]
        chosen = [v for v in chosen if text_problem(v) is None]
        values[name] = chosen
        if chosen:
            profile[name] = chosen
    raw_destinations = [str(v) for v in form.getlist("destinations")]
    codes, unknown = destinations_from(v for v in raw_destinations if text_problem(v) is None)
    values["destinations"] = codes + unknown
    if codes:
        profile["destinations"] = codes
    if unknown:
        state.add_error("destinations", "Not a country we know: " + ", ".join(unknown))
    for name in (*INT_FIELDS, *FLOAT_FIELDS):
        text = str(form.get(name) or "").strip().replace(",", "")
        values[name] = text
        if not text:
            continue
        try:
            number = float(text)
        except ValueError:
            state.add_error(name, "Enter a number, e.g. 12")
            continue
        if not math.isfinite(number):
            state.add_error(name, "Enter a number, e.g. 12")
        elif name in INT_FIELDS and not number.is_integer():
            state.add_error(name, "Enter a whole number")
        else:
            profile[name] = int(number) if name in INT_FIELDS else number
    for name in BOOL_FIELDS:
        ticked = form.get(name) == "yes"
        values[name] = ticked
        if ticked:
            profile[name] = True
    return state


# What to tell the visitor about a field the engine refused (its wording, for developers,
# becomes the detail). Keys are field names; a pattern picks among several messages. Public,
# with OWN_MESSAGES: msgids the catalogues must translate (tests/web/test_i18n.py reads them).
FRIENDLY_MESSAGES: dict[str, tuple[tuple[str, str], ...]] = {
    "pincode": (
        ("not in the India Post directory", "This PIN code is not in the India Post directory."),
        ("", "Enter the 6-digit PIN code of your business, e.g. 302001."),
    ),
    "sector": (("", "Choose what you make or sell."),),
    "business_type": (("", "Choose one of the listed kinds of business."),),
    "size_class": (("", "Choose micro, small or medium, or leave it as not sure."),),
    "udyam_number": (("", "This is not a Udyam registration number (e.g. UDYAM-RJ-17-0012345)."),),
    "gstin": (
        ("typing mistake", "This GSTIN has a typing mistake: check each character."),
        ("", "This is not a GSTIN: it has 15 characters, e.g. 27AAPFU0939F1ZV."),
    ),
    "iec": (("", "This is not an IEC: it is your PAN, 5 letters, 4 digits and 1 letter."),),
    "destinations": (
        (
            "Not a country we know",
            "Write countries in English or as two-letter codes, e.g. US, AE.",
        ),
        ("IN is India", "Leave India out: list only countries abroad."),
        ("", "Write countries in English or as two-letter codes, e.g. US, AE."),
    ),
    "products": (("", "Describe your products in at most 2,000 characters."),),
    "monthly_domestic_parcels": (("", "Enter a whole number of 0 or more."),),
    "monthly_international_parcels": (("", "Enter a whole number of 0 or more."),),
    "typical_weight_kg": (("", "Enter a weight above 0 kg, e.g. 1.5"),),
    "typical_value_inr": (("", "Enter an amount of 0 or more, e.g. 2500"),),
    "sales_channels": (("", "Tick only the listed places where you sell."),),
    "needs": (("", "Tick only the listed needs."),),
}
# Text that cannot be stored (a NUL character; see matching.safe_text), in any field.
UNSTORABLE = "Remove the invisible control character or broken symbol from this field."
OWN_MESSAGES = frozenset({"Enter a number, e.g. 12", "Enter a whole number", UNSTORABLE})


def _friendly(name: str, message: str) -> tuple[str, bool]:
    """(msgid, whether it says all the engine's message says)."""
    if message in OWN_MESSAGES:
        return message, True
    for fragment, friendly in FRIENDLY_MESSAGES.get(name, ()):
        if fragment in message:
            return friendly, bool(fragment)
    return message, True


def friendly_message(name: str, message: str) -> str:
    """The msgid to show beside field ``name`` for the engine's ``message``."""
    return _friendly(name, message)[0]
