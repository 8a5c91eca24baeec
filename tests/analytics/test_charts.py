"""Chart builders: what was drawn, read from the artists (bars, wedges, texts), not pixels."""

from __future__ import annotations

import sys
from datetime import date

import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle, Wedge

from dft.analytics.breakdowns import NO_CAUSE_YET, MonthlyTrend, Slice
from dft.analytics.charts import (
    category_color,
    funnel_chart,
    headline_chart,
    lost_value_chart,
    money_short,
    pareto_chart,
    salesperson_chart,
    trend_chart,
)
from dft.analytics.follow_ups import FollowUpMetrics, FunnelStep
from dft.analytics.stats import Share


def texts(figure: Figure) -> str:
    return "\n".join(t.get_text() for t in figure.findobj(match=lambda a: hasattr(a, "get_text")))


def bars(figure: Figure) -> list[Rectangle]:
    return [r for r in figure.findobj(Rectangle) if r.get_gid()]


CATEGORIES = [
    Slice("Land", 7, 70_000_007, Share(7, 24), ref_id=1, category="Land", controllable=False),
    Slice("Customer service", 17, 340_000_051, Share(17, 24), ref_id=2,
          category="Customer service", controllable=True),
    Slice("Financing", 0, 0, Share(0, 24), ref_id=3, category="Financing"),
]  # fmt: skip
CAUSES = [
    Slice("Slow response / long waits", 10, 200_000_000, Share(10, 24), ref_id=11,
          category="Customer service", cumulative=10 / 24),
    Slice("Staff too busy / unresponsive", 7, 140_000_051, Share(7, 24), ref_id=12,
          category="Customer service", cumulative=17 / 24),
    Slice("Lot not buildable", 7, 70_000_007, Share(7, 24), ref_id=21, category="Land",
          cumulative=1.0),
]  # fmt: skip


def test_headline_donut_has_a_wedge_per_category_with_deals() -> None:
    figure = headline_chart(CATEGORIES)
    assert isinstance(figure, Figure)
    wedges = [w for w in figure.findobj(Wedge) if w.get_gid()]
    assert [w.get_gid() for w in wedges] == ["category:1", "category:2"]
    spans = [round((w.theta2 - w.theta1) % 360, 1) for w in wedges]
    assert spans == [round(360 * 7 / 24, 1), round(360 * 17 / 24, 1)]
    assert [to_hex(w.get_facecolor()) for w in wedges] == [
        category_color("Land").lower(),
        category_color("Customer service").lower(),
    ]
    drawn = texts(figure)
    assert "Land  29% (7)" in drawn
    assert "Customer service  71% (17)" in drawn
    assert "Land vs service: 29% land / 71% service" in drawn
    assert "24" in drawn


def test_pareto_bars_in_order_with_shares_and_running_total() -> None:
    figure = pareto_chart(CAUSES)
    drawn = bars(figure)
    assert [b.get_gid() for b in drawn] == ["cause:11", "cause:12", "cause:21"]
    assert [b.get_width() for b in drawn] == [10, 7, 7]
    assert to_hex(drawn[2].get_facecolor()) == category_color("Land").lower()
    drawn_text = texts(figure)
    assert "10 (42%) · cum. 42%" in drawn_text
    assert "7 (29%) · cum. 100%" in drawn_text


def test_lost_value_is_sorted_by_money_and_labelled_in_dollars() -> None:
    figure = lost_value_chart(list(reversed(CAUSES)))
    drawn = bars(figure)
    assert [b.get_width() for b in drawn] == [2_000_000.0, 1_400_000.51, 700_000.07]
    assert "$2.00M" in texts(figure)
    assert money_short(35_000_000) == "$350K"
    assert money_short(90_000) == "$900"


def test_trend_stacks_categories_per_month() -> None:
    months = (date(2026, 9, 1), date(2026, 10, 1))
    trend = MonthlyTrend(
        months=months,
        categories=("Land", "Customer service", NO_CAUSE_YET),
        deals={(months[0], "Land"): 1, (months[1], "Land"): 7, (months[1], "Customer service"): 17,
               (months[1], NO_CAUSE_YET): 2},
        lost_value_cents={},
    )  # fmt: skip
    figure = trend_chart(trend)
    drawn = {b.get_gid(): b for b in bars(figure)}
    land_oct = drawn["month:2026-10-01|category:Land"]
    service_oct = drawn["month:2026-10-01|category:Customer service"]
    assert land_oct.get_height() == 7
    assert (service_oct.get_y(), service_oct.get_height()) == (7, 17)
    assert drawn["month:2026-09-01|category:Customer service"].get_height() == 0
    assert "26" in texts(figure)  # October's total on top of the stack
    assert "Deals per month, last 2 months" in texts(figure)


def test_salespeople_and_funnel() -> None:
    people = [Slice("Dana", 5, 150_000_000, Share(5, 8), ref_id=4),
              Slice("Marcus", 3, 90_000_000, Share(3, 8), ref_id=5)]  # fmt: skip
    figure = salesperson_chart(people)
    assert [(b.get_gid(), b.get_width()) for b in bars(figure)] == [
        ("salesperson:4", 5),
        ("salesperson:5", 3),
    ]
    assert "5 · $1.50M" in texts(figure)
    metrics = FollowUpMetrics(
        deals=10, completed=Share(8, 10), reached=Share(7, 10), median_days_to_first_call=2,
        days_to_first_call={}, attempts_until_reached={}, overdue=1,
        funnel=(FunnelStep("Fell through", 10), FunnelStep("Called", 9),
                FunnelStep("Reached", 7)),
    )  # fmt: skip
    funnel = funnel_chart(metrics)
    assert [b.get_width() for b in bars(funnel)] == [10, 9, 7]
    assert "7 (70%)" in texts(funnel)


@pytest.mark.parametrize(
    "build",
    [
        lambda: headline_chart([]),
        lambda: pareto_chart([]),
        lambda: lost_value_chart([]),
        lambda: salesperson_chart([]),
        lambda: trend_chart(MonthlyTrend((date(2026, 1, 1),), (), {}, {})),
    ],
)
def test_an_empty_selection_says_so(build: object) -> None:
    figure = build()  # type: ignore[operator]
    assert "No deals in this selection" in texts(figure)


def test_a_figure_can_be_redrawn_in_place() -> None:
    figure = headline_chart(CATEGORIES)
    again = headline_chart(CATEGORIES[:1], figure=figure)
    assert again is figure
    assert len([w for w in figure.findobj(Wedge) if w.get_gid()]) == 1


def test_charts_never_touch_pyplot() -> None:
    headline_chart(CATEGORIES)
    assert "matplotlib.pyplot" not in sys.modules
