"""widget role: API keys (and the shared role type of users) may hold ``widget``

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD = ("partner", "officer", "admin")
_NEW = (*_OLD, "widget")
_TABLES = ("api_keys", "users")


def _role(values: Sequence[str]) -> sa.Enum:
    return sa.Enum(*values, name="role", native_enum=False, create_constraint=True, length=16)


def _change(old: Sequence[str], new: Sequence[str]) -> None:
    # Alembic drops the CHECK constraint of the existing type and creates the new one, on
    # PostgreSQL directly and on SQLite by recreating the table (batch mode).
    for table in _TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column(
                "role", existing_type=_role(old), type_=_role(new), existing_nullable=False
            )


def upgrade() -> None:
    _change(_OLD, _NEW)


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM api_keys WHERE role = 'widget'"))
    _change(_NEW, _OLD)
