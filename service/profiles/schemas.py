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

    id: str
    tenant: str
    state: str
    district: str
    sector: str
    version: int = Field(description="increases on every change; send it back in If-Match")
    created_at: dt.datetime
    updated_at: dt.datetime
    profile: dict[str, Any]


class ProfilePage(BaseModel):
    """One page of profiles, newest first."""

    items: list[ProfileOut]
    total: int
    limit: int
    offset: int


class RunSummary(BaseModel):
    """A stored recommendation run (the ranking as it was served)."""

    id: str
    catalog_version: str
    model_version: str
    created_at: dt.datetime
    ranking: dict[str, Any]


class RunPage(BaseModel):
    """One page of a profile's runs, newest first."""

    items: list[RunSummary]
    limit: int
    next: str | None = Field(
        description="send as `cursor` for the next page; null on the last page"
    )


class FeedbackIn(BaseModel):
    """What became of one recommended offering of a run."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [FEEDBACK_EXAMPLE]})

    run_id: str = Field(min_length=1, max_length=36)
    offering_id: str = Field(min_length=1, max_length=60)
    outcome: Outcome
    note: str | None = Field(default=None, max_length=2000)


class FeedbackOut(BaseModel):
    id: int
    run_id: str
    offering_id: str
    outcome: Outcome
    note: str | None
    created_at: dt.datetime
