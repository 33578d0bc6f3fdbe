"""The profile form: posted fields -> a profile body (DESIGN §4), and back for re-rendering.

Inputs carry the profile's own field names. Conversion errors (a number that is not one, an
unknown country) are collected per field like the validation errors of ``matching``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from catalog.countries import country_codes, country_name
from service.web.i18n import COMMON_DESTINATIONS

TEXT_FIELDS = ("name", "pincode", "products", "udyam_number", "gstin", "iec")
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
    consent: bool = False

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


def read_form(form: Any) -> FormState:
    """Build a :class:`FormState` from a Starlette ``FormData`` (``getlist`` for lists)."""
    state = FormState(consent=form.get("consent") == "yes")
    values, profile, errors = state.values, state.profile, state.errors
    for name in (*TEXT_FIELDS, *CHOICE_FIELDS):
        text = str(form.get(name) or "").strip()
        values[name] = text
        if text:
            profile[name] = text.replace(" ", "") if name == "pincode" else text
    for name in LIST_FIELDS:
        chosen = [str(v) for v in form.getlist(name) if str(v).strip()]
        values[name] = chosen
        if chosen:
            profile[name] = chosen
    codes, unknown = destinations_from(str(v) for v in form.getlist("destinations"))
    values["destinations"] = codes + unknown
    if codes:
        profile["destinations"] = codes
    if unknown:
        errors["destinations"] = "Not a country we know: " + ", ".join(unknown)
    for name in (*INT_FIELDS, *FLOAT_FIELDS):
        text = str(form.get(name) or "").strip().replace(",", "")
        values[name] = text
        if not text:
            continue
        try:
            number = float(text)
        except ValueError:
            errors[name] = "Enter a number, e.g. 12"
            continue
        if not math.isfinite(number):
            errors[name] = "Enter a number, e.g. 12"
        elif name in INT_FIELDS and not number.is_integer():
            errors[name] = "Enter a whole number"
        else:
            profile[name] = int(number) if name in INT_FIELDS else number
    for name in BOOL_FIELDS:
        ticked = form.get(name) == "yes"
        values[name] = ticked
        if ticked:
            profile[name] = True
    return state
