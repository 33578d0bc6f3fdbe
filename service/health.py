"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from service.deps import RuntimeDep, SessionDep
from service.errors import NotReady

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    catalog_version: str
    model_version: str


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """Liveness: the process answers. Touches neither the database nor the ranker."""
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Readiness,
    responses={503: {"description": "database unreachable, no catalogue, or ranker not fitted"}},
)
def readyz(runtime: RuntimeDep, session: SessionDep) -> Readiness:
    """Readiness: the database answers and a ranker is fitted on the served catalogue.

    Answers 503 (problem+json) listing every reason otherwise.
    """
    problems = runtime.readiness_problems()
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        problems.insert(0, f"database unreachable ({type(exc).__name__})")
    served = runtime.served
    if problems or served is None or served.ranker is None:
        raise NotReady("; ".join(problems) or "the ranker is not fitted")
    return Readiness(
        status="ready",
        catalog_version=served.catalog.version,
        model_version=served.ranker.model_version,
    )
