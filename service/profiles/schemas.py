"""Request and response shapes of the profile, run and feedback endpoints."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from service.db import Outcome
from service.examples import FEEDBACK_EXAMPLE, PROFILE_EXAMPLE


class ProfileOut(BaseModel):
    """A stored profile: the body as submitted (validated) and where its PIN code lies."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0b5c6f0e-8d0a-4f6a-9a53-0f5b3c7e2a11",
                    "tenant": "wtc-mumbai",
                    "state": "Rajasthan",
                    "district": "Jaipur",
                    "sector": "handicrafts",
                    "version": 1,
                    "created_at": "2026-11-23T08:00:00Z",
                    "updated_at": "2026-11-23T08:00:00Z",
                    "profile": PROFILE_EXAMPLE,
                }
            ]
        }
    )

    id: str = Field(description="the profile's id (a UUID)")
    tenant: str = Field(description="the tenant (partner) the profile belongs to")
    state: str = Field(description="the state its PIN code lies in")
    district: str = Field(description="the district its PIN code lies in")
    sector: str = Field(description="its sector (as in the profile)")
    version: int = Field(description="increases on every change; send it back in If-Match")
    created_at: dt.datetime = Field(description="when it was stored (UTC)")
    updated_at: dt.datetime = Field(description="when it last changed (UTC)")
    profile: dict[str, Any] = Field(
        description="the enterprise profile as submitted and validated (EnterpriseProfile)",
    )


class ProfilePage(BaseModel):
    """One page of profiles, newest first."""

    items: list[ProfileOut] = Field(description="the profiles of this page, newest first")
    total: int = Field(description="how many profiles match the filters in all")
    limit: int = Field(description="the page size asked for")
    offset: int = Field(description="how many matching profiles come before this page")


class RunSummary(BaseModel):
    """A stored recommendation run (the ranking as it was served)."""

    id: str = Field(description="the run's id (the `run_id` that feedback names)")
    catalog_version: str = Field(description="the catalogue version it was ranked on")
    model_version: str = Field(description="the ranker version that ranked it")
    created_at: dt.datetime = Field(description="when it was ranked (UTC)")
    ranking: dict[str, Any] = Field(description="the ranking exactly as it was served (RankingOut)")


class RunPage(BaseModel):
    """One page of a profile's runs, newest first."""

    items: list[RunSummary] = Field(description="the runs of this page, newest first")
    limit: int = Field(description="the page size asked for")
    next: str | None = Field(
        description="send as `cursor` for the next page; null on the last page"
    )


class FeedbackIn(BaseModel):
    """What became of one recommended offering of a run."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [FEEDBACK_EXAMPLE]})

    run_id: str = Field(
        min_length=1,
        max_length=36,
        description="the run the offering was recommended in",
    )
    offering_id: str = Field(min_length=1, max_length=60, description="an offering that run listed")
    outcome: Outcome = Field(
        description="what became of it: `shown`, `accepted`, `rejected` or `enrolled`",
    )
    note: str | None = Field(
        default=None,
        max_length=2000,
        description="free text, e.g. what the officer heard (up to 2,000 characters)",
    )


class FeedbackOut(BaseModel):
    id: int = Field(description="the feedback's id")
    run_id: str = Field(description="the run it is about")
    offering_id: str = Field(description="the offering it is about")
    outcome: Outcome = Field(description="what became of the offering")
    note: str | None = Field(description="the note, if one was given")
    created_at: dt.datetime = Field(description="when it was recorded (UTC)")
