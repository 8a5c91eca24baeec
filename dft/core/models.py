"""The SQLAlchemy models: deals, their causes and calls, the lists, settings and history.

Every rule a form checks is also a constraint here, so data written by an
older version, an import or a hand-made SQL statement cannot break them.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Connection,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, object_session, relationship

from dft.core.choices import (
    CallOutcome,
    CallPurpose,
    CancelledBy,
    CauseResult,
    CauseStatus,
    DepositOutcome,
)
from dft.core.clock import utc_now
from dft.core.dialects import create_search_indexes, partial_index
from dft.core.identity import current_user
from dft.core.search import (
    call_search_text,
    deal_search_text,
    inserted_call_search_text,
    inserted_deal_search_text,
)

# Named constraints are what let Alembic's batch mode rebuild SQLite tables.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _in(column: str, enum: type[StrEnum], nullable: bool = True) -> str:
    values = ", ".join(f"'{member.value}'" for member in enum)
    check = f"{column} IN ({values})"
    return f"{column} IS NULL OR {check}" if nullable else check


class Base(DeclarativeBase):
    """The models' base, with constraint names Alembic's batch mode can find."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Category(Base):
    """Top-level grouping of causes; Land and Customer service are the headline split."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    # True: the team can fix it (service); False: it cannot (land); None: nobody
    # has said yet, so the land-vs-service and controllable splits leave it out.
    controllable: Mapped[bool | None] = mapped_column()
    position: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    retired: Mapped[bool] = mapped_column(server_default=false())
    # Built-in categories the analytics must find whatever the user renames them
    # to ("land", "customer_service", "not_yet_known"); NULL for the user's own.
    key: Mapped[str | None] = mapped_column(String(40), unique=True)

    causes: Mapped[list[Cause]] = relationship(
        back_populates="category", order_by="Cause.position, Cause.id"
    )

    __table_args__ = (CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),)


class Cause(Base):
    """A cause within a category; retired causes stay on the deals that have them."""

    __tablename__ = "causes"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(
        ForeignKey("categories.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, server_default="")
    position: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    retired: Mapped[bool] = mapped_column(server_default=false())
    # The category's catch-all ("Customer service > Unspecified"): where a reason
    # that names only the category goes, so it stays on its side of the split.
    general: Mapped[bool] = mapped_column(server_default=false())
    # Built-in causes found by key whatever their name ("pending_call").
    key: Mapped[str | None] = mapped_column(String(40), unique=True)

    category: Mapped[Category] = relationship(back_populates="causes")

    __table_args__ = (
        UniqueConstraint("category_id", "name", name="uq_causes_category_id_name"),
        CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
        partial_index(
            "uq_causes_general_per_category", "category_id", where="general", unique=True
        ),
    )


class _NamedListEntry:
    """Salespeople, lead sources and communities: lists the user edits."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    retired: Mapped[bool] = mapped_column(server_default=false())


class Salesperson(_NamedListEntry, Base):
    """Who sold the contract."""

    __tablename__ = "salespeople"
    __table_args__ = (CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),)


class LeadSource(_NamedListEntry, Base):
    """Where the buyer came from; referrals are flagged."""

    __tablename__ = "lead_sources"
    # Referred buyers arrive pre-sold; losing one is called out in reports.
    is_referral: Mapped[bool] = mapped_column(server_default=false())
    __table_args__ = (CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),)


class Community(_NamedListEntry, Base):
    """The community (subdivision) the home was in."""

    __tablename__ = "communities"
    __table_args__ = (CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),)


