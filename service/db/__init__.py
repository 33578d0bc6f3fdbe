"""Persistence: typed tables, engine and session factory, Alembic helpers."""

from service.db.base import Base
from service.db.engine import DatabaseUrlError, make_engine, make_session_factory
from service.db.models import (
    ApiKey,
    AuditEvent,
    CatalogVersion,
    Feedback,
    IdempotencyKey,
    ModelStatus,
    ModelVersion,
    Outcome,
    Profile,
    RecommendationRun,
    Role,
    RunItem,
    Tenant,
    User,
)

__all__ = [
    "ApiKey",
    "AuditEvent",
    "Base",
    "CatalogVersion",
    "DatabaseUrlError",
    "Feedback",
    "IdempotencyKey",
    "ModelStatus",
    "ModelVersion",
    "Outcome",
    "Profile",
    "RecommendationRun",
    "Role",
    "RunItem",
    "Tenant",
    "User",
    "make_engine",
    "make_session_factory",
]
