"""The ranking response of DESIGN §5.

The fields named here are the contract; the matching engine may add more (e.g. caveats), which
pass through unchanged (``extra="allow"``) instead of being dropped silently.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ReasonCode(_Open):
    """A reason as data: a stable code and its parameters (the codes are listed in the
    description of `POST /v1/recommendations`)."""

    code: str = Field(description="stable reason code", examples=["over_max_weight"])
    params: dict[str, Any] = Field(
        default_factory=dict, description="the values the sentence quotes",
        examples=[{"weight_kg": 5, "max_kg": 2}],
    )


class RecommendedLocation(_Open):
    name: str = Field(description="where to go: the nearest facility or a fixed place")
    pincode: str | None = Field(default=None, description="its PIN code, when known")
    distance_km: float | None = Field(
        default=None,
        description="straight-line distance from the profile's PIN code, km, when known",
    )


class Recommendation(_Open):
    rank: int = Field(description="1 for the best fit")
    offering_id: str = Field(description="the offering's id in the catalogue")
    name: str = Field(description="the offering's name")
    provider: str = Field(description="who offers it")
    category: str = Field(description="its catalogue category")
    score: float = Field(
        description="relevance in [0, 1]; for diversity a lower score may rank above a higher",
    )
    reasons: list[str] = Field(description="why it fits, in the asked language")
    prerequisites: list[str] = Field(
        description="what to get or do first, in the asked language")
    reason_codes: list[ReasonCode] = Field(
        default_factory=list, description="`reasons` as data, in the same order")
    prerequisite_codes: list[ReasonCode] = Field(
        default_factory=list, description="`prerequisites` as data, in the same order")
    location: RecommendedLocation | None = Field(
        default=None, description="where to go, when the offering has a place"
    )


class NotEligible(_Open):
    offering_id: str = Field(description="the offering's id in the catalogue")
    reasons: list[str] = Field(description="why it is ruled out, in the asked language")
    reason_codes: list[ReasonCode] = Field(
        default_factory=list, description="`reasons` as data, in the same order")


class AskOut(_Open):
    """A profile field not given whose answer would change the top of the ranking most."""

    field: str = Field(description="the profile field to fill in (DESIGN §4)")
    why: str = Field(description="the question, in the language asked for")
    code: str | None = Field(
        default=None, description="the question's stable code (`ask_<field>`)")


class RankingOut(_Open):
    """A ranked, explained list; `run_id` is set when the run was stored."""

    catalog_version: str = Field(description="the catalogue version it was ranked on")
    model_version: str = Field(description="the ranker version that ranked it")
    run_id: str | None = Field(
        default=None,
        description="the stored run's id (send it with feedback); null when nothing was stored",
    )
    recommendations: list[Recommendation] = Field(
        description="at most `limit`, best first; fewer when fewer offerings fit (no padding)"
    )
    not_eligible: list[NotEligible] = Field(
        description="offerings ruled out by hard limits, with the reasons"
    )
    ask: list[AskOut] = Field(
        default_factory=list,
        description="at most three unanswered fields whose answer would change the top most",
    )
