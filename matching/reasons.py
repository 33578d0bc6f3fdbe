"""Reasons as data: a stable code and its parameters (DESIGN §5 ``reason_codes``).

``matching`` says why an offering is recommended, why one is not eligible and what to do
first as :class:`Reason` values; it writes no sentences. The service renders them in the
asked language (``service.reasons``); partners may render the codes themselves.

Parameter values are plain JSON values: strings, numbers, None, lists of strings (need,
sales-channel, sector and segment keys of ``catalog.vocab``, ISO 3166 country codes) and, for
``needs_implied``, a list of reasons (its causes). No parameter carries a sentence: what the
catalogue says (a caveat, what replaces a discontinued service) is named by the offering's id
(and the caveat's index) and written from the catalogue in the asked language.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from catalog.vocab import Requirement
from matching.ask import QUESTIONS

# Every code matching emits, with the names of its parameters (the contract; the service
# has a template for each, and /docs lists them with an English example).
RECOMMENDATION_CODES: dict[str, tuple[str, ...]] = {
    "need_served": ("needs",),
    "needs_implied": ("causes",),
    "text_match": ("words",),
    "sector_fit": ("sector",),
    "channel_fit": ("channels",),
    "reaches_destinations": ("countries",),
    "made_for_destinations": ("countries",),
    "weight_within_limit": ("scope", "parcels", "weight_kg", "max_kg"),
    "weight_over_minimum": ("scope", "parcels", "weight_kg", "min_kg"),
    "volume_contract": ("parcels",),
    "volume_counter": ("parcels",),
    "nearest_head_post_office": ("place", "distance_km"),
    "place_distance": ("place", "distance_km"),
    "place_in_district": ("place", "district"),
    # A caveat of the catalogue entry: the offering's id and the caveat's index in its list;
    # the text (in the asked language) comes from the catalogue version the answer names.
    "caveat": ("offering", "caveat", "countries"),
    "unconfirmed_limit": ("limit", "limit_value", "value"),
    "rural_unconfirmed": (),
    "rural_by_pin": (),
    "reaches_most_countries": (),
    "general_fit": ("needs",),
}
# The causes inside ``needs_implied``: what the profile said that implies a need it did not tick.
CAUSE_CODES: dict[str, tuple[str, ...]] = {
    "ships_to": ("countries",),
    "first_export_papers": (),
    "export_bill": (),
    "customs": (),
    "first_export": (),
    "export_benefits": ("parcels",),
    "domestic_parcels": ("parcels",),
    "freight_consignment": ("weight_kg",),
    "freight_monthly": ("kg_month",),
    "sells_on_gem": (),
    "sells_online": ("channels",),
    "sells_to_businesses": (),
    "own_shop": (),
    "consignment_value": ("value_inr",),
    "pickup_volume": ("parcels",),
    "wrote": ("words",),
    "export_undecided": (),
}
NOT_ELIGIBLE_CODES: dict[str, tuple[str, ...]] = {
    # ``offering``: the discontinued entry, whose next step (in the catalogue) names what
    # replaces it.
    "discontinued": ("since", "offering"),
    "over_max_weight": ("weight_kg", "max_kg"),
    "under_min_weight": ("weight_kg", "min_kg"),
    "over_max_value": ("value_inr", "max_inr"),
    "no_export_intent": (),
    "destinations_not_reached": ("countries",),
    "region_not_served": ("regions", "state"),
    "segment_only": ("segments",),
    "rural_only": (),
    "under_min_volume": ("min_parcels", "parcels"),
    "documents_only": (),
    "advertising_only": (),
}
# What to do first: one code per prerequisite the profile does not hold.
PREREQUISITE_CODES: dict[str, tuple[str, ...]] = {
    f"requires_{requirement.value}": () for requirement in Requirement
}
# The questions of ``ask`` (``matching.ask.QUESTIONS``): one code per profile field.
ASK_CODES: dict[str, tuple[str, ...]] = {f"ask_{field}": () for field in QUESTIONS}
CODES: dict[str, tuple[str, ...]] = {
    **RECOMMENDATION_CODES, **CAUSE_CODES, **NOT_ELIGIBLE_CODES, **PREREQUISITE_CODES,
    **ASK_CODES,
}


class Reason(NamedTuple):
    """A reason code and its parameters, as ``(name, value)`` pairs in the code's order.

    A named tuple: immutable, and hashed and compared in C (a renderer remembers what it
    wrote per reason; rankings compare reasons to avoid saying one twice). Lists are tuples.

    Examples
    --------
    >>> Reason("over_max_weight", (("weight_kg", 5.0), ("max_kg", 2.0))).as_json()
    {'code': 'over_max_weight', 'params': {'weight_kg': 5.0, 'max_kg': 2.0}}
    """

    code: str
    params: tuple[tuple[str, Any], ...] = ()

    def param(self, name: str) -> Any:
        """The value of parameter ``name`` (KeyError: the code has no such parameter)."""
        for key, value in self.params:
            if key == name:
                return value
        raise KeyError(f"{self.code} has no parameter {name!r}")

    def as_json(self) -> dict[str, Any]:
        """``{"code": ..., "params": {...}}`` with plain JSON values (DESIGN §5)."""
        return {"code": self.code,
                "params": {k: _json(v) if v.__class__ is tuple else v for k, v in self.params}}

    @classmethod
    def from_json(cls, data: Any) -> Reason:
        """The reason of an :meth:`as_json` object (a stored answer's ``reason_codes``)."""
        params = data.get("params") or {}
        return cls(str(data["code"]), tuple((str(k), _value(v)) for k, v in params.items()))


def reason(code: str, **params: Any) -> Reason:
    """A :class:`Reason`; lists of parameters become tuples."""
    return Reason(code, tuple((k, tuple(v) if isinstance(v, list) else v)
                              for k, v in params.items()))


def prerequisite(requirement: Requirement) -> Reason:
    """The next step of a prerequisite the profile does not hold."""
    return Reason(f"requires_{requirement.value}")


def _json(value: tuple[Any, ...]) -> list[Any]:
    return [v.as_json() if v.__class__ is Reason else v for v in value]


def _value(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(Reason.from_json(v) if isinstance(v, dict) else v for v in value)
    return value
