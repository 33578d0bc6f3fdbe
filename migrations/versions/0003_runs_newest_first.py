"""index of a profile's runs in order: its newest run and a page of its history by index

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("recommendation_runs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_recommendation_runs_profile_newest",
            ["profile_id", "created_at", "id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("recommendation_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_recommendation_runs_profile_newest")
