"""Chart builders: numbers in, ``matplotlib.figure.Figure`` out. No pyplot, no Qt.

The dashboard and the PDF report draw with these same functions. Every
clickable artist carries a ``gid`` such as ``"category:3"`` or
``"cause:12"`` so the dashboard can drill down into the deals behind it,
and tests can read what was drawn without looking at pixels.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from dft.analytics.breakdowns import NO_CAUSE_YET, MonthlyTrend, Slice
from dft.analytics.follow_ups import FollowUpMetrics

# Okabe–Ito: distinguishable with every common colour-vision deficiency.
CATEGORY_COLORS = {
    "Land": "#E69F00",
    "Customer service": "#0072B2",
    "Financing": "#009E73",
    "Buyer circumstances": "#CC79A7",
    "Other": "#999999",
    NO_CAUSE_YET: "#D0D0D0",
}
SPARE_COLORS = ("#56B4E9", "#D55E00", "#F0E442", "#6A3D9A", "#8C564B")
INK = "#333333"
GRID = "#E5E5E5"
TITLE_SIZE = 11
LABEL_SIZE = 9


def category_color(name: str | None) -> str:
    """One colour per category across every chart; new categories get spare colours."""
    if name is None:
        return CATEGORY_COLORS[NO_CAUSE_YET]
    if name in CATEGORY_COLORS:
        return CATEGORY_COLORS[name]
    return SPARE_COLORS[sum(map(ord, name)) % len(SPARE_COLORS)]


def money_short(cents: int) -> str:
    """``$1.25M``, ``$350K``, ``$900``: labels that fit on a bar."""
    dollars = cents / 100
    if abs(dollars) >= 1_000_000:
        return f"${dollars / 1_000_000:.2f}M"
    if abs(dollars) >= 10_000:
        return f"${dollars / 1_000:.0f}K"
    return f"${dollars:,.0f}"


def new_figure(width: float = 6.4, height: float = 3.6) -> Figure:
    """An empty white figure of the given size in inches."""
    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    figure.set_facecolor("white")
    return figure


def _prepare(figure: Figure | None, width: float, height: float) -> Figure:
    if figure is None:
        return new_figure(width, height)
    figure.clear()
    return figure


def _empty(figure: Figure, title: str) -> Figure:
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.set_title(title, fontsize=TITLE_SIZE, loc="left", color=INK)
    axes.text(0.5, 0.5, "No deals in this selection", ha="center", va="center", color="#888888")
    return figure


def _style(axes: object) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)  # type: ignore[attr-defined]
    axes.tick_params(labelsize=LABEL_SIZE, colors=INK)  # type: ignore[attr-defined]


def headline_chart(categories: Sequence[Slice], figure: Figure | None = None) -> Figure:
    """The land-vs-service headline: a donut of deals by category."""
    figure = _prepare(figure, 6.4, 3.6)
    title = "Why deals fell through"
    shown = [c for c in categories if c.deals]
    total = sum(c.deals for c in shown)
    if not total:
        return _empty(figure, title)
    axes = figure.add_subplot()
    wedges, _texts = axes.pie(
        [c.deals for c in shown],
        colors=[category_color(c.category) for c in shown],
        startangle=90,
        counterclock=False,
        wedgeprops={"width": 0.38, "edgecolor": "white", "linewidth": 1.5},
    )
    for wedge, slice_ in zip(wedges, shown, strict=True):
        wedge.set_gid(f"category:{slice_.ref_id}" if slice_.ref_id else "category:none")
        wedge.set_picker(True)
    axes.text(0, 0.08, str(total), ha="center", va="center", fontsize=18, weight="bold", color=INK)
    axes.text(0, -0.18, "deals", ha="center", va="center", fontsize=LABEL_SIZE, color="#666666")
    legend_labels = [f"{c.label}  {c.share.percent(0)} ({c.deals})" for c in shown]
    axes.legend(
        wedges,
        legend_labels,
        loc="center left",
        bbox_to_anchor=(1.0, 0.5),
        frameon=False,
        fontsize=LABEL_SIZE,
    )
    axes.set_title(title, fontsize=TITLE_SIZE, loc="left", color=INK)
    split = land_service_split(categories)
    if split is not None:
        axes.text(
            0.0,
            -0.08,
            split,
            transform=axes.transAxes,
            fontsize=LABEL_SIZE,
            color=INK,
            weight="bold",
            gid="split",
        )
    axes.set_aspect("equal")
    return figure


def land_service_split(categories: Sequence[Slice]) -> str | None:
    """The headline: of land and service losses, how much was each ("29% land / 71% service")."""
    by_name = {c.label: c.deals for c in categories}
    land, service = by_name.get("Land", 0), by_name.get("Customer service", 0)
    if not land + service:
        return None
    land_share = land / (land + service)
    return f"Land vs service: {land_share:.0%} land / {1 - land_share:.0%} service"


def pareto_chart(causes: Sequence[Slice], figure: Figure | None = None, top: int = 10) -> Figure:
    """Causes largest first, coloured by category; each bar says its share and the running total.

    Horizontal, so cause names read in full; the running total is the Pareto line
    in words ("cum. 52%"): the few causes that make most of the losses.
    """
    figure = _prepare(figure, 6.4, 3.8)
    title = "Causes, largest first"
    shown = list(causes[:top])
    if not shown:
        return _empty(figure, title)
    return _horizontal_bars(
        figure,
        title,
        [c.label for c in shown],
        [c.deals for c in shown],
        [category_color(c.category) for c in shown],
        [f"cause:{c.ref_id}" for c in shown],
        [f"{c.deals} ({c.share.percent(0)}) · cum. {(c.cumulative or 0):.0%}" for c in shown],
    )


def _wrap(label: str, width: int = 22) -> str:
    if len(label) <= width:
        return label
    cut = label.rfind(" ", 0, width)
    cut = cut if cut > 0 else width
    return label[:cut] + "\n" + _wrap(label[cut:].strip(), width)


def trend_chart(trend: MonthlyTrend, figure: Figure | None = None) -> Figure:
    """Deals per month, stacked by category."""
    figure = _prepare(figure, 7.2, 3.6)
    title = f"Deals per month, last {len(trend.months)} months"
    if not any(trend.deals.values()):
        return _empty(figure, title)
    axes = figure.add_subplot()
    positions = list(range(len(trend.months)))
    bottoms = [0] * len(trend.months)
    for category in trend.categories:
        heights = [trend.deals.get((m, category), 0) for m in trend.months]
        bars = axes.bar(
            positions,
            heights,
            bottom=bottoms,
            color=category_color(None if category == NO_CAUSE_YET else category),
            edgecolor="white",
            linewidth=0.6,
            label=category,
        )
        for bar, month in zip(bars, trend.months, strict=True):
            bar.set_gid(f"month:{month.isoformat()}|category:{category}")
            bar.set_picker(True)
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    for position, total in zip(positions, bottoms, strict=True):
        if total:
            axes.text(
                position, total, str(total), ha="center", va="bottom", fontsize=LABEL_SIZE - 2
            )
    axes.set_xticks(positions, [_month_tick(m) for m in trend.months], fontsize=LABEL_SIZE - 1)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylabel("Deals", fontsize=LABEL_SIZE, color=INK)
    axes.grid(axis="y", color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    _style(axes)
    axes.legend(fontsize=LABEL_SIZE - 1, frameon=False, loc="upper left", ncols=3)
    axes.set_ylim(0, max(bottoms) * 1.25 + 1)
    axes.set_title(title, fontsize=TITLE_SIZE, loc="left", color=INK)
    return figure


def _month_tick(month: date) -> str:
    return month.strftime("%b\n%Y") if month.month == 1 else month.strftime("%b")


def lost_value_chart(
    causes: Sequence[Slice], figure: Figure | None = None, top: int = 10
) -> Figure:
    """Contract value lost per cause, largest first."""
    figure = _prepare(figure, 6.4, 3.8)
    title = "Contract value lost by cause"
    shown = sorted(causes, key=lambda c: -c.lost_value_cents)[:top]
    if not shown:
        return _empty(figure, title)
    return _horizontal_bars(
        figure,
        title,
        [c.label for c in shown],
        [c.lost_value_cents / 100 for c in shown],
        [category_color(c.category) for c in shown],
        [f"cause:{c.ref_id}" for c in shown],
        [money_short(c.lost_value_cents) for c in shown],
        money_axis=True,
    )


def salesperson_chart(people: Sequence[Slice], figure: Figure | None = None) -> Figure:
    """Deals lost per salesperson, with the value lost on each bar."""
    figure = _prepare(figure, 6.4, 3.6)
    title = "Deals lost by salesperson"
    if not people:
        return _empty(figure, title)
    return _horizontal_bars(
        figure,
        title,
        [p.label for p in people],
        [p.deals for p in people],
        ["#0072B2"] * len(people),
        [f"salesperson:{p.ref_id}" if p.ref_id else "salesperson:none" for p in people],
        [f"{p.deals} · {money_short(p.lost_value_cents)}" for p in people],
    )


def funnel_chart(metrics: FollowUpMetrics, figure: Figure | None = None) -> Figure:
    """From fell-through to confirmed cause: how far follow-up calls got."""
    figure = _prepare(figure, 6.4, 3.2)
    title = "Follow-up funnel"
    if not metrics.deals:
        return _empty(figure, title)
    steps = list(metrics.funnel)
    return _horizontal_bars(
        figure,
        title,
        [s.label for s in steps],
        [s.deals for s in steps],
        ["#0072B2", "#56B4E9", "#009E73", "#E69F00", "#D55E00"][: len(steps)],
        [f"funnel:{i}" for i in range(len(steps))],
        [f"{s.deals} ({s.deals / metrics.deals:.0%})" for s in steps],
    )


def _horizontal_bars(
    figure: Figure,
    title: str,
    labels: list[str],
    values: Sequence[float],
    colors: list[str],
    gids: list[str],
    bar_labels: list[str],
    money_axis: bool = False,
) -> Figure:
    axes = figure.add_subplot()
    positions = list(range(len(labels)))
    bars = axes.barh(positions, values, color=colors, edgecolor="white")
    for bar, gid in zip(bars, gids, strict=True):
        bar.set_gid(gid)
        bar.set_picker(True)
    axes.bar_label(bars, labels=bar_labels, fontsize=LABEL_SIZE - 1, padding=3)
    axes.set_yticks(positions, [_wrap(label, 28) for label in labels], fontsize=LABEL_SIZE - 1)
    axes.invert_yaxis()
    axes.set_xlim(0, (max(values) if values else 1) * 1.3 or 1)
    if money_axis:
        axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _p: money_short(int(x * 100))))
    else:
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="x", color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    _style(axes)
    axes.set_title(title, fontsize=TITLE_SIZE, loc="left", color=INK)
    return figure
