"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from service.deps import RuntimeDep
from service.errors import NotReady

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str = Field(description="always `ok`")


class Readiness(BaseModel):
    status: str = Field(description="always `ready` (otherwise the answer is a 503 problem)")
    catalog_version: str = Field(description="the catalogue version this process serves")
    model_version: str = Field(description="the version of the fitted ranker that serves it")


@router.get("/healthz", response_model=Health, operation_id="health-live")
async def healthz() -> Health:
    """Liveness: the process answers. Touches neither the database nor the ranker."""
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Readiness,
    operation_id="health-ready",
    responses={503: {"description": "database unreachable, no catalogue, or ranker not fitted"}},
)
def readyz(request: Request, runtime: RuntimeDep) -> Readiness:
    """Readiness: the database answers and a ranker is fitted on the served catalogue.

    The database is asked on every call (``SELECT 1``, bounded by the connect and statement
    timeouts), so the answer turns ready on the first successful check after an outage rather
    than at the catalogue watcher's next pass. Answers 503 (problem+json) listing every reason
    otherwise.
    """
    factory: sessionmaker[Session] = request.app.state.session_factory
    try:
        with factory() as session:
            session.execute(text("SELECT 1"))
        runtime.database_problem = None
    except SQLAlchemyError as exc:
        runtime.database_problem = f"database unreachable ({type(exc).__name__})"
    problems = runtime.readiness_problems()
    served = runtime.served
    if problems or served is None or served.ranker is None:
        raise NotReady(
            "; ".join(problems) or "the ranker is not fitted", headers={"Retry-After": "5"}
        )
    return Readiness(
        status="ready",
        catalog_version=served.catalog.version,
        model_version=served.ranker.model_version,
    )
