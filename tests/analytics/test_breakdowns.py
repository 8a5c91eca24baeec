"""Every aggregate against a small month computed by hand.

October 2026 (today is 2026-11-24), value in cents:

| deal | cause (category)                     | value      | who    | lead     | signed | fell  |
|------|--------------------------------------|------------|--------|----------|--------|-------|
| d1   | Lot not buildable (Land)             | 10,000,001 | Dana   | Referral | 09-01  | 10-01 |
| d2   | Staff too busy -> Rude (Service)     | 20,000,002 | Dana   | Web      | 07-15  | 10-05 |
| d3   | Staff too busy (Service)             | 30,000,003 | Marcus | Referral | —      | 10-10 |
| d4   | no cause yet                         | 40,000,004 | Marcus | —        | —      | 10-20 |
| d5   | Loan denied (Financing), recovered   |  5,000,000 | —      | —        | 04-01  | 10-15 |
| d8   | Family change (retired later)        |  6,000,006 | Priya  | —        | —      | 10-25 |

d1 and d2 have roles "Land seller" and "Project manager", d3 "Project manager".
Plus d6 (Land, October) in the trash and d7 (Land, September).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import event
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from dft.analytics.breakdowns import (
    NO_CAUSE_YET,
    NOT_RECORDED,
    by_category,
    by_cause,
    by_cause_status,
    by_lead_source,
    by_responsible_role,
    by_salesperson,
    changed_causes,
    contributing_causes,
    deposits,
    monthly_trend,
    recovery,
)
from dft.analytics.comparison import compare_month
from dft.analytics.follow_ups import follow_up_metrics
from dft.analytics.stats import Share, median_from_histogram, wilson_interval
from dft.analytics.timing import signing_to_fall_through
from dft.core.deals import trash_deal
from dft.core.follow_ups import record_follow_up
from dft.core.lists import resolve_entry
from dft.core.models import Salesperson
from dft.core.queries import DealFilter
from dft.core.signed_contracts import set_signed_contracts
from dft.core.taxonomy import find_cause, set_cause_retired
from tests.factories import add_deal, allow_deals_without_cause

TODAY = date(2026, 11, 24)
OCTOBER = DealFilter(fell_from=date(2026, 10, 1), fell_to=date(2026, 10, 31), today=TODAY)


@pytest.fixture
def month(session: Session) -> Session:
    def cause(name: str) -> int:
        return find_cause(session, name).id

    allow_deals_without_cause(session)  # one deal below has no cause yet

    d1 = add_deal(
        session,
        "Lot not buildable",
        client_name="d1",
        contract_value_cents=10_000_001,
        salesperson="Dana",
        lead_source="Referral",
        responsible_role="Land seller",
        signed_on=date(2026, 9, 1),
        fell_through_on=date(2026, 10, 1),
        deposit_cents=500_000,
        deposit_outcome="forfeited",
        contributing_cause_ids=(cause("Utilities or access"), cause("Slow response / long waits")),
    )
    d2 = add_deal(
        session,
        "Staff too busy / unresponsive",
        client_name="d2",
        contract_value_cents=20_000_002,
        salesperson="Dana",
        lead_source="Web",
        responsible_role="Project manager",
        signed_on=date(2026, 7, 15),
        fell_through_on=date(2026, 10, 5),
        deposit_cents=300_000,
        deposit_outcome="refunded",
    )
    d3 = add_deal(
        session,
        "Staff too busy / unresponsive",
        client_name="d3",
        contract_value_cents=30_000_003,
        salesperson="Marcus",
        lead_source="Referral",
        responsible_role="Project manager",
        signed_on=None,
        fell_through_on=date(2026, 10, 10),
        contributing_cause_ids=(cause("Slow response / long waits"),),
    )
    add_deal(
        session,
        None,
        client_name="d4",
        contract_value_cents=40_000_004,
        salesperson="Marcus",
        signed_on=None,
        fell_through_on=date(2026, 10, 20),
    )
    add_deal(
        session,
        "Loan denied",
        client_name="d5",
        contract_value_cents=5_000_000,
        signed_on=date(2026, 4, 1),
        fell_through_on=date(2026, 10, 15),
        recovered_on=date(2026, 11, 15),
    )
    trash_deal(
        session,
        add_deal(
            session,
            "Lot not buildable",
            client_name="d6",
            contract_value_cents=99,
            fell_through_on=date(2026, 10, 2),
        ),
    )
    add_deal(
        session,
        "Lot not buildable",
        client_name="d7",
        contract_value_cents=7,
        signed_on=None,
        fell_through_on=date(2026, 9, 20),
    )
    add_deal(
        session,
        "Family change",
        client_name="d8",
        contract_value_cents=6_000_006,
        salesperson="Priya",
        signed_on=None,
        fell_through_on=date(2026, 10, 25),
    )
    set_cause_retired(session, cause("Family change"))

    record_follow_up(session, d2, outcome="voicemail", done_at=datetime(2026, 10, 7, 9))
    record_follow_up(
        session,
        d2,
        outcome="reached",
        done_at=datetime(2026, 10, 8, 11),
        cause_result="changed",
        changed_to_cause_id=cause("Rude or dismissive remark"),
    )
    record_follow_up(
        session, d3, outcome="reached", done_at=datetime(2026, 10, 12, 15), cause_result="confirmed"
    )
    assert d1
    return session  # fmt: skip


def labels(slices: list) -> list[tuple[str, int, int]]:  # type: ignore[type-arg]
    return [(s.label, s.deals, s.lost_value_cents) for s in slices]


def test_by_category(month: Session) -> None:
    slices = by_category(month, OCTOBER)
    assert labels(slices) == [
        ("Land", 1, 10_000_001),
        ("Customer service", 2, 50_000_005),
        ("Financing", 1, 5_000_000),
        ("Buyer circumstances", 1, 6_000_006),
        ("Other", 0, 0),
        ("Not yet known", 0, 0),
        (NO_CAUSE_YET, 1, 40_000_004),
    ]
    assert [s.share.total for s in slices] == [6] * 7
    assert sum(s.share.value for s in slices) == pytest.approx(1.0)
    assert slices[1].controllable is True


def test_by_cause_is_a_pareto_with_cumulative_shares(month: Session) -> None:
    slices = by_cause(month, OCTOBER)
    assert labels(slices) == [
        ("Staff too busy / unresponsive", 1, 30_000_003),
        ("Rude or dismissive remark", 1, 20_000_002),
        ("Lot not buildable", 1, 10_000_001),
        ("Family change", 1, 6_000_006),
        ("Loan denied", 1, 5_000_000),
    ]
    assert [round(s.cumulative or 0, 4) for s in slices] == [0.1667, 0.3333, 0.5, 0.6667, 0.8333]
    assert slices[3].category == "Buyer circumstances"  # retired cause, still counted


def test_by_people_roles_and_sources(month: Session) -> None:
    assert labels(by_salesperson(month, OCTOBER)) == [
        ("Marcus", 2, 70_000_007),
        ("Dana", 2, 30_000_003),
        ("Priya", 1, 6_000_006),
        (NOT_RECORDED, 1, 5_000_000),
    ]
    sources = by_lead_source(month, OCTOBER)
    assert [(s.label, s.deals, s.flag) for s in sources] == [
        (NOT_RECORDED, 3, False),
        ("Referral", 2, True),
        ("Web", 1, False),
    ]
    assert [(s.label, s.deals) for s in by_responsible_role(month, OCTOBER)] == [
        (NOT_RECORDED, 3),
        ("Project manager", 2),
        ("Land seller", 1),
    ]
    assert [(s.label, s.deals) for s in by_cause_status(month, OCTOBER)] == [
        ("suspected", 4),
        ("confirmed", 2),
    ]


def test_contributing_causes_have_their_own_table(month: Session) -> None:
    assert [(s.label, s.deals) for s in contributing_causes(month, OCTOBER)] == [
        ("Slow response / long waits", 2),
        ("Utilities or access", 1),
    ]


def test_changed_causes_overall_and_by_salesperson(month: Session) -> None:
    overall, people = changed_causes(month, OCTOBER)
    assert (overall.count, overall.total) == (1, 2)
    assert [(p.label, p.share.count, p.share.total) for p in people] == [
        ("Dana", 1, 1),
        ("Marcus", 0, 1),
    ]


def test_follow_up_metrics(month: Session) -> None:
    metrics = follow_up_metrics(month, OCTOBER, TODAY)
    assert metrics.deals == 6
    assert (metrics.completed.count, metrics.reached.count) == (2, 2)
    assert metrics.days_to_first_call == {2: 2}
    assert metrics.median_days_to_first_call == 2
    assert metrics.attempts_until_reached == {1: 1, 2: 1}
    assert metrics.overdue == 4  # d1, d4, d5, d8: their scheduled calls are past due
    assert [(f.label, f.deals) for f in metrics.funnel] == [
        ("Fell through", 6),
        ("Called", 2),
        ("Reached", 2),
        ("Cause confirmed", 2),
        ("First guess changed", 1),
    ]


def test_recovery_timing_and_deposits(month: Session) -> None:
    recovered = recovery(month, OCTOBER)
    assert (recovered.recovered.count, recovered.recovered.total) == (1, 6)
    assert recovered.recovered_value_cents == 5_000_000
    timing = signing_to_fall_through(month, OCTOBER)
    assert timing.histogram == {30: 1, 82: 1, 197: 1}
    assert timing.median_days == 82
    assert dict(timing.buckets) == {
        "0–30 days": 1,
        "31–60 days": 0,
        "61–90 days": 1,
        "91–180 days": 0,
        "181–365 days": 1,
        "over a year": 0,
    }
    assert [(d.outcome, d.deals, d.deposit_cents) for d in deposits(month, OCTOBER)] == [
        ("forfeited", 1, 500_000),
        ("refunded", 1, 300_000),
    ]


def test_monthly_trend_stacks_by_category_with_empty_months(month: Session) -> None:
    trend = monthly_trend(month, DealFilter(today=TODAY), date(2026, 10, 1), months=12)
    assert trend.months[0] == date(2025, 11, 1)
    assert trend.months[-1] == date(2026, 10, 1)
    assert trend.categories == (
        "Land",
        "Customer service",
        "Financing",
        "Buyer circumstances",
        NO_CAUSE_YET,
    )
    assert trend.deals[(date(2026, 9, 1), "Land")] == 1
    assert trend.deals[(date(2026, 10, 1), "Customer service")] == 2
    assert trend.month_total(date(2026, 10, 1)) == 6
    assert trend.month_total(date(2026, 1, 1)) == 0


def test_compare_month_and_fall_through_rate(month: Session) -> None:
    set_signed_contracts(month, date(2026, 10, 1), 40)
    comparison = compare_month(month, date(2026, 10, 1), DealFilter(today=TODAY))
    assert (comparison.current.deals, comparison.previous.deals) == (6, 1)
    assert comparison.year_before.deals == 0
    assert comparison.current.lost_value_cents == 111_000_016
    rate = comparison.current.fall_through_rate
    assert rate is not None
    assert (rate.count, rate.total) == (6, 40)
    assert comparison.previous.fall_through_rate is None  # not entered: not guessed
    assert comparison.change(6, 1) == 5.0
    assert comparison.change(6, 0) is None


def test_compare_month_reads_the_earlier_months_off_a_trend_when_given_one(
    month: Session,
) -> None:
    set_signed_contracts(month, date(2026, 9, 1), 12)
    base = DealFilter(today=TODAY)
    trend = monthly_trend(month, base, date(2026, 10, 1), months=24)
    read, from_trend = (
        compare_month(month, date(2026, 10, 1), base, given) for given in (None, trend)
    )
    for a, b in ((read.previous, from_trend.previous), (read.year_before, from_trend.year_before)):
        assert (a.month, a.deals, a.lost_value_cents, a.contracts_signed) == (
            b.month, b.deals, b.lost_value_cents, b.contracts_signed
        )  # fmt: skip
    assert (from_trend.previous.deals, from_trend.previous.contracts_signed) == (1, 12)
    assert [(c.label, c.deals) for c in from_trend.previous.categories] == [("Land", 1)]
    assert from_trend.current == read.current


def test_fall_through_rate_per_salesperson(month: Session) -> None:
    dana = resolve_entry(month, Salesperson, "Dana")
    assert dana is not None
    set_signed_contracts(month, date(2026, 10, 1), 8, salesperson_id=dana.id)
    figures = compare_month(
        month, date(2026, 10, 1), DealFilter(today=TODAY, salesperson_ids=(dana.id,))
    ).current
    assert figures.deals == 2
    assert figures.contracts_signed == 8


def test_filters_narrow_every_aggregate(month: Session) -> None:
    land = find_cause(month, "Lot not buildable").category_id
    only_land = DealFilter(today=TODAY, category_ids=(land,))
    assert sum(s.deals for s in by_category(month, only_land)) == 2  # d1 and d7
    assert labels(by_cause(month, only_land)) == [("Lot not buildable", 2, 10_000_008)]


def test_empty_filter_gives_zeros_not_errors(session: Session) -> None:
    assert all(s.deals == 0 for s in by_category(session, OCTOBER))
    assert by_cause(session, OCTOBER) == []
    metrics = follow_up_metrics(session, OCTOBER, TODAY)
    assert metrics.median_days_to_first_call is None
    assert metrics.completed.value == 0
    assert signing_to_fall_through(session, OCTOBER).median_days is None


@pytest.mark.parametrize(
    ("count", "total", "low", "high"),
    [(2, 3, 0.2077, 0.9385), (0, 10, 0.0, 0.2775), (7, 24, 0.1491, 0.4917), (50, 50, 0.9287, 1.0)],
)
def test_wilson_interval_against_published_values(
    count: int, total: int, low: float, high: float
) -> None:
    assert wilson_interval(count, total) == pytest.approx((low, high), abs=1e-4)


def test_the_interval_always_holds_the_share_itself() -> None:
    # Error bars are drawn as (share - low, high - share): at 0 of n and n of n a
    # rounding step once put an end a hair past the share, and the chart failed.
    for total in range(1, 300):
        for count in (0, total // 2, total):
            low, high = wilson_interval(count, total)
            assert low <= count / total <= high, (count, total)


def test_small_shares_say_how_uncertain_they_are() -> None:
    assert Share(2, 3).describe() == "66.7% (2 of 3), 95% CI 21–94%"
    assert Share(300, 1000).describe() == "30.0% (300 of 1000)"


def test_median_from_histogram() -> None:
    assert median_from_histogram({1: 1, 2: 1}) == 1.5
    assert median_from_histogram({5: 3, 9: 1}) == 5
    assert median_from_histogram({}) is None


def test_every_query_compiles_for_postgresql(month: Session) -> None:
    statements: list[object] = []
    listener = lambda state: statements.append(state.statement)  # noqa: E731
    event.listen(month, "do_orm_execute", listener)
    try:
        for function in (by_category, by_cause, by_salesperson, by_responsible_role,
                         by_lead_source, by_cause_status, contributing_causes, recovery,
                         deposits, changed_causes, signing_to_fall_through):  # fmt: skip
            function(month, OCTOBER)
        follow_up_metrics(month, OCTOBER, TODAY)
        monthly_trend(month, OCTOBER, date(2026, 10, 1))
        compare_month(month, date(2026, 10, 1), OCTOBER)
    finally:
        event.remove(month, "do_orm_execute", listener)
    assert len(statements) > 20
    dialect = postgresql.dialect()
    compiled = [str(s.compile(dialect=dialect)) for s in statements]  # type: ignore[attr-defined]
    joined = "\n".join(compiled)
    assert "julianday" not in joined
    assert "strftime" not in joined
    assert "AS DATE) - CAST(" in joined


def test_fall_through_rate_over_a_period_uses_only_months_with_entries(month: Session) -> None:
    from dft.analytics.comparison import fall_through_rate

    assert fall_through_rate(month, OCTOBER) is None
    set_signed_contracts(month, date(2026, 10, 1), 40)
    autumn = DealFilter(fell_from=date(2026, 9, 1), fell_to=date(2026, 10, 31), today=TODAY)
    rate = fall_through_rate(month, autumn)
    assert rate is not None
    assert (rate.count, rate.total) == (6, 40)  # September has no entry: left out
    set_signed_contracts(month, date(2026, 9, 1), 10)
    rate = fall_through_rate(month, autumn)
    assert rate is not None
    assert (rate.count, rate.total) == (7, 50)
