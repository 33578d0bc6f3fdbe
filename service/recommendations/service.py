"""Validate a profile and rank it: the one place the service calls the matching engine (for
this route, stored profiles and the web form alike)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from catalog import Geography
from matching import EnterpriseProfile, ProfileError, parse_profile, ranking_payload
from matching.signals import SIGNALS
from service.errors import InvalidInput, NotReady
from service.metrics import RANKING_SECONDS
from service.profiles.repository import ShownItem
from service.reasons import renderer
from service.runtime import ServedCatalog


@dataclass(frozen=True)
class ValidProfile:
    """A profile that passed validation, with the place its PIN code names."""

    profile: EnterpriseProfile
    state: str
    district: str


def parse_body(data: Mapping[str, Any], geography: Geography | None) -> EnterpriseProfile:
    """Validate a profile body; raise :class:`InvalidInput` naming every bad field (and
    :class:`NotReady` when no geography is loaded to check its PIN code)."""
    try:
        return parse_profile(data, _loaded(geography))
    except ProfileError as exc:
        raise InvalidInput("the profile is not valid", errors=exc.errors) from exc


def _loaded(geography: Geography | None) -> Geography:
    if geography is None:
        raise NotReady("the post-office geography is not loaded")
    return geography


def validate_profile(data: Mapping[str, Any], geography: Geography | None) -> ValidProfile:
    """:func:`parse_body`, with the state and district its PIN code names."""
    profile = parse_body(data, geography)
    place = _loaded(geography).lookup(profile.pincode)  # parse_profile has checked that it exists
    return ValidProfile(profile=profile, state=place.state, district=place.district)


@dataclass(frozen=True)
class Ranked:
    """A ranking as answered (``payload``: the API shape of DESIGN §5) and the offerings it
    recommends with their ranks and signal values (``items``: what a stored run keeps to
    learn from)."""

    payload: dict[str, Any]
    items: tuple[ShownItem, ...]


def rank_profile(
    served: ServedCatalog, profile: EnterpriseProfile, limit: int, run_id: str | None = None,
    lang: str = "en",
) -> Ranked:
    """The ranking with its reasons in ``lang``, timed into the ranking latency histogram."""
    if served.ranker is None:
        raise NotReady(served.problem or "the ranker is not fitted")
    started = time.perf_counter()
    ranking = served.ranker.rank(profile, k=limit)
    RANKING_SECONDS.observe(time.perf_counter() - started)
    payload: dict[str, Any] = ranking_payload(ranking, served.catalog.version, run_id=run_id,
                                              render=renderer(lang, served.catalog).many)
    items = tuple(
        ShownItem(r.offering_id, r.rank, dict(zip(SIGNALS, r.signals, strict=True)))
        for r in ranking.recommendations
    )
    return Ranked(payload, items)