class Deal(Base):
    """One contract that was signed and later fell through."""

    __tablename__ = "deals"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_name: Mapped[str] = mapped_column(String(200))
    contract_number: Mapped[str | None] = mapped_column(String(60))
    contract_value_cents: Mapped[int] = mapped_column(BigInteger)
    signed_on: Mapped[date | None] = mapped_column(Date)
    fell_through_on: Mapped[date] = mapped_column(Date)
    salesperson_id: Mapped[int | None] = mapped_column(
        ForeignKey("salespeople.id", ondelete="RESTRICT"), index=True
    )
    lead_source_id: Mapped[int | None] = mapped_column(
        ForeignKey("lead_sources.id", ondelete="RESTRICT"), index=True
    )
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("communities.id", ondelete="RESTRICT"), index=True
    )
    lot: Mapped[str | None] = mapped_column(String(60))
    stage: Mapped[str | None] = mapped_column(String(80))
    responsible_role: Mapped[str | None] = mapped_column(String(80))
    cancelled_by: Mapped[str | None] = mapped_column(String(16))
    deposit_cents: Mapped[int | None] = mapped_column(BigInteger)
    deposit_outcome: Mapped[str | None] = mapped_column(String(16))
    cause_id: Mapped[int | None] = mapped_column(
        ForeignKey("causes.id", ondelete="RESTRICT"), index=True
    )
    cause_status: Mapped[str] = mapped_column(
        String(16), server_default=CauseStatus.SUSPECTED.value
    )
    # The cause as first recorded; kept when a follow-up changes the cause so
    # reports can show how often the first guess was wrong.
    first_cause_id: Mapped[int | None] = mapped_column(
        ForeignKey("causes.id", ondelete="RESTRICT"), index=True
    )
    recovered_on: Mapped[date | None] = mapped_column(Date)
    # What the fall-through cost: when the home or lot was sold again, and for how much.
    resold_on: Mapped[date | None] = mapped_column(Date)
    resale_price_cents: Mapped[int | None] = mapped_column(BigInteger)
    # How to reach the client for the follow-up call, and the deal in the team's CRM.
    client_phone: Mapped[str | None] = mapped_column(String(40))
    client_email: Mapped[str | None] = mapped_column(String(254))
    crm_link: Mapped[str | None] = mapped_column(String(1000))
    notes: Mapped[str] = mapped_column(Text, server_default="")
    # Client name, contract number and notes folded for search (dft/core/search.py):
    # filled on every insert, also a bulk one, and by the ORM on every update.
    search_text: Mapped[str] = mapped_column(
        Text, default=inserted_deal_search_text, server_default=""
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now, onupdate=utc_now)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by: Mapped[str | None] = mapped_column(String(120))
    updated_by: Mapped[str | None] = mapped_column(String(120))
    # Optimistic locking: an UPDATE that finds another version raises StaleDataError.
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))

    salesperson: Mapped[Salesperson | None] = relationship()
    lead_source: Mapped[LeadSource | None] = relationship()
    community: Mapped[Community | None] = relationship()
    cause: Mapped[Cause | None] = relationship(foreign_keys=[cause_id])
    first_cause: Mapped[Cause | None] = relationship(foreign_keys=[first_cause_id])
    contributing_causes: Mapped[list[Cause]] = relationship(
        secondary="deal_contributing_causes", order_by="Cause.id"
    )
    follow_ups: Mapped[list[FollowUp]] = relationship(
        back_populates="deal",
        order_by="FollowUp.due_on, FollowUp.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    changes: Mapped[list[DealChange]] = relationship(
        order_by="DealChange.id", cascade="all, delete-orphan", passive_deletes=True
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    __table_args__ = (
        CheckConstraint("length(trim(client_name)) > 0", name="client_name_not_blank"),
        CheckConstraint("contract_value_cents >= 0", name="contract_value_not_negative"),
        CheckConstraint(
            "signed_on IS NULL OR fell_through_on >= signed_on",
            name="fell_through_not_before_signed",
        ),
        CheckConstraint(
            "recovered_on IS NULL OR recovered_on >= fell_through_on",
            name="recovered_not_before_fell_through",
        ),
        CheckConstraint("deposit_cents IS NULL OR deposit_cents >= 0", name="deposit_not_negative"),
        CheckConstraint(
            "resold_on IS NULL OR resold_on >= fell_through_on",
            name="resold_not_before_fell_through",
        ),
        CheckConstraint(
            "resale_price_cents IS NULL OR resale_price_cents >= 0",
            name="resale_price_not_negative",
        ),
        CheckConstraint(_in("cancelled_by", CancelledBy), name="cancelled_by_valid"),
        CheckConstraint(_in("deposit_outcome", DepositOutcome), name="deposit_outcome_valid"),
        CheckConstraint(
            _in("cause_status", CauseStatus, nullable=False), name="cause_status_valid"
        ),
        CheckConstraint(
            "cause_status = 'suspected' OR cause_id IS NOT NULL",
            name="confirmed_needs_cause",
        ),
        # Live deals in date order straight from the index: the table's default
        # order and every month's query. Partial, so trashed deals cost nothing.
        partial_index(
            "ix_deals_live_fell_through_on",
            "fell_through_on",
            where="deleted_at IS NULL",
        ),
        # A month's figures (totals by cause, role, lead source, deposit, recovery,
        # resale ...) read from this index alone, never the table: the dashboard and
        # the report over a million deals. deleted_at, always NULL here, lets
        # SQLite's planner see that it covers "deleted_at IS NULL".
        partial_index(
            "ix_deals_live_month_figures",
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
            where="deleted_at IS NULL",
        ),
        partial_index(
            "ix_deals_trashed",
            "deleted_at",
            where="deleted_at IS NOT NULL",
        ),
        # A contract number identifies one live deal; a trashed deal keeps its
        # number without blocking a corrected re-entry.
        partial_index(
            "uq_deals_live_contract_number",
            "contract_number",
            where="deleted_at IS NULL",
            unique=True,
        ),
    )

    @property
    def in_trash(self) -> bool:
        """True once the deal was moved to the trash."""
        return self.deleted_at is not None


class DealContributingCause(Base):
    """Secondary causes of a deal. Shares use the primary cause only."""

    __tablename__ = "deal_contributing_causes"

    deal_id: Mapped[int] = mapped_column(
        ForeignKey("deals.id", ondelete="CASCADE"), primary_key=True
    )
    cause_id: Mapped[int] = mapped_column(
        ForeignKey("causes.id", ondelete="RESTRICT"), primary_key=True, index=True
    )


class FollowUp(Base):
    """A follow-up call on a deal: scheduled (no ``done_at``) or attempted."""

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"))
    due_on: Mapped[date] = mapped_column(Date)
    purpose: Mapped[str] = mapped_column(String(16), server_default=CallPurpose.CAUSE.value)
    done_at: Mapped[datetime | None] = mapped_column(DateTime)
    caller: Mapped[str | None] = mapped_column(String(120))
    outcome: Mapped[str | None] = mapped_column(String(16))
    client_words: Mapped[str] = mapped_column(Text, server_default="")
    cause_result: Mapped[str | None] = mapped_column(String(16))
    changed_to_cause_id: Mapped[int | None] = mapped_column(
        ForeignKey("causes.id", ondelete="RESTRICT"), index=True
    )
    notes: Mapped[str] = mapped_column(Text, server_default="")
    # Notes and the client's words folded for search, like Deal.search_text.
    search_text: Mapped[str] = mapped_column(
        Text, default=inserted_call_search_text, server_default=""
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now, onupdate=utc_now)
    # Who scheduled or logged the call and who last changed it (see the events below).
    created_by: Mapped[str | None] = mapped_column(String(120))
    updated_by: Mapped[str | None] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))

    deal: Mapped[Deal] = relationship(back_populates="follow_ups")
    changed_to_cause: Mapped[Cause | None] = relationship()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    __table_args__ = (
        # A deal's calls, and what the month's figures read of them, from the index
        # alone: the report and the dashboard never read the calls table itself.
        Index(
            "ix_follow_ups_deal_calls",
            "deal_id",
            "done_at",
            "outcome",
            "cause_result",
            "purpose",
            "due_on",
            "caller",
            "changed_to_cause_id",
        ),
        # The calls still to make: a small index however long the history grows.
        partial_index(
            "ix_follow_ups_open_due_on",
            "due_on",
            where="done_at IS NULL",
        ),
        CheckConstraint(_in("outcome", CallOutcome), name="outcome_valid"),
        CheckConstraint(_in("purpose", CallPurpose, nullable=False), name="purpose_valid"),
        CheckConstraint(_in("cause_result", CauseResult), name="cause_result_valid"),
        CheckConstraint(
            "(done_at IS NULL AND outcome IS NULL)"
            " OR (done_at IS NOT NULL AND outcome IS NOT NULL)",
            name="attempt_has_outcome",
        ),
        # Written so that a NULL never lets a row slip through (NULL passes a CHECK).
        CheckConstraint(
            "cause_result IS NULL OR (outcome IS NOT NULL AND outcome = 'reached')",
            name="cause_result_needs_reached",
        ),
        CheckConstraint(
            "CASE WHEN cause_result = 'changed' THEN changed_to_cause_id IS NOT NULL"
            " ELSE changed_to_cause_id IS NULL END",
            name="changed_names_cause",
        ),
    )


