"""Every query on profiles and recommendation runs; visibility by tenant is applied here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from service.db import Profile, RecommendationRun, Tenant
from service.db.base import utcnow
from service.db.engine import checkpoint_after_commit


@dataclass(frozen=True)
class Viewer:
    """Whose rows a query may return: one tenant's, or every tenant's (officers)."""

    tenant_id: int
    all_tenants: bool


_Query = TypeVar("_Query", bound="Select[*tuple[Any, ...]]")


def _visible(query: _Query, viewer: Viewer) -> _Query:
    return query if viewer.all_tenants else query.where(Profile.tenant_id == viewer.tenant_id)


def add_profile(
    session: Session,
    *,
    tenant_id: int,
    body: Mapping[str, Any],
    state: str,
    district: str,
    sector: str,
    pincode: str,
) -> Profile:
    profile = Profile(
        tenant_id=tenant_id,
        body=dict(body),
        state=state,
        district=district,
        sector=sector,
        pincode=pincode,
    )
    session.add(profile)
    session.flush()
    return profile


def get_profile(session: Session, profile_id: str, viewer: Viewer) -> Profile | None:
    """The profile if it exists and ``viewer`` may see it (otherwise None: a 404 for both)."""
    query = _visible(select(Profile).where(Profile.id == profile_id), viewer)
    return session.scalars(query).first()


def tenant_name(session: Session, tenant_id: int) -> str:
    return session.scalars(select(Tenant.name).where(Tenant.id == tenant_id)).one()


def list_profiles(
    session: Session,
    viewer: Viewer,
    *,
    state: str | None = None,
    district: str | None = None,
    sector: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[tuple[Profile, str]], int]:
    """A page of visible profiles, newest first, with their tenant names; and the total."""
    query = _visible(select(Profile, Tenant.name).join(Tenant), viewer)
    if state:
        query = query.where(func.lower(Profile.state) == state.casefold())
    if district:
        query = query.where(func.lower(Profile.district) == district.casefold())
    if sector:
        query = query.where(Profile.sector == sector)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(
        query.order_by(Profile.created_at.desc(), Profile.id).limit(limit).offset(offset)
    )
    return [(p, name) for p, name in rows], total


def update_profile(
    session: Session,
    profile: Profile,
    *,
    body: Mapping[str, Any],
    state: str,
    district: str,
    sector: str,
    pincode: str,
) -> Profile:
    """Replace the body; the version counter makes a concurrent update fail (StaleDataError)."""
    profile.body = dict(body)
    profile.state, profile.district, profile.sector, profile.pincode = (
        state,
        district,
        sector,
        pincode,
    )
    profile.updated_at = utcnow()
    session.flush()
    return profile


def erase_profile(session: Session, profile_id: str) -> None:
    """Delete the profile; the database cascades to its runs, their feedback and stored replies.

    On SQLite the WAL is emptied once this commits, so no older copy of the rows stays there.
    """
    session.execute(delete(Profile).where(Profile.id == profile_id))
    checkpoint_after_commit(session.connection())


def add_run(
    session: Session,
    *,
    run_id: str,
    profile_id: str,
    catalog_version: str,
    model_version: str,
    ranking: Mapping[str, Any],
) -> RecommendationRun:
    run = RecommendationRun(
        id=run_id,
        profile_id=profile_id,
        catalog_version=catalog_version,
        model_version=model_version,
        ranking=dict(ranking),
    )
    session.add(run)
    session.flush()
    return run


def get_run(session: Session, run_id: str, viewer: Viewer) -> RecommendationRun | None:
    """The run if its profile is visible to ``viewer``."""
    query = _visible(
        select(RecommendationRun).join(Profile).where(RecommendationRun.id == run_id), viewer
    )
    return session.scalars(query).first()


def list_runs(session: Session, profile_id: str) -> list[RecommendationRun]:
    return list(
        session.scalars(
            select(RecommendationRun)
            .where(RecommendationRun.profile_id == profile_id)
            .order_by(RecommendationRun.created_at.desc())
        )
    )
