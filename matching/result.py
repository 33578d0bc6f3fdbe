"""What a ranking returns: frozen dataclasses, and their JSON shape (DESIGN §5)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from matching.ask import Ask
from matching.reasons import Reason


@dataclass(frozen=True)
class RecommendedPlace:
    """Where to go for an offering: a named place, its PIN code and distance when known."""

    name: str
    pincode: str | None
    distance_km: float | None
    note: str | None = None


@dataclass(frozen=True)
class Recommendation:
    """One ranked offering with the reasons it is there and the steps it needs first (codes
    with parameters, ``matching.reasons``)."""

    rank: int
    offering_id: str
    name: str
    provider: str
    category: str
    score: float
    reasons: tuple[Reason, ...]
    prerequisites: tuple[Reason, ...]
    location: RecommendedPlace | None
    next_step: str | None = None
    # The raw value of every signal for this offering, before weighting, in
    # ``matching.signals.SIGNALS`` order: what a run stores so a model can be trained without
    # ranking history again (``matching.learning``). Not part of the API's JSON; a tuple, not a
    # mapping, so that rankings nobody stores do not pay for ten dicts each.
    signals: tuple[float, ...] = ()


@dataclass(frozen=True)
class NotEligible:
    """An offering a hard rule excludes, with the rules' reasons."""

    offering_id: str
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Ranking:
    """The answer of :meth:`matching.Ranker.rank`."""

    recommendations: tuple[Recommendation, ...]
    not_eligible: tuple[NotEligible, ...]
    model_version: str = ""
    # The questions whose answers would change the top most (``matching.ask.Ask``).
    ask: tuple[Ask, ...] = ()


def _ask(ask: Ask, render: Render | None) -> dict[str, Any]:
    out: dict[str, Any] = {"field": ask.field}
    if render is not None:
        (out["why"],), _ = render((Reason(ask.code),))
    out["code"] = ask.code
    return out


def _place(place: RecommendedPlace | None) -> dict[str, Any] | None:
    if place is None:
        return None
    return {"name": place.name, "pincode": place.pincode, "distance_km": place.distance_km}


# Reasons' sentences in the asked language and their JSON objects (the service's renderer).
Render = Callable[[tuple[Reason, ...]], tuple[list[str], list[dict[str, Any]]]]


def ranking_payload(
    ranking: Ranking, catalog_version: str, run_id: str | None = None,
    render: Render | None = None,
) -> dict[str, Any]:
    """The ranking as the JSON object of DESIGN §5, exactly its keys (plain dicts, lists, str,
    float, None). ``reason_codes`` and ``prerequisite_codes`` are the reasons as data;
    ``reasons`` and ``prerequisites`` are their sentences written by ``render`` (left out when
    it is None: matching writes no sentences). ``ask`` lists the questions (``field``, ``code``
    ``ask_<field>``, and ``why``, the question written by ``render``). ``next_step`` and the
    place ``note`` stay on the dataclasses; what the API must say about a place (the head post
    office standing in for the export centre) is in the reasons.

    Parameters
    ----------
    ranking : Ranking
    catalog_version : str
        Version of the catalogue the ranker was fitted on.
    run_id : str, optional
        Set when the run was stored.
    render : callable, optional
        Reasons' sentences in the asked language and their JSON objects.

    Examples
    --------
    >>> ranking_payload(Ranking((), ()), "abc")["recommendations"]
    []
    """
    recommendations = []
    for r in ranking.recommendations:
        item: dict[str, Any] = {
            "rank": r.rank, "offering_id": r.offering_id, "name": r.name,
            "provider": r.provider, "category": r.category, "score": r.score,
        }
        if render is None:
            item["reason_codes"] = [x.as_json() for x in r.reasons]
            item["prerequisite_codes"] = [x.as_json() for x in r.prerequisites]
        else:
            item["reasons"], item["reason_codes"] = render(r.reasons)
            item["prerequisites"], item["prerequisite_codes"] = render(r.prerequisites)
        item["location"] = _place(r.location)
        recommendations.append(item)
    not_eligible = []
    for n in ranking.not_eligible:
        if render is None:
            not_eligible.append({"offering_id": n.offering_id,
                                 "reason_codes": [x.as_json() for x in n.reasons]})
        else:
            texts, codes = render(n.reasons)
            not_eligible.append({"offering_id": n.offering_id, "reasons": texts,
                                 "reason_codes": codes})
    return {
        "catalog_version": catalog_version,
        "model_version": ranking.model_version,
        "run_id": run_id,
        "recommendations": recommendations,
        "not_eligible": not_eligible,
        "ask": [_ask(a, render) for a in ranking.ask],
    }
