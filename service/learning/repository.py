"""Every query of learning from outcomes: the outcomes a model trains on, and the model
versions with their gate reports (which one serves, activation, rollback)."""

from __future__ import annotations

import math
import operator
from collections.abc import Mapping
from typing import Any

import numpy as np
import orjson
import pandas as pd
from sqlalchemy import Text, cast, select, update
from sqlalchemy.orm import Session

from matching.learning import OUTCOME_COLUMNS
from matching.pairwise import SIGNAL_COLUMNS
from matching.signals import SIGNALS
from service.db import (
    Feedback,
    ModelStatus,
    ModelVersion,
    Outcome,
    Profile,
    RecommendationRun,
    RunItem,
    Tenant,
)
from service.db.base import utcnow

_PICK = operator.itemgetter(*SIGNALS)


def _signal_values(stored: dict[str, float]) -> tuple[float, ...]:
    """A run item's signal values in ``SIGNALS`` order; NaN for a signal it lacks (one added
    after the run was stored: training leaves such runs out rather than guess)."""
    try:
        found: tuple[float, ...] = _PICK(stored)
    except KeyError:
        return tuple(stored.get(name, math.nan) for name in SIGNALS)
    return found


def outcomes_frame(session: Session) -> pd.DataFrame:
    """The outcomes ``matching.learning.train`` reads (``OUTCOME_COLUMNS``): one row per
    offering recommended in a stored run: when the run was made, the tenant of
    its profile, the rank it was shown at, the latest outcome recorded for it (``shown`` when
    none) and its signal values as served.

    Oldest run first. Erased profiles have no runs and no feedback left, so nothing of them
    is here; runs stored before their items were kept (migration 0004) are not either.
    """
    # The newest outcome per (run, offering) is picked here, not joined in SQL: joined on a
    # window function, PostgreSQL planned a nested loop over every feedback row per item.
    newest: dict[tuple[str, str], str] = {}
    for run_id, offering_id, outcome in session.execute(
        select(Feedback.run_id, Feedback.offering_id, Feedback.outcome)
        .order_by(Feedback.created_at, Feedback.id)
    ):
        newest[(run_id, offering_id)] = outcome
    query = (
        select(
            RunItem.run_id,
            RecommendationRun.created_at,
            Tenant.name,
            RecommendationRun.profile_id,
            RunItem.offering_id,
            RunItem.position,
            cast(RunItem.signals, Text),
        )
        .join(RecommendationRun, RecommendationRun.id == RunItem.run_id)
        .join(Profile, Profile.id == RecommendationRun.profile_id)
        .join(Tenant, Tenant.id == Profile.tenant_id)
        .order_by(RecommendationRun.created_at, RunItem.run_id, RunItem.position)
    )
    rows = session.execute(query).all()
    run_ids, created, tenants, profiles, offerings, positions, signals = (
        list(column) for column in (zip(*rows, strict=True) if rows else [()] * 7)
    )
    outcomes = [newest.get(key) for key in zip(run_ids, offerings, strict=True)]
    # The signal values are read as JSON text and parsed here (orjson: a tenth of the time).
    values = np.array([_signal_values(orjson.loads(text)) for text in signals],
                      dtype=np.float64).reshape(len(rows), len(SIGNALS))
    frame = pd.DataFrame(
        {
            "run_id": pd.Series(run_ids, dtype=object),
            "created_at": pd.to_datetime(pd.Series(created, dtype=object), utc=True).astype(
                "datetime64[ns, UTC]"
            ),
            "tenant": pd.Series(tenants, dtype=object),
            "profile_id": pd.Series(profiles, dtype=object),
            "offering_id": pd.Series(offerings, dtype=object),
            "position": pd.Series(positions, dtype="int64"),
            "outcome": pd.Series(
                [Outcome(o).value if o else Outcome.SHOWN.value for o in outcomes], dtype=object
            ),
        }
    )
    for i, name in enumerate(SIGNAL_COLUMNS):
        frame[name] = values[:, i]
    return frame[list(OUTCOME_COLUMNS)]


def add_version(
    session: Session,
    *,
    version: str,
    status: ModelStatus,
    model: Mapping[str, Any],
    gate: Mapping[str, Any],
    trained_on: Mapping[str, Any],
) -> ModelVersion:
    """Store a trained model with its gate report as ``candidate`` or ``refused``."""
    row = ModelVersion(
        version=version,
        status=status,
        model=dict(model),
        gate=dict(gate),
        trained_on=dict(trained_on),
    )
    session.add(row)
    session.flush()
    return row


def versions(session: Session) -> list[ModelVersion]:
    """Every stored version, newest first."""
    query = select(ModelVersion).order_by(ModelVersion.created_at.desc(), ModelVersion.id.desc())
    return list(session.scalars(query))


def get_version(session: Session, version: str) -> ModelVersion | None:
    return session.scalars(select(ModelVersion).where(ModelVersion.version == version)).first()


def active(session: Session) -> ModelVersion | None:
    """The version that serves, or None (the hand-set weights serve)."""
    query = select(ModelVersion).where(ModelVersion.status == ModelStatus.ACTIVE)
    return session.scalars(query).first()


def active_version(session: Session) -> str | None:
    """Only the name of the serving version (the servers' cheap poll; an index look-up)."""
    query = select(ModelVersion.version).where(ModelVersion.status == ModelStatus.ACTIVE)
    return session.scalars(query).first()


def _retire_active(session: Session, status: ModelStatus) -> None:
    session.execute(
        update(ModelVersion)
        .where(ModelVersion.status == ModelStatus.ACTIVE)
        .values(status=status)
        .execution_options(synchronize_session="fetch")
    )


def activate(session: Session, row: ModelVersion) -> None:
    """Make ``row`` the one serving version; the one serving until now becomes ``retired``."""
    if row.status is ModelStatus.ACTIVE:
        return
    _retire_active(session, ModelStatus.RETIRED)
    row.status = ModelStatus.ACTIVE
    row.activated_at = utcnow()
    session.flush()


def previously_active(session: Session) -> ModelVersion | None:
    """The retired version activated most recently: what a rollback goes back to."""
    query = (
        select(ModelVersion)
        .where(ModelVersion.status == ModelStatus.RETIRED)
        .order_by(ModelVersion.activated_at.desc(), ModelVersion.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def roll_back(session: Session) -> ModelVersion | None:
    """Take the serving version out of service (``rolled_back``) and activate the previously
    active one; returns it, or None when the hand-set weights serve again. The caller checks
    that a version serves."""
    _retire_active(session, ModelStatus.ROLLED_BACK)
    previous = previously_active(session)
    if previous is not None:
        previous.status = ModelStatus.ACTIVE
        previous.activated_at = utcnow()
    session.flush()
    return previous
