"""Which deals: one filter type shared by lists, tables, analytics and exports.

Filtering, sorting and paging run in SQL so a view of 100,000 deals only
ever loads the page it shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, TypeVar, cast

from sqlalchemy import (
    ColumnElement,
    ScalarSelect,
    Select,
    SQLColumnExpression,
    UnaryExpression,
    Update,
    and_,
    exists,
    func,
    select,
    union,
)
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from dft.core.dialects import count_live_text_matches, deal_text_matches, deal_text_probed
from dft.core.models import (
    Base,
    Category,
    Cause,
    Community,
    Deal,
    FollowUp,
    LeadSource,
    Salesperson,
)
from dft.core.search import TRIGRAM, fold, like_pattern

AnySelect = Select[*tuple[Any, ...]]
SelectT = TypeVar("SelectT", bound=AnySelect)


def _phrase(folded: str) -> str:
    """A folded term as an FTS5 phrase: found anywhere in the text, quotes and all."""
    return '"' + folded.replace('"', '""') + '"'


def text_matches(term: str, probed: bool = False) -> ColumnElement[bool]:
    """The deal's client name, contract number, notes or a call's notes hold ``term``,
    ignoring case and accents (dft/core/search.py), looked up in the trigram indexes;
    a term under three characters has no trigram and scans the folded text instead.
    ``probed``: each deal read in display order is tested (see deal_text_probed)."""
    folded = fold(term.strip())
    pattern = like_pattern(folded)
    if len(folded) >= TRIGRAM:
        matches = deal_text_probed if probed else deal_text_matches
        return matches(Deal.id, _phrase(folded), pattern)
    in_deals = select(Deal.id).where(Deal.search_text.like(pattern, escape="\\"))
    in_calls = select(FollowUp.deal_id).where(FollowUp.search_text.like(pattern, escape="\\"))
    return Deal.id.in_(select(union(in_deals, in_calls).subquery().c[0]))


@dataclass(frozen=True)
class DealFilter:
    """Every field narrows; the empty filter is every live deal."""

    text: str = ""
    fell_from: date | None = None
    fell_to: date | None = None  # inclusive
    category_ids: tuple[int, ...] = ()
    cause_ids: tuple[int, ...] = ()
    salesperson_ids: tuple[int, ...] = ()
    lead_source_ids: tuple[int, ...] = ()
    community_ids: tuple[int, ...] = ()
    cause_status: str | None = None
    no_cause: bool = False
    follow_up_overdue: bool = False
    in_trash: bool = False
    # What "overdue" is measured against; the caller passes its today.
    today: date = field(default_factory=date.today)

    def conditions(self, text_probed: bool = False) -> list[ColumnElement[bool]]:
        """The filter as SQL conditions on :class:`Deal` (``text_probed``: see text_matches)."""
        conditions: list[ColumnElement[bool]] = [
            Deal.deleted_at.is_not(None) if self.in_trash else Deal.deleted_at.is_(None)
        ]
        if self.text.strip():
            conditions.append(text_matches(self.text, probed=text_probed))
        if self.fell_from is not None:
            conditions.append(Deal.fell_through_on >= self.fell_from)
        if self.fell_to is not None:
            conditions.append(Deal.fell_through_on <= self.fell_to)
        if self.category_ids:
            conditions.append(
                Deal.cause_id.in_(select(Cause.id).where(Cause.category_id.in_(self.category_ids)))
            )
        if self.cause_ids:
            conditions.append(Deal.cause_id.in_(self.cause_ids))
        if self.no_cause:
            conditions.append(Deal.cause_id.is_(None))
        if self.salesperson_ids:
            conditions.append(Deal.salesperson_id.in_(self.salesperson_ids))
        if self.lead_source_ids:
            conditions.append(Deal.lead_source_id.in_(self.lead_source_ids))
        if self.community_ids:
            conditions.append(Deal.community_id.in_(self.community_ids))
        if self.cause_status:
            conditions.append(Deal.cause_status == self.cause_status)
        if self.follow_up_overdue:
            conditions.append(
                exists().where(
                    and_(
                        FollowUp.deal_id == Deal.id,
                        FollowUp.done_at.is_(None),
                        FollowUp.due_on < self.today,
                    )
                )
            )
        return conditions

    def apply(self, query: SelectT, text_probed: bool = False) -> SelectT:
        """``query`` narrowed to the deals this filter matches."""
        return query.where(*self.conditions(text_probed))

    @property
    def text_phrase_alone(self) -> str | None:
        """The text as an FTS5 phrase when it is all that narrows the live deals and
        has a trigram to look up; else None."""
        folded = fold(self.text.strip())
        if len(folded) < TRIGRAM or replace(self, text="", today=date.min) != EVERY_LIVE_DEAL:
            return None
        return _phrase(folded)


# The unfiltered table (what "today" is, aside): every live deal.
EVERY_LIVE_DEAL = DealFilter(today=date.min)


@dataclass(frozen=True)
class DealRow:
    """One line of a deals table: plain values, safe to keep after the session closes."""

    id: int
    client_name: str
    contract_number: str | None
    contract_value_cents: int
    signed_on: date | None
    fell_through_on: date
    category: str | None
    cause: str | None
    cause_status: str
    salesperson: str | None
    lead_source: str | None
    community: str | None
    next_follow_up_on: date | None
    notes: str = ""
    client_phone: str | None = None
    client_email: str | None = None
    crm_link: str | None = None


def _next_follow_up() -> ScalarSelect[date]:
    return (
        select(func.min(FollowUp.due_on))
        .where(FollowUp.deal_id == Deal.id, FollowUp.done_at.is_(None))
        .correlate(Deal)
        .scalar_subquery()
    )


NEXT_FOLLOW_UP = _next_follow_up().label("next_follow_up_on")

# Sort keys a table may ask for, by DealRow field name.
SORT_COLUMNS: dict[str, SQLColumnExpression[Any]] = {
    "id": Deal.id,
    "client_name": func.lower(Deal.client_name),
    "contract_number": Deal.contract_number,
    "contract_value_cents": Deal.contract_value_cents,
    "signed_on": Deal.signed_on,
    "fell_through_on": Deal.fell_through_on,
    "category": Category.name,
    "cause": Cause.name,
    "cause_status": Deal.cause_status,
    "salesperson": Salesperson.name,
    "lead_source": LeadSource.name,
    "community": Community.name,
    "next_follow_up_on": NEXT_FOLLOW_UP,
    "notes": Deal.notes,
}


# How a deal reaches each name it shows, in join order (a category through its cause).
_NAME_JOINS: dict[str, tuple[type[Base], ColumnElement[bool]]] = {
    "cause": (Cause, Deal.cause_id == Cause.id),
    "category": (Category, Cause.category_id == Category.id),
    "salesperson": (Salesperson, Deal.salesperson_id == Salesperson.id),
    "lead_source": (LeadSource, Deal.lead_source_id == LeadSource.id),
    "community": (Community, Deal.community_id == Community.id),
}


def join_deal_names(query: SelectT, *names: str) -> SelectT:
    """``query`` outer-joined to each deal's ``names`` (cause, category, salesperson,
    lead_source, community), so deals without one stay in."""
    wanted = {*names, "cause"} if "category" in names else set(names)
    for name, (model, condition) in _NAME_JOINS.items():
        if name in wanted:
            query = query.outerjoin(model, condition)
    return query


def _order_by(sort_key: str, descending: bool) -> tuple[UnaryExpression[Any], UnaryExpression[int]]:
    """The sort column (blanks last) and the id as tiebreak, for a stable order."""
    sort_column = SORT_COLUMNS[sort_key]
    if descending:
        return sort_column.desc().nulls_last(), Deal.id.desc()
    return sort_column.asc().nulls_last(), Deal.id.asc()


def deal_rows_query(
    deal_filter: DealFilter | None,
    sort_key: str = "fell_through_on",
    descending: bool = True,
    text_probed: bool = False,
) -> AnySelect:
    """The :class:`DealRow` columns of the deals ``deal_filter`` matches, sorted."""
    query = join_deal_names(
        select(
            Deal.id,
            Deal.client_name,
            Deal.contract_number,
            Deal.contract_value_cents,
            Deal.signed_on,
            Deal.fell_through_on,
            Category.name.label("category"),
            Cause.name.label("cause"),
            Deal.cause_status,
            Salesperson.name.label("salesperson"),
            LeadSource.name.label("lead_source"),
            Community.name.label("community"),
            NEXT_FOLLOW_UP,
            Deal.notes,
            Deal.client_phone,
            Deal.client_email,
            Deal.crm_link,
        ),
        *_NAME_JOINS,
    ).order_by(*_order_by(sort_key, descending))
    return deal_filter.apply(query, text_probed) if deal_filter is not None else query


def fetch_deal_rows(
    session: Session,
    deal_filter: DealFilter,
    *,
    sort_key: str = "fell_through_on",
    descending: bool = True,
    offset: int = 0,
    limit: int | None = None,
    matching: int | None = None,
) -> list[DealRow]:
    """A page of matching deals as :class:`DealRow`, sorted by ``sort_key``;
    ``matching``, how many deals the filter matches when the caller has counted."""
    probed = _sooner_in_display_order(session, deal_filter, sort_key, offset, limit, matching)
    query = deal_rows_query(deal_filter, sort_key, descending, probed).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [DealRow(*row) for row in session.execute(query)]


def fetch_deal_ids(
    session: Session,
    deal_filter: DealFilter,
    *,
    sort_key: str = "fell_through_on",
    descending: bool = True,
) -> list[int]:
    """The ids of every matching deal in display order: a table keeps these, not rows.

    Only the join the sort needs is made, so the common sorts read one table.
    """
    query = join_deal_names(select(Deal.id), sort_key).order_by(*_order_by(sort_key, descending))
    return list(session.scalars(deal_filter.apply(query)))


def fetch_deal_rows_by_id(session: Session, ids: list[int]) -> dict[int, DealRow]:
    """The rows for a page of ids (any order), keyed by id."""
    if not ids:
        return {}
    # No filter here: the page may come from the trash view as well as the live one.
    query = deal_rows_query(None).where(Deal.id.in_(ids))
    return {row[0]: DealRow(*row) for row in session.execute(query)}


def _sooner_in_display_order(
    session: Session,
    deal_filter: DealFilter,
    sort_key: str,
    offset: int,
    limit: int | None,
    matching: int | None,
) -> bool:
    """Whether to find a text filter's first page by reading the live deals in date
    order and testing each, rather than looking up every match and sorting them.

    Matches spread over the deals, the walk reads about limit x deals / matches
    index entries before the page is full, the other way one row per match: a
    common last name (26,000 of 1,000,000 deals) gives its first 200 in 7 ms
    instead of 40; a term few deals hold keeps the lookups.
    """
    if (
        matching is None
        or limit is None
        or offset
        or sort_key != "fell_through_on"
        or deal_filter.in_trash  # the date index holds the live deals only
        or len(fold(deal_filter.text.strip())) < TRIGRAM
    ):
        return False
    deals = session.scalar(select(func.max(Deal.id))) or 0  # about how many: one index step
    return limit * deals < matching * matching


def count_matching(session: Session, deal_filter: DealFilter) -> int:
    """How many deals the filter matches."""
    phrase = deal_filter.text_phrase_alone
    if phrase is not None:
        counted = count_live_text_matches(session, phrase)
        if counted is not None:
            return counted
    query = deal_filter.apply(select(func.count(Deal.id)))
    return int(session.scalar(query) or 0)


def execute_update(session: Session, statement: Update) -> int:
    """Run a bulk UPDATE; returns how many rows it changed."""
    result = cast(CursorResult[Any], session.execute(statement))
    return int(result.rowcount or 0)
