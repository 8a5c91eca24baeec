"""who scheduled and changed each follow-up call

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 11:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Calls made before this version keep an unknown author (NULL), shown as such.
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_by", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("updated_by", sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.drop_column("updated_by")
        batch_op.drop_column("created_by")
