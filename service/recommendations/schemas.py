"""The ranking response of DESIGN §5.

The fields named here are the contract; the matching engine may add more (e.g. caveats), which
pass through unchanged (``extra="allow"``) instead of being dropped silently.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class RecommendedLocation(_Open):
    name: str
    pincode: str | None = None
    distance_km: float | None = None


class Recommendation(_Open):
    rank: int
    offering_id: str
    name: str
    provider: str
    category: str
    score: float
    reasons: list[str]
    prerequisites: list[str]
    location: RecommendedLocation | None = None


class NotEligible(_Open):
    offering_id: str
    reasons: list[str]


class RankingOut(_Open):
    """A ranked, explained list; `run_id` is set when the run was stored."""

    catalog_version: str
    model_version: str
    run_id: str | None = Field(default=None)
    recommendations: list[Recommendation]
    not_eligible: list[NotEligible]
