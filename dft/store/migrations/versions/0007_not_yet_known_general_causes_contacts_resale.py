"""not yet known, general causes, unclassified categories, client contacts, resale, win-back calls

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 00:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out here, not imported: a migration must keep doing what it did when
# it was written, whatever the default taxonomy becomes later.
UNSPECIFIED = "Unspecified"
UNSPECIFIED_DESCRIPTION = "The cause is in this category; which one is not known."
NOT_YET_KNOWN = "Not yet known"
PENDING_CALL = "Unknown — pending call"
PENDING_DESCRIPTION = "The follow-up call will tell; counted on neither side."

categories = sa.table(
    "categories",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("controllable", sa.Boolean),
    sa.column("position", sa.Integer),
    sa.column("retired", sa.Boolean),
    sa.column("key", sa.String),
)
causes = sa.table(
    "causes",
    sa.column("id", sa.Integer),
    sa.column("category_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("description", sa.Text),
    sa.column("position", sa.Integer),
    sa.column("retired", sa.Boolean),
    sa.column("general", sa.Boolean),
    sa.column("key", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("categories", schema=None) as batch_op:
        # NULL now means "not classified yet"; existing categories keep their flag.
        batch_op.alter_column(
            "controllable", existing_type=sa.Boolean(), nullable=True, server_default=None
        )
        batch_op.add_column(sa.Column("key", sa.String(length=40), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_categories_key"), ["key"])

    with op.batch_alter_table("causes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("general", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("key", sa.String(length=40), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_causes_key"), ["key"])
        batch_op.create_index(
            "uq_causes_general_per_category",
            ["category_id"],
            unique=True,
            sqlite_where=sa.text("general"),
            postgresql_where=sa.text("general"),
        )

    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resold_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("resale_price_cents", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("client_phone", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("client_email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("crm_link", sa.String(length=1000), nullable=True))
        batch_op.create_check_constraint(
            "resold_not_before_fell_through", "resold_on IS NULL OR resold_on >= fell_through_on"
        )
        batch_op.create_check_constraint(
            "resale_price_not_negative", "resale_price_cents IS NULL OR resale_price_cents >= 0"
        )

    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("purpose", sa.String(length=16), server_default="cause", nullable=False)
        )
        batch_op.create_check_constraint("purpose_valid", "purpose IN ('cause', 'win_back')")

    _key_the_headline_categories()
    _give_every_category_a_general_cause()
    _add_not_yet_known()


def _find_category(connection: sa.Connection, name: str) -> int | None:
    return connection.scalar(
        sa.select(categories.c.id).where(sa.func.lower(categories.c.name) == name.lower())
    )


def _key_the_headline_categories() -> None:
    connection = op.get_bind()
    for name, key in (("Land", "land"), ("Customer service", "customer_service")):
        category_id = _find_category(connection, name)
        if category_id is not None:
            connection.execute(
                sa.update(categories).where(categories.c.id == category_id).values(key=key)
            )


def _give_every_category_a_general_cause() -> None:
    connection = op.get_bind()
    for category_id, name in connection.execute(sa.select(categories.c.id, categories.c.name)):
        rows = connection.execute(
            sa.select(causes.c.id, causes.c.name).where(causes.c.category_id == category_id)
        ).all()
        by_name = {cause_name.casefold(): cause_id for cause_id, cause_name in rows}
        # "Other > Other" already is the catch-all of Other; elsewhere "Unspecified".
        general = by_name.get(UNSPECIFIED.casefold()) or (
            by_name.get(name.casefold()) if len(rows) == 1 else None
        )
        if general is not None:
            connection.execute(sa.update(causes).where(causes.c.id == general).values(general=True))
        else:
            _insert_cause(connection, category_id, UNSPECIFIED, UNSPECIFIED_DESCRIPTION)


def _insert_cause(
    connection: sa.Connection,
    category_id: int,
    name: str,
    description: str,
    key: str | None = None,
) -> None:
    last = connection.scalar(
        sa.select(sa.func.coalesce(sa.func.max(causes.c.position), -1)).where(
            causes.c.category_id == category_id
        )
    )
    connection.execute(
        sa.insert(causes).values(
            category_id=category_id,
            name=name,
            description=description,
            position=int(last or 0) + 1 if last is not None else 0,
            retired=False,
            general=True,
            key=key,
        )
    )


def _add_not_yet_known() -> None:
    connection = op.get_bind()
    category_id = _find_category(connection, NOT_YET_KNOWN)
    if category_id is None:
        last = connection.scalar(
            sa.select(sa.func.coalesce(sa.func.max(categories.c.position), -1))
        )
        connection.execute(
            sa.insert(categories).values(
                name=NOT_YET_KNOWN,
                controllable=None,
                position=int(last or 0) + 1 if last is not None else 0,
                retired=False,
                key="not_yet_known",
            )
        )
        category_id = _find_category(connection, NOT_YET_KNOWN)
        assert category_id is not None
        _insert_cause(connection, category_id, PENDING_CALL, PENDING_DESCRIPTION, "pending_call")
        return
    # A team that made its own "Not yet known" keeps it; it becomes the built-in one.
    connection.execute(
        sa.update(categories)
        .where(categories.c.id == category_id)
        .values(key="not_yet_known", controllable=None)
    )
    connection.execute(
        sa.update(causes).where(causes.c.category_id == category_id).values(general=False)
    )
    pending = connection.scalar(
        sa.select(causes.c.id).where(
            causes.c.category_id == category_id,
            sa.func.lower(causes.c.name) == PENDING_CALL.lower(),
        )
    )
    if pending is None:
        _insert_cause(connection, category_id, PENDING_CALL, PENDING_DESCRIPTION, "pending_call")
    else:
        connection.execute(
            sa.update(causes).where(causes.c.id == pending).values(general=True, key="pending_call")
        )


def downgrade() -> None:
    connection = op.get_bind()
    connection.execute(
        sa.update(categories).where(categories.c.controllable.is_(None)).values(controllable=False)
    )
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_follow_ups_purpose_valid"), type_="check")
        batch_op.drop_column("purpose")
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_deals_resale_price_not_negative"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("ck_deals_resold_not_before_fell_through"), type_="check"
        )
        batch_op.drop_column("crm_link")
        batch_op.drop_column("client_email")
        batch_op.drop_column("client_phone")
        batch_op.drop_column("resale_price_cents")
        batch_op.drop_column("resold_on")
    with op.batch_alter_table("causes", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_causes_general_per_category",
            sqlite_where=sa.text("general"),
            postgresql_where=sa.text("general"),
        )
        batch_op.drop_constraint(batch_op.f("uq_causes_key"), type_="unique")
        batch_op.drop_column("key")
        batch_op.drop_column("general")
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_categories_key"), type_="unique")
        batch_op.drop_column("key")
        batch_op.alter_column(
            "controllable", existing_type=sa.Boolean(), nullable=False, server_default=sa.false()
        )