# Calls are created and changed from many places (logging a deal, recording a
# call, retries, undo); stamping the author at flush covers them all.
@event.listens_for(FollowUp, "before_insert")
def _follow_up_created(_mapper: object, _connection: object, follow_up: FollowUp) -> None:
    if follow_up.created_by is None:
        follow_up.created_by = current_user()
    if follow_up.updated_by is None:
        follow_up.updated_by = follow_up.created_by


@event.listens_for(FollowUp, "before_update")
def _follow_up_changed(_mapper: object, _connection: object, follow_up: FollowUp) -> None:
    session = object_session(follow_up)
    if session is not None and session.is_modified(follow_up, include_collections=False):
        follow_up.updated_by = current_user()


class Setting(Base):
    """Settings that belong to the database (shared by everyone who opens it)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SignedContracts(Base):
    """How many contracts were signed in a month (optionally per salesperson).

    With it the fall-through rate (DFTs / contracts signed) can be reported.
    ``month`` is the first day of the month.
    """

    __tablename__ = "signed_contracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date, index=True)
    salesperson_id: Mapped[int | None] = mapped_column(
        ForeignKey("salespeople.id", ondelete="CASCADE"), index=True
    )
    contracts: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint("contracts >= 0", name="contracts_not_negative"),
        UniqueConstraint("month", "salesperson_id", name="uq_signed_contracts_month_salesperson"),
        # NULLs are distinct in a unique constraint; the team-wide figure needs its own index.
        partial_index(
            "uq_signed_contracts_team_month",
            "month",
            where="salesperson_id IS NULL",
            unique=True,
        ),
    )


class DealChange(Base):
    """One field of one deal changed: the audit trail managers read (reason changes above all)."""

    __tablename__ = "deal_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    changed_by: Mapped[str] = mapped_column(String(120))
    field: Mapped[str] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)


# -- Text search: the folded copy follows every write -------------------------------------


@event.listens_for(Deal, "before_insert")
@event.listens_for(Deal, "before_update")
def _deal_searchable(_mapper: object, _connection: object, deal: Deal) -> None:
    deal.search_text = deal_search_text(deal.client_name, deal.contract_number, deal.notes)


@event.listens_for(FollowUp, "before_insert")
@event.listens_for(FollowUp, "before_update")
def _call_searchable(_mapper: object, _connection: object, follow_up: FollowUp) -> None:
    follow_up.search_text = call_search_text(follow_up.notes, follow_up.client_words)


@event.listens_for(Base.metadata, "after_create")
def _search_indexes(_metadata: object, connection: Connection, **_kw: object) -> None:
    # A new database gets what migration 0009 gives an older one.
    create_search_indexes(connection)


# The remembered import mappings are tables too: importing their module here puts them in
# Base.metadata wherever the models are (create_all, migrations, dft copy).
from dft.core import import_mappings  # noqa: E402, F401
