"""Chart builders: what was drawn, read from the artists (bars, wedges, texts), not pixels."""

from __future__ import annotations

import itertools
import re
import sys
from datetime import date
from typing import Any

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle, Wedge
from matplotlib.text import Text

from dft.analytics.breakdowns import NO_CAUSE_YET, MonthlyTrend, Slice
from dft.analytics.charts import (
    APART_COLOR,
    CATEGORY_COLORS,
    CONTROLLABLE_COLOR,
    DARK,
    LIGHT,
    NOT_CONTROLLABLE_COLOR,
    SPARE_COLORS,
    WRAP_WIDTH,
    category_color,
    funnel_chart,
    headline_chart,
    lost_value_chart,
    money_short,
    money_tick,
    pareto_chart,
    salesperson_chart,
    trend_chart,
)
from dft.analytics.follow_ups import FollowUpMetrics, FunnelStep
from dft.analytics.split import CauseSplit, PersonSplit
from dft.analytics.stats import Share


def texts(figure: Figure) -> str:
    """Every text drawn, as it reads (matplotlib draws an escaped \\$ as $)."""
    return "\n".join(
        plain(t.get_text()) for t in figure.findobj(match=lambda a: hasattr(a, "get_text"))
    )


def plain(text: str) -> str:
    """A label as it reads (matplotlib draws an escaped \\$ as $)."""
    return text.replace("\\$", "$")


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
    assert "Share of all 24 deals" in drawn  # what the donut's shares are of
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


def split(land: int, service: int, other_no: int = 0, apart: int = 0) -> CauseSplit:
    return CauseSplit(
        deals=land + service + other_no + apart, land=land, service=service,
        controllable=service, not_controllable=land + other_no, unclassified=0,
        pending=apart, no_cause=0,
    )  # fmt: skip


def test_each_salespersons_bar_is_split_controllable_or_not() -> None:
    people = [PersonSplit("Dana", 4, 150_000_000, split(1, 3, other_no=0, apart=1)),
              PersonSplit("Marcus", 5, 90_000_000, split(2, 0, other_no=1))]  # fmt: skip
    figure = salesperson_chart(people)
    segments = [(b.get_gid(), b.get_x(), b.get_width(), to_hex(b.get_facecolor()))
                for b in bars(figure) if b.get_width()]  # fmt: skip
    assert segments == [
        ("salesperson:4", 0, 1, NOT_CONTROLLABLE_COLOR.lower()),
        ("salesperson:5", 0, 3, NOT_CONTROLLABLE_COLOR.lower()),
        ("salesperson:4", 1, 3, CONTROLLABLE_COLOR.lower()),
        ("salesperson:4", 4, 1, APART_COLOR.lower()),
    ]
    drawn = texts(figure)
    assert "5 · $1.50M · 25% land / 75% service" in drawn
    assert "3 · $900K · 100% land / 0% service" in drawn
    assert "Controllable (service, …)" in drawn


def test_the_funnel_uses_no_category_colour() -> None:
    metrics = FollowUpMetrics(
        deals=10, completed=Share(8, 10), reached=Share(7, 10), median_days_to_first_call=2,
        days_to_first_call={}, attempts_until_reached={}, overdue=1,
        funnel=(FunnelStep("Fell through", 10), FunnelStep("Called", 9),
                FunnelStep("Reached", 7)),
    )  # fmt: skip
    funnel = funnel_chart(metrics)
    assert [b.get_width() for b in bars(funnel)] == [10, 9, 7]
    assert "7 (70%)" in texts(funnel)
    used = {to_hex(b.get_facecolor()) for b in bars(funnel)}
    category_colors = {c.lower() for c in (*CATEGORY_COLORS.values(), *SPARE_COLORS)}
    assert len(used) == 3
    assert not used & category_colors


