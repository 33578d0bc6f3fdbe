"""Tables of the service (Alembic migrations under ``migrations/`` create them)."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.db.base import Base, utcnow


class Role(enum.StrEnum):
    """What an API key may do (DESIGN §5)."""

    PARTNER = "partner"
    OFFICER = "officer"
    ADMIN = "admin"
    # A tenant's key for its public web pages (the widget): ranking and the catalogue only,
    # and only from the tenant's allowed origins.
    WIDGET = "widget"


class Outcome(enum.StrEnum):
    """What became of one recommended offering."""

    SHOWN = "shown"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    ENROLLED = "enrolled"


def _new_id() -> str:
    return str(uuid.uuid4())


def _enum(kind: type[enum.Enum], name: str) -> Enum:
    return Enum(
        kind,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda members: [m.value for m in members],
    )


class CatalogVersion(Base):
    """One catalogue as loaded; older versions stay readable, the newest row is served.

    ``version`` is not unique: going back to an earlier file adds a row with its hash again so
    that it becomes the newest.
    """

    __tablename__ = "catalog_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    offering_count: Mapped[int]
    source: Mapped[str] = mapped_column(String(200), default="")
    document: Mapped[dict[str, Any]]


class Tenant(Base):
    """A partner organisation (or the built-in ``web`` tenant of the public form)."""

    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    allowed_origins: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ApiKey(Base):
    """An API key: only the SHA-256 of the secret is kept, with a short prefix for display."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]

    tenant: Mapped[Tenant] = relationship(lazy="raise")


class Profile(Base):
    """An enterprise profile owned by a tenant; state, district and sector are searchable."""

    __tablename__ = "profiles"
    __table_args__ = (Index("ix_profiles_state_district", "state", "district"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_new_id)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    body: Mapped[dict[str, Any]]
    state: Mapped[str] = mapped_column(String(80))
    district: Mapped[str] = mapped_column(String(80))
    sector: Mapped[str] = mapped_column(String(40), index=True)
    pincode: Mapped[str] = mapped_column(String(6), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    # Optimistic concurrency: an UPDATE carries "WHERE version = <read version>".
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy mapper option

    tenant: Mapped[Tenant] = relationship(lazy="raise")


class RecommendationRun(Base):
    """A ranking served for a stored profile, with the versions that produced it."""

    __tablename__ = "recommendation_runs"
    # A profile's runs newest first (its newest run, a page of its history) from the index alone.
    __table_args__ = (
        Index("ix_recommendation_runs_profile_newest", "profile_id", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_new_id)
    profile_id: Mapped[str] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), index=True
    )
    catalog_version: Mapped[str] = mapped_column(String(64))
    model_version: Mapped[str] = mapped_column(String(64))
    ranking: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    profile: Mapped[Profile] = relationship(lazy="raise")


class RunItem(Base):
    """One recommended offering of a run: the rank it was shown at and the ranker's signal
    values for it (``matching.signals.SIGNALS`` names), so a model can be trained on the runs
    as served without ranking them again. Written with the run, erased with it."""

    __tablename__ = "run_items"

    run_id: Mapped[str] = mapped_column(
        ForeignKey("recommendation_runs.id", ondelete="CASCADE"), primary_key=True
    )
    offering_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    position: Mapped[int]
    signals: Mapped[dict[str, Any]]


class Feedback(Base):
    """What an enterprise did with one recommended offering of a run.

    One row per (run, offering, outcome): recording the same outcome again replaces the
    earlier row's note, author and time, so repeats neither pile up nor count twice.
    """

    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("run_id", "offering_id", "outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(
        ForeignKey("recommendation_runs.id", ondelete="CASCADE"), index=True
    )
    offering_id: Mapped[str] = mapped_column(String(60))
    outcome: Mapped[Outcome] = mapped_column(_enum(Outcome, "outcome"))
    note: Mapped[str | None] = mapped_column(Text)
    actor_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id", ondelete="SET NULL"))
    actor_user: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    run: Mapped[RecommendationRun] = relationship(lazy="raise")


class ModelStatus(enum.StrEnum):
    """Where a learned model version stands (``dakmatch model ...``)."""

    CANDIDATE = "candidate"  # passed the offline gate, not serving
    REFUSED = "refused"  # the offline gate refused it: never served
    ACTIVE = "active"  # serving (at most one)
    RETIRED = "retired"  # served before another version was activated
    ROLLED_BACK = "rolled_back"  # taken out of service by ``model rollback``


class ModelVersion(Base):
    """A learned model (``matching.learning.LearnedModel`` as JSON) with its offline gate's
    report. At most one row is ``active``; none means the hand-set weights serve."""

    __tablename__ = "model_versions"
    __table_args__ = (
        Index(
            "uq_model_versions_one_active",
            "status",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    status: Mapped[ModelStatus] = mapped_column(_enum(ModelStatus, "model_status"))
    model: Mapped[dict[str, Any]]
    gate: Mapped[dict[str, Any]]
    trained_on: Mapped[dict[str, Any]]
    activated_at: Mapped[dt.datetime | None]


class AuditEvent(Base):
    """An officer's (or admin's) read or change of a profile.

    ``profile_id`` is deliberately not a foreign key: the trail outlives an erased profile and
    holds no personal data (an opaque id, who, what, when).
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40))
    profile_id: Mapped[str | None] = mapped_column(String(36), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class IdempotencyKey(Base):
    """First response to a POST with an ``Idempotency-Key``, replayed for repeats."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("api_key_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"))
    request_hash: Mapped[str] = mapped_column(String(64))
    response_status: Mapped[int]
    response_body: Mapped[dict[str, Any]]
    # Erasing the profile erases the stored response that repeats its body.
    profile_id: Mapped[str | None] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class User(Base):
    """An officer or admin who signs in to the web pages (password kept as an Argon2 hash)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    active: Mapped[bool] = mapped_column(default=True)
