"""A ranking (DESIGN §5 payload) prepared for the results page and the officer's profile page:
each recommendation joined with its catalogue entry (price, speed, sources, next step), its
reasons and prerequisites in the visitor's language (``service.web.messages``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from catalog import Catalog
from service.web.messages import translate


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
    sources: list[str] = field(default_factory=list)


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


def present_ranking(catalog: Catalog, payload: dict[str, Any], lang: str) -> Presented:
    """Join ``payload`` with ``catalog``; reasons pass through the language's catalogue."""

    def _(text: str) -> str:
        return translate(text, lang)

    cards = []
    for item in payload.get("recommendations", []):
        offering = catalog.get(item["offering_id"]) if item["offering_id"] in catalog.ids else None
        location = item.get("location") or {}
        cards.append(
            Card(
                rank=int(item["rank"]),
                offering_id=item["offering_id"],
                name=item.get("name") or (offering.name if offering else item["offering_id"]),
                provider=item.get("provider") or (offering.provider if offering else ""),
                category=item.get("category") or (offering.category if offering else ""),
                description=offering.description if offering else "",
                reasons=[_(r) for r in item.get("reasons", [])],
                prerequisites=[_(p) for p in item.get("prerequisites", [])],
                place_name=location.get("name"),
                distance_km=location.get("distance_km"),
                place_note=location.get("note") or (offering.location.note if offering else None),
                price=offering.price if offering else None,
                speed=offering.speed if offering else None,
                next_step=offering.next_step if offering else None,
                sources=[str(u) for u in offering.source_urls] if offering else [],
            )
        )
    excluded = []
    for item in payload.get("not_eligible", []):
        offering_id = item["offering_id"]
        offering = catalog.get(offering_id) if offering_id in catalog.ids else None
        excluded.append(
            Excluded(
                offering_id=offering_id,
                name=offering.name if offering else offering_id,
                reasons=[_(r) for r in item.get("reasons", [])],
            )
        )
    return Presented(
        cards=cards,
        not_eligible=excluded,
        catalog_version=str(payload.get("catalog_version", "")),
        run_id=payload.get("run_id"),
    )
