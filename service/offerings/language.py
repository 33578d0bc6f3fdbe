"""The catalogue's own text in the asked language, for every answer that names offerings.

Offering names, descriptions, next steps, prices, caveats and doubts come from the catalogue
entry's ``i18n`` (``Offering.localized``); reason sentences come from their codes
(``service.reasons``), the codes that quote the catalogue (a caveat, what replaces a
discontinued service) written from the entry in the asked language.

A fresh answer is written with the served catalogue (:func:`localized_names`); a stored run is
written again from its codes with the catalogue version it was ranked with
(:func:`stored_answer`; ``service.offerings.versions`` reads old versions back), so an officer
or partner reads a run of last month in Hindi or Marathi. What is stored is never changed.
"""

from __future__ import annotations

from typing import Any

from catalog import Catalog, Offering
from service.languages import DEFAULT_LANGUAGE
from service.reasons import render_stored, renderer


def localized_offerings(offerings: list[Offering], lang: str) -> list[Offering]:
    return [o.localized(lang) for o in offerings]


def localized_names(payload: dict[str, Any], catalog: Catalog, lang: str) -> dict[str, Any]:
    """A fresh ranking answer (DESIGN §5; its reasons already written in ``lang``) with its
    offering names and providers from ``catalog`` in ``lang``; English answers are returned
    unchanged."""
    if lang == DEFAULT_LANGUAGE:
        return payload
    # The entries in ``lang``, each localized once per process (the renderer's).
    entry = renderer(lang, catalog).writer.entry
    recommendations = []
    for item in payload.get("recommendations") or []:
        offering = entry(str(item.get("offering_id")))
        recommendations.append(item if offering is None else {
            **item, "name": offering.name, "provider": offering.provider})
    return {**payload, "recommendations": recommendations}


def stored_answer(
    payload: dict[str, Any], lang: str, ranked_with: Catalog | None, current: Catalog | None
) -> dict[str, Any]:
    """A stored run's answer in ``lang``: its sentences written again from its codes with
    ``ranked_with`` (the catalogue version the run names; None when the database no longer
    holds it: ``current``), its offering names from that catalogue, else from ``current``
    (an offering a later catalogue dropped keeps the name stored with the run)."""
    catalogs = tuple(c for c in (ranked_with, current) if c is not None)
    out = render_stored(payload, lang, catalogs[0] if catalogs else None)
    out["recommendations"] = [_named(item, catalogs, lang) for item in out["recommendations"]]
    return out


def entry_of(offering_id: str, catalogs: tuple[Catalog, ...]) -> Offering | None:
    """The first of ``catalogs`` that has ``offering_id``: its entry, or None."""
    for catalog in catalogs:
        found = catalog.get(offering_id)
        if found is not None:
            return found
    return None


def _named(item: dict[str, Any], catalogs: tuple[Catalog, ...], lang: str) -> dict[str, Any]:
    offering = entry_of(str(item.get("offering_id")), catalogs)
    if offering is None:
        return item
    local = offering.localized(lang)
    return {**item, "name": local.name, "provider": local.provider}
