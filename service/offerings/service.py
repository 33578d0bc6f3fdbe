"""Filtering the served catalogue (in memory: the catalogue is small and already loaded)."""

from __future__ import annotations

from catalog import Catalog, Category, Offering, Status


def filter_offerings(
    catalog: Catalog,
    *,
    category: Category | None = None,
    provider: str | None = None,
    q: str | None = None,
    status: Status | None = None,
    lang: str = "en",
) -> list[Offering]:
    """Offerings matching every given filter, in catalogue order.

    ``provider`` and ``q`` are case-insensitive substrings; ``q`` searches id, name, provider,
    description and keywords, and the name and description in ``lang``.
    """
    provider_l = provider.casefold().strip() if provider else None
    words = q.casefold().split() if q else []
    found = []
    for offering in catalog.offerings:
        if category is not None and offering.category is not category:
            continue
        if status is not None and offering.status is not status:
            continue
        if provider_l and provider_l not in offering.provider.casefold():
            continue
        if words:
            local = offering.localized(lang)
            haystack = " ".join(
                (
                    offering.id,
                    offering.name,
                    offering.provider,
                    offering.description,
                    *offering.keywords,
                    local.name,
                    local.description,
                )
            ).casefold()
            if not all(word in haystack for word in words):
                continue
        found.append(offering)
    return found
