"""learning from outcomes: run items (position, signals), model versions, one feedback row per
(run, offering, outcome)

Runs stored before this revision get no items: their signal values were never kept, so they
cannot train a model (their feedback stays, for the dashboard).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUSES = ("candidate", "refused", "active", "retired", "rolled_back")
_ONE_ACTIVE = sa.text("status = 'active'")

# Repeats of one outcome on one offering of a run: keep the newest row of each.
_DROP_REPEATS = sa.text(
    """
    DELETE FROM feedback
    WHERE EXISTS (
        SELECT 1 FROM feedback AS newer
        WHERE newer.run_id = feedback.run_id
          AND newer.offering_id = feedback.offering_id
          AND newer.outcome = feedback.outcome
          AND (newer.created_at > feedback.created_at
               OR (newer.created_at = feedback.created_at AND newer.id > feedback.id))
    )
    """
)


def upgrade() -> None:
    op.create_table(
        "run_items",
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("offering_id", sa.String(length=60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("signals", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["recommendation_runs.id"],
            name=op.f("fk_run_items_run_id_recommendation_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "offering_id", name=op.f("pk_run_items")),
    )
    op.create_table(
        "model_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                *_STATUSES,
                name="model_status",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("model", sa.JSON(), nullable=False),
        sa.Column("gate", sa.JSON(), nullable=False),
        sa.Column("trained_on", sa.JSON(), nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_versions")),
        sa.UniqueConstraint("version", name=op.f("uq_model_versions_version")),
    )
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        # At most one active version, whatever runs at the same time.
        batch_op.create_index(
            "uq_model_versions_one_active",
            ["status"],
            unique=True,
            sqlite_where=_ONE_ACTIVE,
            postgresql_where=_ONE_ACTIVE,
        )
    op.execute(_DROP_REPEATS)
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_feedback_run_id_offering_id_outcome"),
            ["run_id", "offering_id", "outcome"],
        )


def downgrade() -> None:
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_feedback_run_id_offering_id_outcome"), type_="unique"
        )
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.drop_index("uq_model_versions_one_active")
    op.drop_table("model_versions")
    op.drop_table("run_items")
