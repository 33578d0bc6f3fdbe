"""A ranking (DESIGN §5 payload) prepared for the results page and the officer's profile page:
each recommendation joined with its catalogue entry (price, speed, sources, next step), its
reasons and prerequisites in the visitor's language (written from the answer's reason codes by
``service.reasons``: a fresh answer is written so, a stored run is written again with
``service.offerings.language.stored_answer``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from catalog import Catalog, Offering
from catalog.sources import host, is_official
from service.offerings.language import entry_of


@dataclass(frozen=True)
class Source:
    url: str
    host: str
    official: bool


@dataclass(frozen=True)
class HowToLink:
    name: str
    steps: str
    url: str


@dataclass(frozen=True)
class Card:
    rank: int
    offering_id: str
    name: str
    provider: str
    category: str
    description: str
    reasons: list[str]
    prerequisites: list[str]
    place_name: str | None
    distance_km: float | None
    place_note: str | None
    price: str | None
    speed: str | None
    next_step: str | None
    sources: list[Source] = field(default_factory=list)
    as_of: str | None = None  # date of the facts (YYYY-MM-DD)
    doubts: list[str] = field(default_factory=list)  # what to check before deciding
    howto: list[HowToLink] = field(default_factory=list)  # official pages for prerequisites

    @property
    def official(self) -> bool:
        """Whether any source is an official page (government or the provider's own site)."""
        return any(s.official for s in self.sources)


@dataclass(frozen=True)
class Excluded:
    offering_id: str
    name: str
    reasons: list[str]


@dataclass(frozen=True)
class Presented:
    cards: list[Card]
    not_eligible: list[Excluded]
    catalog_version: str
    run_id: str | None
    questions: list[str] = field(default_factory=list)  # ``ask``, in the page's language


def present_ranking(
    payload: dict[str, Any], lang: str, catalogs: tuple[Catalog, ...]
) -> Presented:
    """Join ``payload`` (its reasons written in ``lang``) with the entries of the first of
    ``catalogs`` that has each offering (the one it was ranked with first), in ``lang``."""
    cards = []
    for item in payload.get("recommendations", []):
        catalog = next((c for c in catalogs if item["offering_id"] in c), None)
        found = catalog.get(item["offering_id"]) if catalog is not None else None
        # The card's text comes from the catalogue in the visitor's language (the stored name
        # is only a fallback for an offering a later catalogue dropped).
        offering = found.localized(lang) if found is not None else None
        location = item.get("location") or {}
        cards.append(
            Card(
                rank=int(item["rank"]),
                offering_id=item["offering_id"],
                name=offering.name if offering else (item.get("name") or item["offering_id"]),
                provider=offering.provider if offering else (item.get("provider") or ""),
                category=item.get("category") or (offering.category if offering else ""),
                description=offering.description if offering else "",
                reasons=list(item.get("reasons", [])),
                prerequisites=list(item.get("prerequisites", [])),
                place_name=location.get("name"),
                distance_km=location.get("distance_km"),
                place_note=(offering.location.note if offering else None) or location.get("note"),
                price=offering.price if offering else None,
                speed=offering.speed if offering else None,
                next_step=offering.next_step if offering else None,
                sources=_sources(offering) if offering else [],
                as_of=offering.as_of.isoformat() if offering else None,
                doubts=list(offering.doubts) if offering else [],
                howto=[
                    HowToLink(name=h.name, steps=h.steps, url=str(h.url))
                    for h in (h.localized(lang) for h in catalog.howto_for(offering))
                ] if offering and catalog else [],
            )
        )
    excluded = []
    for item in payload.get("not_eligible", []):
        offering_id = item["offering_id"]
        offering = entry_of(offering_id, catalogs)
        excluded.append(
            Excluded(
                offering_id=offering_id,
                name=offering.localized(lang).name if offering else offering_id,
                reasons=list(item.get("reasons", [])),
            )
        )
    return Presented(
        cards=cards,
        not_eligible=excluded,
        catalog_version=str(payload.get("catalog_version", "")),
        run_id=payload.get("run_id"),
        questions=[str(item.get("why", "")) for item in payload.get("ask", [])],
    )


def _sources(offering: Offering) -> list[Source]:
    return [
        Source(url=str(u), host=host(str(u)), official=is_official(str(u)))
        for u in offering.source_urls
    ]
