"""covering indexes for the month's figures: its deals and their calls read from indexes alone

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 06:40:00

The monthly report and the dashboard group a month's deals a dozen ways (by cause,
role, lead source, deposit, recovery, resale, ...) and read their calls several
times. Each of those reads went from an index to the table for every deal and
every call: about 80 ms a read for a month of 42,000 deals on a 1,000,000-deal
database. These two indexes hold every column those reads use, so the table is
never read:

- ``ix_deals_live_month_figures`` replaces ``ix_deals_live_month_totals``, whose
  columns are its first three (so it serves what that one served). ``deleted_at``
  is in it, always NULL, so that SQLite's planner sees it covers a query that
  tests ``deleted_at IS NULL``.
- ``ix_follow_ups_deal_calls`` replaces ``ix_follow_ups_deal_id``, whose column is
  its first.

No table is rebuilt (the search triggers of 0009 stay).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("deleted_at IS NULL")
MONTH_FIGURES = [
    "fell_through_on",
    "cause_id",
    "contract_value_cents",
    "salesperson_id",
    "community_id",
    "lead_source_id",
    "responsible_role",
    "cause_status",
    "first_cause_id",
    "recovered_on",
    "signed_on",
    "resold_on",
    "deposit_cents",
    "deposit_outcome",
    "resale_price_cents",
    "deleted_at",
]
DEAL_CALLS = [
    "deal_id",
    "done_at",
    "outcome",
    "cause_result",
    "purpose",
    "due_on",
    "caller",
    "changed_to_cause_id",
]


def upgrade() -> None:
    op.create_index(
        "ix_deals_live_month_figures",
        "deals",
        MONTH_FIGURES,
        sqlite_where=LIVE,
        postgresql_where=LIVE,
    )
    op.drop_index("ix_deals_live_month_totals", table_name="deals")
    op.create_index("ix_follow_ups_deal_calls", "follow_ups", DEAL_CALLS)
    op.drop_index("ix_follow_ups_deal_id", table_name="follow_ups")


def downgrade() -> None:
    op.create_index("ix_follow_ups_deal_id", "follow_ups", ["deal_id"])
    op.drop_index("ix_follow_ups_deal_calls", table_name="follow_ups")
    op.create_index(
        "ix_deals_live_month_totals",
        "deals",
        ["fell_through_on", "cause_id", "contract_value_cents"],
        sqlite_where=LIVE,
        postgresql_where=LIVE,
    )
    op.drop_index("ix_deals_live_month_figures", table_name="deals")
