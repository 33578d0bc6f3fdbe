"""Every query on profiles and recommendation runs; visibility by tenant is applied here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import (
    ScalarSelect,
    Select,
    SQLColumnExpression,
    delete,
    func,
    select,
    tuple_,
)
from sqlalchemy.orm import Session, aliased

from service.db import Profile, RecommendationRun, RunItem, Tenant
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


class ShownItem(NamedTuple):
    """One recommended offering of a run as it was served: its rank and signal values."""

    offering_id: str
    position: int
    signals: Mapping[str, float]


def add_run(
    session: Session,
    *,
    run_id: str,
    profile_id: str,
    catalog_version: str,
    model_version: str,
    ranking: Mapping[str, Any],
    items: Sequence[ShownItem],
) -> RecommendationRun:
    """Store a run with its items (the offerings shown, their ranks and signal values)."""
    run = RecommendationRun(
        id=run_id,
        profile_id=profile_id,
        catalog_version=catalog_version,
        model_version=model_version,
        ranking=dict(ranking),
    )
    session.add(run)
    session.flush()
    session.add_all(
        RunItem(
            run_id=run_id,
            offering_id=item.offering_id,
            position=item.position,
            signals={name: float(value) for name, value in item.signals.items()},
        )
        for item in items
    )
    session.flush()
    return run


def run_items(session: Session, run_id: str) -> list[RunItem]:
    """The items of a run, by position."""
    query = select(RunItem).where(RunItem.run_id == run_id).order_by(RunItem.position)
    return list(session.scalars(query))


def get_run(session: Session, run_id: str, viewer: Viewer) -> RecommendationRun | None:
    """The run if its profile is visible to ``viewer``."""
    query = _visible(
        select(RecommendationRun).join(Profile).where(RecommendationRun.id == run_id), viewer
    )
    return session.scalars(query).first()


RunKey = tuple[dt.datetime, str]
"""Where a run stands in a profile's history: (created_at, id). Runs are ordered newest first,
the id deciding between equal timestamps, so every run has one place and pages are stable."""


def _newest_first(query: _Query) -> _Query:
    return query.order_by(RecommendationRun.created_at.desc(), RecommendationRun.id.desc())


def runs_page(
    session: Session, profile_id: str, limit: int, after: RunKey | None = None
) -> list[RecommendationRun]:
    """Up to ``limit`` runs of a profile, newest first, starting after the run at ``after``."""
    query = select(RecommendationRun).where(RecommendationRun.profile_id == profile_id)
    if after is not None:
        # A row-value comparison: one range of the index, on SQLite and PostgreSQL alike.
        query = query.where(tuple_(RecommendationRun.created_at, RecommendationRun.id) < after)
    return list(session.scalars(_newest_first(query).limit(limit)))


def newest_run_id(profile_id: SQLColumnExpression[str]) -> ScalarSelect[str]:
    """The id of the newest run of the profile ``profile_id`` names (a correlated subquery:
    one index look-up per profile, whatever the number of runs)."""
    run = aliased(RecommendationRun)
    query = select(run.id).where(run.profile_id == profile_id)
    return (
        query.order_by(run.created_at.desc(), run.id.desc()).limit(1).scalar_subquery()
    )


def newest_run(session: Session, profile_id: str) -> RecommendationRun | None:
    """The profile's newest run, or None when it has none."""
    query = select(RecommendationRun).where(RecommendationRun.profile_id == profile_id)
    return session.scalars(_newest_first(query).limit(1)).first()


def _with_newest_run(query: _Query) -> _Query:
    """``query`` on profiles joined to each profile's newest run (None when it has none)."""
    return query.outerjoin(RecommendationRun, RecommendationRun.id == newest_run_id(Profile.id))


def queue(
    session: Session,
    *,
    state: str = "",
    district: str = "",
    sector: str = "",
    limit: int,
) -> list[tuple[Profile, str, RecommendationRun | None]]:
    """Profiles of every tenant, newest first, with their tenant's name and newest run."""
    query = select(Profile, Tenant.name, RecommendationRun).join(Tenant)
    if state:
        query = query.where(func.lower(Profile.state) == state.casefold())
    if district:
        query = query.where(func.lower(Profile.district) == district.casefold())
    if sector:
        query = query.where(Profile.sector == sector)
    query = _with_newest_run(query).order_by(Profile.created_at.desc(), Profile.id).limit(limit)
    return [(p, name, run) for p, name, run in session.execute(query)]


def profile_with_newest_run(
    session: Session, profile_id: str
) -> tuple[Profile, str, RecommendationRun | None] | None:
    """Any tenant's profile with its tenant's name and its newest run, or None."""
    query = select(Profile, Tenant.name, RecommendationRun).join(Tenant)
    row = session.execute(_with_newest_run(query).where(Profile.id == profile_id)).first()
    return None if row is None else (row[0], row[1], row[2])


def newest_rankings_by_state(session: Session) -> list[tuple[str, dict[str, Any]]]:
    """(state, ranking) of every profile's newest run, for profiles that have one."""
    query = select(Profile.state, RecommendationRun.ranking).join(
        RecommendationRun, RecommendationRun.id == newest_run_id(Profile.id)
    )
    return [(state, ranking) for state, ranking in session.execute(query)]


def profile_run(session: Session, profile_id: str, run_id: str) -> RecommendationRun | None:
    """The run ``run_id`` if it belongs to the profile ``profile_id``."""
    query = select(RecommendationRun).where(
        RecommendationRun.id == run_id, RecommendationRun.profile_id == profile_id
    )
    return session.scalars(query).first()


def states_and_districts(session: Session) -> list[tuple[str, str]]:
    """Every (state, district) pair that stored profiles come from."""
    query = select(Profile.state, Profile.district).distinct()
    return [(state, district) for state, district in session.execute(query)]
