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


class AskOut(_Open):
    """A profile field not given whose answer would change the top of the ranking most."""

    field: str = Field(description="the profile field to fill in (DESIGN §4)")
    why: str = Field(description="the question, in the language asked for")


class RankingOut(_Open):
    """A ranked, explained list; `run_id` is set when the run was stored."""

    catalog_version: str
    model_version: str
    run_id: str | None = Field(default=None)
    recommendations: list[Recommendation] = Field(
        description="at most `limit`, best first; fewer when fewer offerings fit (no padding)"
    )
    not_eligible: list[NotEligible]
    ask: list[AskOut] = Field(
        default_factory=list,
        description="at most three unanswered fields whose answer would change the top most",
    )
