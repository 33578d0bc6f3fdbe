"""Alembic is the only schema authority: up, down and up again; no drift from the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from service.db import Base, make_engine
from service.db.migrate import alembic_config, downgrade, head_revision, upgrade
from tests.service.conftest import fresh_database_url

KINDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
TABLES = {
    "alembic_version",
    "api_keys",
    "audit_events",
    "catalog_versions",
    "feedback",
    "idempotency_keys",
    "model_versions",
    "profiles",
    "recommendation_runs",
    "run_items",
    "tenants",
    "users",
}


@pytest.mark.parametrize("kind", KINDS)
def test_upgrade_downgrade_upgrade(kind: str, tmp_path: Path) -> None:
    url = fresh_database_url(kind, tmp_path, "dakmatch_service_migrations")
    engine = make_engine(url)
    try:
        upgrade(url)
        assert set(inspect(engine).get_table_names()) == TABLES
        downgrade(url, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(url)
        assert set(inspect(engine).get_table_names()) == TABLES
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == head_revision()
            # The `alembic check` question: do the models and the migrated schema agree?
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
            )
        assert diff == []
    finally:
        engine.dispose()


def test_one_linear_history() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1
    revisions = list(script.walk_revisions())
    assert all(len(r._all_down_revisions) <= 1 for r in revisions)


def test_drift_would_be_detected(tmp_path: Path) -> None:
    """compare_metadata reports a table the migrations do not create."""
    from sqlalchemy import Column, Integer, MetaData, Table

    url = f"sqlite:///{tmp_path / 'drift.db'}"
    upgrade(url)
    extra = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(extra)
    Table("not_migrated", extra, Column("id", Integer, primary_key=True))
    engine = make_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), extra)
    engine.dispose()
    assert [d[0] for d in diff] == ["add_table"]


@pytest.mark.parametrize("kind", KINDS)
def test_0004_keeps_the_newest_of_repeated_outcomes(kind: str, tmp_path: Path) -> None:
    """Feedback stored before one row per (run, offering, outcome) was kept: the upgrade keeps
    the newest row of each repeat and every other row."""
    url = fresh_database_url(kind, tmp_path, "dakmatch_service_migrations")
    engine = make_engine(url)
    try:
        upgrade(url, "0003")
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO tenants (id, name, allowed_origins, created_at) "
                "VALUES (1, 'acme', '[]', '2026-01-01T00:00:00+00:00')"
            ))
            conn.execute(text(
                "INSERT INTO profiles (id, tenant_id, body, state, district, sector, pincode, "
                "created_at, updated_at, version) VALUES ('p1', 1, '{}', 'S', 'D', 'other', "
                "'400001', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00', 1)"
            ))
            conn.execute(text(
                "INSERT INTO recommendation_runs (id, profile_id, catalog_version, "
                "model_version, ranking, created_at) VALUES ('r1', 'p1', 'c', 'm', '{}', "
                "'2026-01-01T00:00:00+00:00')"
            ))
            for row_id, offering, outcome, day in (
                (1, "dnk", "accepted", 2),
                (2, "dnk", "accepted", 4),
                (3, "dnk", "rejected", 3),
                (4, "ems", "accepted", 1),
                (5, "dnk", "accepted", 3),
            ):
                conn.execute(
                    text(
                        "INSERT INTO feedback (id, run_id, offering_id, outcome, created_at) "
                        "VALUES (:id, 'r1', :offering, :outcome, :at)"
                    ),
                    {"id": row_id, "offering": offering, "outcome": outcome,
                     "at": f"2026-01-0{day}T00:00:00+00:00"},
                )
        upgrade(url)
        with engine.connect() as conn:
            kept = conn.execute(text("SELECT id FROM feedback ORDER BY id")).scalars().all()
        assert kept == [2, 3, 4]
    finally:
        engine.dispose()