@pytest.mark.parametrize(
    "build",
    [
        lambda: headline_chart([]),
        lambda: pareto_chart([]),
        lambda: lost_value_chart([]),
        lambda: salesperson_chart([]),
        lambda: headline_chart([], theme=DARK),
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


def drawn_extents(figure: Figure) -> Any:
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return canvas.get_renderer()


def test_money_ticks_are_compact_and_never_run_together() -> None:
    assert [money_tick(v) for v in (0, 900, 350_000, 2_000_000, 2_500_000, 1.2e9)] == [
        "$0", "$900", "$350K", "$2M", "$2.5M", "$1.2B"
    ]  # fmt: skip
    causes = [
        Slice(f"Cause {i}", 1, cents, Share(1, 4), ref_id=i, category="Land")
        for i, cents in enumerate((512_345_678, 301_000_000, 99_000_000, 5_000_000))
    ]
    figure = lost_value_chart(causes)
    renderer = drawn_extents(figure)
    ticks = [t for t in figure.axes[0].get_xticklabels() if t.get_text()]
    for tick in ticks:
        assert re.fullmatch(r"\$\d+(\.\d)?[KMB]?", plain(tick.get_text())), tick.get_text()
    boxes = [t.get_window_extent(renderer) for t in ticks]
    for left, right in itertools.pairwise(sorted(boxes, key=lambda b: b.x0)):
        assert left.x1 + 4 < right.x0  # a gap between neighbours


def inside(box: Any, figure: Figure) -> bool:
    frame = figure.bbox
    return box.x0 >= frame.x0 - 1 and box.x1 <= frame.x1 + 1 and box.y0 >= frame.y0 - 1


def test_the_donut_legend_is_drawn_whole() -> None:
    long = [*CATEGORIES, Slice("Warranty and after-sales service", 9, 1, Share(9, 33), ref_id=7,
                               category="Warranty and after-sales service")]  # fmt: skip
    figure = headline_chart(long)
    renderer = drawn_extents(figure)
    [legend] = figure.legends
    assert inside(legend.get_window_extent(renderer), figure)
    for text in legend.get_texts():
        assert inside(text.get_window_extent(renderer), figure)


@pytest.mark.parametrize("dpi", [100, 110, 200])  # the dashboard, the preview, the PDF
def test_every_bar_label_ends_on_the_figure_beside_long_names(dpi: int) -> None:
    names = ["Staff too busy / unresponsive", "Phone tag / voicemail runaround",
             "Poor communication, no updates", "Broken promise or missed deadline",
             "Title, survey or easement problem"]  # fmt: skip
    causes = [Slice(name, 12 - i, 1, Share(12 - i, 124), ref_id=i, category="Customer service",
                    cumulative=(i + 1) / 10) for i, name in enumerate(names)]  # fmt: skip
    figure = pareto_chart(causes)
    figure.set_dpi(dpi)
    renderer = drawn_extents(figure)
    labels = figure.axes[0].texts
    assert labels[0].get_text() == "12 (10%) · cum. 10%"
    for label in labels:
        box = label.get_window_extent(renderer)
        assert inside(box, figure)
        assert box.x1 <= figure.axes[0].get_window_extent(renderer).x1 + 1  # inside the axes


def test_long_cause_names_wrap_at_spaces_and_stay_on_the_figure() -> None:
    names = ["Contractor unresponsive during the warranty walkthrough and the punch list",
             "Supercalifragilistic-design-center-upgrades", "Short"]  # fmt: skip
    causes = [Slice(name, 3 - i, 1, Share(3 - i, 6), ref_id=i, category="Customer service",
                    cumulative=0.5) for i, name in enumerate(names)]  # fmt: skip
    figure = pareto_chart(causes)
    renderer = drawn_extents(figure)
    labels = figure.axes[0].get_yticklabels()
    assert [label.get_text() for label in labels][1:] == [
        "Supercalifragilistic-design-center-upgrades",
        "Short",
    ]  # a word is never cut
    lines = labels[0].get_text().split("\n")
    assert len(lines) > 1
    assert " ".join(lines) == names[0]
    assert all(len(line) <= WRAP_WIDTH for line in lines)
    boxes = [label.get_window_extent(renderer) for label in labels]
    assert all(inside(box, figure) for box in boxes)
    for upper, lower in itertools.pairwise(sorted(boxes, key=lambda b: -b.y1)):
        assert lower.y1 <= upper.y0 + 1  # no two names on top of each other


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_charts_follow_the_theme(theme: Any) -> None:
    figure = pareto_chart(CAUSES, theme=theme)
    drawn_extents(figure)
    assert to_hex(figure.get_facecolor()) == theme.background.lower()
    axes = figure.axes[0]
    assert to_hex(axes.get_facecolor()) == theme.background.lower()
    [title] = [t for t in axes.findobj(Text) if t.get_text() == "Causes, largest first"]
    assert to_hex(title.get_color()) == theme.ink.lower()
    assert {to_hex(t.get_color()) for t in axes.get_yticklabels()} == {theme.ink.lower()}
    assert {to_hex(line.get_color()) for line in axes.get_xgridlines()} == {theme.grid.lower()}
