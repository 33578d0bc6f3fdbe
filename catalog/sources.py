"""Which source hosts count as official, and which may not be cited at all.

The flag is derived, not written per entry: a source is *official* when its host is a
government site (``gov.in``, ``nic.in``) or the provider's own site listed in
``PROVIDER_SITES``. Everything else (news, tax portals, blogs) is *secondary*. The catalogue
lists an entry's official sources first; an entry with none says so on its card.

``BANNED_HOSTS`` are hosts no entry may cite: a test server, a look-alike of the payments
bank's site, an exam-preparation site and slide decks. ``catalog validate`` refuses them.
"""

from __future__ import annotations

from urllib.parse import urlsplit

GOVERNMENT_SUFFIXES = (".gov.in", ".nic.in")
"""Government of India and state government domains (India Post, CBIC, DGFT, PIB, GeM, ...)."""

PROVIDER_SITES = (
    "ippbonline.com",  # India Post Payments Bank
    "ondc.org",  # Open Network for Digital Commerce
    "wtcmumbai.org",  # MVIRDC World Trade Center Mumbai
)
"""Providers' own sites that are not on a government domain."""

BANNED_HOSTS: dict[str, str] = {
    "uat.": "a test server (uat.), not the live site",
    "test.": "a test server, not the live site",
    "dev.": "a development server, not the live site",
    "ippbonlines.blogspot.com": "a look-alike blog of the payments bank, not ippbonline.com",
    "keralapsc.monsoonmalabar.com": "an exam-preparation site",
    "slideshare.net": "a slide deck",
    "scribd.com": "an uploaded document copy",
}
"""Host (or host prefix ending in '.') -> why it may not be cited."""


def host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def is_official(url: str) -> bool:
    name = host(url)
    if banned_reason(url) is not None:
        return False
    return name.endswith(GOVERNMENT_SUFFIXES) or any(
        name == site or name.endswith("." + site) for site in PROVIDER_SITES
    )


def banned_reason(url: str) -> str | None:
    """Why ``url`` may not be cited, or None."""
    name = host(url)
    for banned, why in BANNED_HOSTS.items():
        if banned.endswith("."):
            if name.startswith(banned):
                return why
        elif name == banned or name.endswith("." + banned):
            return why
    return None
