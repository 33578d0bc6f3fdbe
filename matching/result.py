"""What a ranking returns: frozen dataclasses, and their JSON shape (DESIGN §5)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RecommendedPlace:
    """Where to go for an offering: a named place, its PIN code and distance when known."""

    name: str
    pincode: str | None
    distance_km: float | None
    note: str | None = None


@dataclass(frozen=True)
class Recommendation:
    """One ranked offering with the reasons it is there and the steps it needs first."""

    rank: int
    offering_id: str
    name: str
    provider: str
    category: str
    score: float
    reasons: tuple[str, ...]
    prerequisites: tuple[str, ...]
    location: RecommendedPlace | None
    next_step: str | None = None


@dataclass(frozen=True)
class NotEligible:
    """An offering a hard rule excludes, with the rules' reasons."""

    offering_id: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Ranking:
    """The answer of :meth:`matching.Ranker.rank`."""

    recommendations: tuple[Recommendation, ...]
    not_eligible: tuple[NotEligible, ...]
    model_version: str = ""
    # The questions whose answers would change the top most (``matching.ask.Ask``).
    ask: tuple[Any, ...] = ()


def _place(place: RecommendedPlace | None) -> dict[str, Any] | None:
    if place is None:
        return None
    return {"name": place.name, "pincode": place.pincode, "distance_km": place.distance_km}


def ranking_payload(
    ranking: Ranking, catalog_version: str, run_id: str | None = None
) -> dict[str, Any]:
    """The ranking as the JSON object of DESIGN §5, exactly its keys (plain dicts, lists, str,
    float, None). ``next_step`` and the place ``note`` stay on the dataclasses; what the API
    must say about a place (the head post office standing in for the export centre) is in the
    reasons.

    Parameters
    ----------
    ranking : Ranking
    catalog_version : str
        Version of the catalogue the ranker was fitted on.
    run_id : str, optional
        Set when the run was stored.

    Examples
    --------
    >>> ranking_payload(Ranking((), ()), "abc")["recommendations"]
    []
    """
    return {
        "catalog_version": catalog_version,
        "model_version": ranking.model_version,
        "run_id": run_id,
        "recommendations": [
            {
                "rank": r.rank,
                "offering_id": r.offering_id,
                "name": r.name,
                "provider": r.provider,
                "category": r.category,
                "score": r.score,
                "reasons": list(r.reasons),
                "prerequisites": list(r.prerequisites),
                "location": _place(r.location),
            }
            for r in ranking.recommendations
        ],
        "not_eligible": [
            {"offering_id": n.offering_id, "reasons": list(n.reasons)}
            for n in ranking.not_eligible
        ],
        "ask": [{"field": a.field, "why": a.why} for a in ranking.ask],
    }
