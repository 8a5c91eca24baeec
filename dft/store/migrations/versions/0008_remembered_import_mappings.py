"""remembered import mappings: columns and cause values per set of file headers

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.Column("headers", sa.Text(), nullable=False),
        sa.Column("columns", sa.Text(), nullable=False),
        sa.Column("date_order", sa.String(length=3), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_mappings")),
        sa.UniqueConstraint("signature", name=op.f("uq_import_mappings_signature")),
    )
    op.create_table(
        "import_mapping_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mapping_id", sa.Integer(), nullable=False),
        sa.Column("category_value", sa.String(length=200), server_default="", nullable=False),
        sa.Column("cause_value", sa.String(length=200), server_default="", nullable=False),
        sa.Column("cause_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cause_id"],
            ["causes.id"],
            name=op.f("fk_import_mapping_values_cause_id_causes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mapping_id"],
            ["import_mappings.id"],
            name=op.f("fk_import_mapping_values_mapping_id_import_mappings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_mapping_values")),
        sa.UniqueConstraint(
            "mapping_id",
            "category_value",
            "cause_value",
            name="uq_import_mapping_values_mapping_id_value",
        ),
    )
    with op.batch_alter_table("import_mapping_values", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_import_mapping_values_cause_id"), ["cause_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_import_mapping_values_mapping_id"), ["mapping_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("import_mapping_values", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_mapping_values_mapping_id"))
        batch_op.drop_index(batch_op.f("ix_import_mapping_values_cause_id"))
    op.drop_table("import_mapping_values")
    op.drop_table("import_mappings")
