"""The manager's insights on small databases whose answers were worked out by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from sqlalchemy.orm import Session

from dft.analytics.calibration import calibration, callers
from dft.analytics.cancellation import cancellation_rate
from dft.analytics.control import control_chart, control_limits
from dft.analytics.cost import cost_by_cause, cost_by_month, total_cost
from dft.analytics.insights import build_insights, insights_json
from dft.analytics.win_back import NO_WIN_BACK_CALL, win_backs
from dft.core import settings
from dft.core.errors import ValidationError
from dft.core.follow_ups import record_follow_up
from dft.core.lists import resolve_entry
from dft.core.models import Community, Salesperson
from dft.core.queries import DealFilter
from dft.core.signed_contracts import set_signed_contracts
from dft.core.taxonomy import add_category, find_cause
from tests.factories import add_deal

SEPTEMBER, OCTOBER, NOVEMBER = date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)
IN_OCTOBER = DealFilter(fell_from=OCTOBER, fell_to=date(2026, 10, 31))
LAND = "Land/Lot not buildable"
RUDE = "Customer service/Rude or dismissive remark"
SLOW = "Customer service/Slow response / long waits"
LOAN = "Financing/Loan denied"
PENDING = "Not yet known/Unknown — pending call"


def call(
    session: Session,
    deal_id: int,
    day: int,
    caller: str | None,
    result: str | None = None,
    to: str | None = None,
    outcome: str = "reached",
    purpose: str = "cause",
) -> None:
    record_follow_up(
        session,
        deal_id,
        outcome=outcome,
        done_at=datetime(2026, 10, day, 10),
        caller=caller,
        cause_result=result,
        changed_to_cause_id=find_cause(session, to).id if to else None,
        purpose=purpose,
    )


@pytest.fixture
def calls_db(session: Session) -> Session:
    """October: Ana 5 deals, Ben 3, Cy 1 (never called), one with no salesperson."""
    weather = add_category(session, "Weather")  # not classified yet
    assert weather
    n = iter(range(100))

    def deal(cause: str, person: str | None, day: int = 1) -> int:
        return add_deal(
            session,
            cause,
            client_name=f"Client {next(n)}",
            salesperson=person,
            fell_through_on=date(2026, 10, day) if day else date(2026, 9, 15),
        )

    ana, ben, cy = "Ana Lopez", "Ben Ortiz", "Cy Young"
    a1, a2, a3, a4, a5 = (deal(c, ana) for c in (LAND, LAND, RUDE, RUDE, PENDING))
    call(session, a1, 5, ben, "confirmed")
    call(session, a2, 5, "ana  lopez", "changed", RUDE)  # not controllable -> controllable
    call(session, a3, 20, ana, "confirmed")
    call(session, a3, 25, ben, "changed", LAND)  # settled twice: counts once, by the last
    call(session, a4, 5, ana, outcome="voicemail")  # not settled
    call(session, a5, 5, ben, "changed", RUDE)  # logged as pending: no first guess
    b1, b2, b3 = (deal(c, ben) for c in (LOAN, RUDE, RUDE))
    call(session, b1, 5, ana, "changed", "Weather/Unspecified")  # to not classified: no move
    call(session, b2, 5, ben, "changed", SLOW)
    call(session, b3, 20, cy, "changed", LAND)  # controllable -> not controllable ...
    call(session, b3, 25, None, "confirmed")  # ... and the later call confirms that
    deal(LAND, cy)
    n1 = deal(LAND, None)
    call(session, n1, 5, ana, "confirmed")
    september = deal(LAND, ana, day=0)
    record_follow_up(
        session,
        september,
        outcome="reached",
        done_at=datetime(2026, 9, 20),
        cause_result="confirmed",
    )
    return session


def test_calibration_per_salesperson(calls_db: Session) -> None:
    rows = {r.salesperson: r for r in calibration(calls_db, IN_OCTOBER)}
    assert [r.salesperson for r in calibration(calls_db, IN_OCTOBER)] == [
        "Ana Lopez", "Ben Ortiz", None, "Cy Young"
    ]  # fmt: skip
    ana = rows["Ana Lopez"]
    assert (ana.deals, ana.settled, ana.confirmed, ana.changed, ana.no_first_guess) == (
        5,
        3,
        1,
        2,
        1,
    )
    assert (ana.not_controllable_to_controllable, ana.controllable_to_not_controllable) == (1, 1)
    low, high = ana.confirmed_share.interval
    assert (round(low, 4), round(high, 4)) == (0.0615, 0.7923)  # Wilson, 1 of 3
    ben = rows["Ben Ortiz"]
    assert (ben.deals, ben.settled, ben.confirmed, ben.changed) == (3, 3, 0, 3)
    assert (ben.not_controllable_to_controllable, ben.controllable_to_not_controllable) == (0, 1)
    cy = rows["Cy Young"]
    assert (cy.deals, cy.settled, cy.confirmed, cy.changed) == (1, 0, 0, 0)
    nobody = rows[None]
    assert (nobody.settled, nobody.confirmed) == (1, 1)


def test_calibration_of_a_period_counts_only_its_deals(calls_db: Session) -> None:
    september = DealFilter(fell_from=SEPTEMBER, fell_to=date(2026, 9, 30))
    [ana] = calibration(calls_db, september)
    assert (ana.salesperson, ana.deals, ana.settled, ana.confirmed) == ("Ana Lopez", 1, 1, 1)


def test_callers_own_salesperson_against_someone_else(calls_db: Session) -> None:
    result = callers(calls_db, IN_OCTOBER)
    assert (result.own_salesperson.calls, result.own_salesperson.changed) == (3, 2)
    assert (result.someone_else.calls, result.someone_else.changed) == (5, 4)
    assert (result.not_recorded.calls, result.not_recorded.changed) == (2, 0)
    assert round(result.someone_else.change_rate.value, 4) == 0.8


def test_the_insights_json_has_exactly_the_keys_of_the_issue(calls_db: Session) -> None:
    data = insights_json(build_insights(calls_db, OCTOBER, OCTOBER))
    assert list(data) == ["calibration", "callers", "control", "cost", "cancellation_rate"]
    ana = data["calibration"][0]
    assert ana == {
        "salesperson": "Ana Lopez", "settled": 3, "confirmed": 1, "changed": 2,
        "not_controllable_to_controllable": 1, "controllable_to_not_controllable": 1,
        "confirmed_share": 0.3333, "ci_low": 0.0615, "ci_high": 0.7923,
    }  # fmt: skip
    cy = data["calibration"][-1]
    assert (cy["settled"], cy["confirmed_share"], cy["ci_low"], cy["ci_high"]) == (
        0,
        None,
        None,
        None,
    )
    assert data["callers"] == {
        "own_salesperson": {"calls": 3, "changed": 2},
        "someone_else": {"calls": 5, "changed": 4},
    }
    assert len(data["control"]) == 24
    assert data["control"][-1]["month"] == "2026-10"
    assert set(data["control"][-1]) == {
        "month", "deals", "controllable_share", "centre", "lower", "upper", "unusual"
    }  # fmt: skip
    assert set(data["cost"]) == {
        "lost_value_cents", "deposits_refunded_cents", "deposits_kept_cents", "resold",
        "median_days_to_resell", "carrying_cost_cents", "resale_gap_cents",
    }  # fmt: skip
    assert data["cancellation_rate"] == {
        "contracts_signed": 0, "fell_through": 0, "rate": None, "benchmark": None
    }  # fmt: skip


def test_a_period_that_ends_before_it_starts_is_refused(session: Session) -> None:
    with pytest.raises(ValidationError, match="first month"):
        build_insights(session, NOVEMBER, OCTOBER)


# -- The control chart ------------------------------------------------------------------


def test_control_limits_from_the_earlier_months_and_each_months_own_size() -> None:
    months = [date(2026, m, 1) for m in range(1, 7)]
    chart = control_limits(
        list(zip(months, (10, 10, 20, 0, 25, 16), (5, 7, 12, 0, 20, 4), strict=True))
    )
    first, second, third, empty, fifth, sixth = chart.months
    assert (first.centre, second.centre, third.centre) == (None, None, None)  # too few before
    assert third.headline() == "60% controllable — too few earlier months to say what is usual"
    # The month with no deals: a centre, no limits, never unusual, left out of later centres.
    assert (empty.share, empty.centre, empty.lower, empty.unusual) == (None, 0.6, None, False)
    assert empty.headline() == "No deals with a classified cause this month"
    # 24 of 40 before: 0.6; n = 25: 3 √(0.6 × 0.4 / 25) = 0.2939.
    assert fifth.centre == pytest.approx(0.6)
    assert (round(fifth.lower or 0, 4), round(fifth.upper or 0, 4)) == (0.3061, 0.8939)
    assert not fifth.unusual
    assert fifth.headline() == "80% controllable — within the usual range, 31–89%"
    # 44 of 65 before; n = 16: 0.6769 ± 0.3507, the top clipped at 100%.
    assert round(sixth.centre or 0, 4) == 0.6769
    assert (round(sixth.lower or 0, 4), sixth.upper) == (0.3262, 1.0)
    assert sixth.unusual
    assert sixth.headline() == "25% controllable — unusual: below the usual range, 33–100%"


def test_the_control_chart_counts_only_classified_categories(session: Session) -> None:
    add_category(session, "Weather")
    for i, cause in enumerate((LAND, LAND, RUDE, RUDE, PENDING, "Weather/Unspecified")):
        add_deal(session, cause, client_name=f"C{i}", fell_through_on=date(2026, 10, 2 + i))
    add_deal(session, RUDE, client_name="Trend", fell_through_on=date(2026, 8, 2))
    chart = control_chart(session, DealFilter(), OCTOBER, months=4)
    assert [(m.month, m.deals, m.controllable) for m in chart.months] == [
        (date(2026, 7, 1), 0, 0),
        (date(2026, 8, 1), 1, 1),
        (date(2026, 9, 1), 0, 0),  # a month with no deals
        (OCTOBER, 4, 2),
    ]


# -- Cost -------------------------------------------------------------------------------


@pytest.fixture
def cost_db(session: Session) -> Session:
    def deal(cause: str, value: int, fell: date, **fields: object) -> None:
        add_deal(
            session, cause, client_name=f"Cost {fell}", contract_value_cents=value,
            fell_through_on=fell, signed_on=None, **fields,
        )  # fmt: skip

    deal(LAND, 30_000_000, date(2026, 10, 1), deposit_cents=1_000_000, deposit_outcome="forfeited",
         resold_on=date(2026, 10, 11), resale_price_cents=28_000_000)  # fmt: skip
    deal(RUDE, 20_000_000, date(2026, 10, 5), deposit_cents=500_000, deposit_outcome="refunded",
         resold_on=date(2026, 10, 25))  # fmt: skip
    deal(RUDE, 25_000_000, date(2026, 10, 10), deposit_cents=300_000,
         deposit_outcome="partly_refunded", resold_on=date(2026, 11, 9),
         resale_price_cents=26_000_000)  # fmt: skip
    deal(LAND, 10_000_000, date(2026, 10, 20))
    deal(LAND, 15_000_000, date(2026, 9, 10), deposit_cents=200_000, deposit_outcome="forfeited",
         resold_on=date(2026, 9, 14))  # fmt: skip
    return session


def test_the_cost_of_a_month(cost_db: Session) -> None:
    assert total_cost(cost_db, IN_OCTOBER).carrying_cost_cents is None  # no daily cost entered
    settings.set_int(cost_db, settings.CARRYING_COST_CENTS_PER_DAY, 5_000)
    cost = total_cost(cost_db, IN_OCTOBER)
    assert (cost.deals, cost.lost_value_cents) == (4, 85_000_000)
    assert (cost.deposits_kept_cents, cost.deposits_refunded_cents) == (1_000_000, 500_000)
    assert cost.deposits_partly_refunded_cents == 300_000
    assert (cost.resold, cost.days_to_resell, cost.median_days_to_resell) == (3, 60, 20.0)
    assert cost.carrying_cost_cents == 300_000  # 60 days × $50.00
    assert (cost.resale_gap_cents, cost.priced_resales) == (1_000_000, 2)  # +$20,000 − $10,000


def test_the_cost_per_cause_and_per_month(cost_db: Session) -> None:
    settings.set_int(cost_db, settings.CARRYING_COST_CENTS_PER_DAY, 5_000)
    rude, land = cost_by_cause(cost_db, IN_OCTOBER)
    assert (rude.label, rude.lost_value_cents, rude.resold, rude.median_days_to_resell) == (
        "Rude or dismissive remark", 45_000_000, 2, 25.0
    )  # fmt: skip
    assert (rude.carrying_cost_cents, rude.resale_gap_cents) == (250_000, -1_000_000)
    assert (land.label, land.lost_value_cents, land.deposits_kept_cents) == (
        "Lot not buildable", 40_000_000, 1_000_000
    )  # fmt: skip
    assert (land.median_days_to_resell, land.carrying_cost_cents) == (10.0, 50_000)
    september, october, november = cost_by_month(cost_db, DealFilter(), SEPTEMBER, NOVEMBER)
    assert (september.deals, september.lost_value_cents, september.median_days_to_resell) == (
        1, 15_000_000, 4.0
    )  # fmt: skip
    assert september.carrying_cost_cents == 20_000
    assert (october.deals, october.lost_value_cents) == (4, 85_000_000)
    assert (november.month, november.deals, november.median_days_to_resell) == (
        NOVEMBER, 0, None
    )  # fmt: skip
    assert november.carrying_cost_cents == 0


# -- Cancellation rate ------------------------------------------------------------------


def test_the_cancellation_rate_month_by_month_with_the_benchmark(cost_db: Session) -> None:
    set_signed_contracts(cost_db, SEPTEMBER, 10)
    set_signed_contracts(cost_db, OCTOBER, 20)
    settings.set_int(cost_db, settings.CANCELLATION_BENCHMARK_BASIS_POINTS, 2_000)
    rate = cancellation_rate(cost_db, DealFilter(), SEPTEMBER, NOVEMBER)
    assert [(m.contracts_signed, m.fell_through) for m in rate.months] == [
        (10, 1), (20, 4), (None, 0)
    ]  # fmt: skip
    assert [m.rate.value if m.rate else None for m in rate.months] == [0.1, 0.2, None]
    assert (rate.contracts_signed, rate.fell_through, rate.months_without_contracts) == (30, 5, 1)
    assert rate.rate is not None
    assert round(rate.rate.value, 4) == 0.1667
    assert rate.benchmark == 0.2
    person = resolve_entry(cost_db, Salesperson, "Ana Lopez", create=True)
    assert person is not None
    nobody_entered = cancellation_rate(
        cost_db, DealFilter(salesperson_ids=(person.id,)), SEPTEMBER, NOVEMBER
    )
    assert nobody_entered.rate is None
    place = resolve_entry(cost_db, Community, "Cedar Ridge", create=True)
    assert place is not None
    by_community = cancellation_rate(
        cost_db, DealFilter(community_ids=(place.id,)), SEPTEMBER, NOVEMBER
    )
    assert (by_community.comparable, by_community.rate) == (False, None)


# -- Win-backs --------------------------------------------------------------------------


def test_won_back_by_cause_and_by_who_called(session: Session) -> None:
    def deal(cause: str, name: str, recovered: date | None = None) -> int:
        return add_deal(
            session, cause, client_name=name, fell_through_on=date(2026, 10, 1),
            recovered_on=recovered,
        )  # fmt: skip

    w1 = deal(RUDE, "W1", date(2026, 10, 30))
    w2 = deal(RUDE, "W2")
    deal(LAND, "W3", date(2026, 10, 20))
    deal(SLOW, "W4")
    call(session, w1, 28, "Priya Raman", purpose="win_back")
    call(session, w2, 28, "priya  raman", purpose="win_back", outcome="declined")
    result = win_backs(session, IN_OCTOBER)
    assert [(x.label, x.deals, x.called, x.won_back) for x in result.by_cause] == [
        ("Rude or dismissive remark", 2, 2, 1),
        ("Lot not buildable", 1, 0, 1),
        ("Slow response / long waits", 1, 0, 0),
    ]
    assert [(x.label, x.deals, x.called, x.won_back) for x in result.by_caller] == [
        ("Priya Raman", 2, 2, 1),
        (NO_WIN_BACK_CALL, 2, 0, 1),
    ]
    assert (result.won_back.count, result.won_back.total) == (2, 4)


def test_the_months_total_and_per_cause_cost_from_one_query(cost_db: Session) -> None:
    from dft.analytics.cost import month_costs

    settings.set_int(cost_db, settings.CARRYING_COST_CENTS_PER_DAY, 5_000)
    total, by_cause = month_costs(cost_db, IN_OCTOBER)
    assert total == replace(total_cost(cost_db, IN_OCTOBER), label="All causes")
    assert by_cause == cost_by_cause(cost_db, IN_OCTOBER)


# -- The window's Insights tab: whatever its filter selects ---------------------------------


def test_the_months_an_open_or_dated_filter_covers() -> None:
    from dft.analytics.insights import filter_months

    today = date(2026, 11, 24)
    assert filter_months(DealFilter(), today) == (date(2025, 12, 1), NOVEMBER)
    assert filter_months(IN_OCTOBER, today) == (OCTOBER, OCTOBER)
    five_years = DealFilter(fell_from=date(2022, 1, 5), fell_to=date(2026, 10, 10))
    assert filter_months(five_years, today) == (date(2024, 11, 1), OCTOBER)  # 24 at most
    into_the_future = DealFilter(fell_from=SEPTEMBER, fell_to=date(2027, 3, 1))
    assert filter_months(into_the_future, today) == (SEPTEMBER, NOVEMBER)
    backwards = DealFilter(fell_from=NOVEMBER, fell_to=date(2026, 10, 31))
    assert filter_months(backwards, today) == (OCTOBER, OCTOBER)


def test_a_filters_insights_are_those_of_its_deals(calls_db: Session) -> None:
    from dft.analytics.insights import filter_insights

    by_filter = filter_insights(calls_db, IN_OCTOBER, date(2026, 11, 24))
    by_months = build_insights(calls_db, OCTOBER, OCTOBER)
    assert insights_json(by_filter) == insights_json(by_months)
    ana = DealFilter(salesperson_ids=(by_months.calibration[0].salesperson_id or 0,))
    everything = filter_insights(calls_db, ana, date(2026, 11, 24))
    # All time: her September deal counts too, beside her five October ones.
    assert [(r.salesperson, r.deals, r.settled) for r in everything.calibration] == [
        ("Ana Lopez", 6, 4)
    ]
    assert (everything.first_month, everything.last_month) == (date(2025, 12, 1), NOVEMBER)
