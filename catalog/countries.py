"""ISO 3166-1 alpha-2 country codes, from pycountry's copy of the ISO tables."""

from __future__ import annotations

from functools import cache

import pycountry


@cache
def country_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code.upper())
    return code if country is None else str(getattr(country, "common_name", country.name))


def is_country_code(code: str) -> bool:
    return code in country_codes()
