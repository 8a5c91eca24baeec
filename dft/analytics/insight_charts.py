"""Chart builders for the manager's insights: numbers in, ``Figure`` out (no pyplot).

As in :mod:`dft.analytics.charts`, clickable artists carry a ``gid``
(``"salesperson:3"``, ``"month:2026-10-01"``, ``"cause:12"``) for drill-down.
Every text is drawn literally (``literal``: a name with ``$`` in it is not
mathematics), in the dashboard's light or dark ``ChartTheme``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from dft.analytics.calibration import NOT_RECORDED_PERSON, Calibration, Callers
from dft.analytics.cancellation import CancellationRate
from dft.analytics.charts import (
    LABEL_SIZE,
    LIGHT,
    ChartTheme,
    _horizontal_bars,
    _legend_colors,
    _month_tick,
    _prepare,
    _style,
    _title,
    category_color,
    literal,
    money_short,
)
from dft.analytics.control import ControlChart
from dft.analytics.cost import Cost
from dft.analytics.win_back import WinBackLine

CONFIRMED = "#009E73"
CHANGED = "#D55E00"
LIMIT = "#999999"
UNUSUAL = "#D55E00"
BLUE = "#0072B2"


def _nothing(figure: Figure, title: str, message: str, theme: ChartTheme) -> Figure:
    axes = figure.add_subplot()
    axes.set_axis_off()
    _title(axes, title, theme)
    axes.text(0.5, 0.5, literal(message), ha="center", va="center", color=theme.muted)
    return figure


def calibration_chart(
    rows: Sequence[Calibration], figure: Figure | None = None, theme: ChartTheme = LIGHT
) -> Figure:
    """Each salesperson's confirmed share of first guesses, with its 95% interval."""
    figure = _prepare(figure, 6.4, 3.6, theme)
    title = "First guesses confirmed by the call"
    shown = [r for r in rows if r.settled]
    if not shown:
        return _nothing(figure, title, "No settled deals in this selection", theme)
    axes = figure.add_subplot()
    positions = list(range(len(shown)))
    shares = [r.confirmed_share.value for r in shown]
    lows = [r.confirmed_share.value - r.confirmed_share.interval[0] for r in shown]
    highs = [r.confirmed_share.interval[1] - r.confirmed_share.value for r in shown]
    bars = axes.barh(positions, shares, color=CONFIRMED, edgecolor=theme.background)
    axes.errorbar(
        shares, positions, xerr=[lows, highs], fmt="none", ecolor=theme.ink, capsize=3, lw=1
    )
    for bar, row in zip(bars, shown, strict=True):
        bar.set_gid(
            f"salesperson:{row.salesperson_id}" if row.salesperson_id else "salesperson:none"
        )
        bar.set_picker(True)
    labels = [f"{r.confirmed_share.percent(0)} ({r.confirmed} of {r.settled})" for r in shown]
    for position, row, label in zip(positions, shown, labels, strict=True):
        axes.text(
            row.confirmed_share.interval[1] + 0.02, position, label, va="center",
            fontsize=LABEL_SIZE - 1, color=theme.ink,
        )  # fmt: skip
    axes.set_yticks(positions, [literal(r.salesperson or NOT_RECORDED_PERSON) for r in shown],
                    fontsize=LABEL_SIZE - 1)  # fmt: skip
    axes.invert_yaxis()
    axes.set_xlim(0, 1.35)
    axes.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    axes.grid(axis="x", color=theme.grid, linewidth=0.8)
    axes.set_axisbelow(True)
    _style(axes, theme)
    _title(axes, title, theme)
    axes.set_xlabel("Share confirmed (line: 95% interval)", fontsize=LABEL_SIZE, color=theme.ink)
    return figure


def callers_chart(
    callers: Callers, figure: Figure | None = None, theme: ChartTheme = LIGHT
) -> Figure:
    """How often a call changed the cause: by the deal's own salesperson vs someone else."""
    figure = _prepare(figure, 6.4, 2.6, theme)
    title = "Calls that changed the cause, by who called"
    groups = [
        ("Own salesperson", "caller:own", callers.own_salesperson),
        ("Someone else", "caller:else", callers.someone_else),
    ]
    if not any(g.calls for _l, _g, g in groups):
        return _nothing(figure, title, "No settling calls in this selection", theme)
    axes = figure.add_subplot()
    rates = [g.change_rate.value for _l, _g, g in groups]
    bars = axes.barh([0, 1], rates, color=[BLUE, CHANGED], edgecolor=theme.background)
    for bar, (_label, gid, group) in zip(bars, groups, strict=True):
        bar.set_gid(gid)
        low, high = group.change_rate.interval if group.calls else (0.0, 0.0)
        axes.errorbar([group.change_rate.value], [bar.get_y() + bar.get_height() / 2],
                      xerr=[[group.change_rate.value - low], [high - group.change_rate.value]],
                      fmt="none", ecolor=theme.ink, capsize=3, lw=1)  # fmt: skip
        axes.text(high + 0.02, bar.get_y() + bar.get_height() / 2,
                  f"{group.change_rate.percent(0)} ({group.changed} of {group.calls} calls)",
                  va="center", fontsize=LABEL_SIZE - 1, color=theme.ink)  # fmt: skip
    axes.set_yticks([0, 1], [label for label, _g, _c in groups], fontsize=LABEL_SIZE - 1)
    axes.invert_yaxis()
    axes.set_xlim(0, 1.45)
    axes.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    axes.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes.grid(axis="x", color=theme.grid, linewidth=0.8)
    axes.set_axisbelow(True)
    _style(axes, theme)
    _title(axes, title, theme)
    return figure


def control_chart_figure(
    chart: ControlChart, figure: Figure | None = None, theme: ChartTheme = LIGHT
) -> Figure:
    """The monthly controllable share against its centre line and 3-sigma limits."""
    figure = _prepare(figure, 7.2, 3.4, theme)
    title = "Controllable share by month, with its usual range"
    if not any(m.deals for m in chart.months):
        return _nothing(figure, title, "No deals with a classified cause in these months", theme)
    axes = figure.add_subplot()
    positions = list(range(len(chart.months)))
    lines: tuple[tuple[list[float | None], dict[str, Any], str | None], ...] = (
        ([m.centre for m in chart.months], {"color": LIMIT, "lw": 1.2}, "Centre (earlier months)"),
        ([m.upper for m in chart.months], {"color": LIMIT, "lw": 1, "ls": "--"}, "3-sigma limits"),
        ([m.lower for m in chart.months], {"color": LIMIT, "lw": 1, "ls": "--"}, None),
    )
    for values, style, label in lines:
        ys = [float("nan") if v is None else v for v in values]
        axes.step(positions, ys, where="mid", label=label, **style)
    shares = [float("nan") if m.share is None else m.share for m in chart.months]
    axes.plot(positions, shares, color=BLUE, lw=1.5, marker="o", ms=4, label="Controllable share")
    for position, month in zip(positions, chart.months, strict=True):
        if month.share is None:
            continue
        marker = axes.plot(
            [position], [month.share], "o", ms=7 if month.unusual else 4,
            color=UNUSUAL if month.unusual else BLUE, picker=True,
        )[0]  # fmt: skip
        marker.set_gid(f"month:{month.month.isoformat()}")
    axes.set_xticks(
        positions, [_month_tick(m.month) for m in chart.months], fontsize=LABEL_SIZE - 2
    )
    # Room above 100% for the legend: shares and limits fill the whole height below.
    axes.set_ylim(0, 1.22)
    axes.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    axes.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes.grid(axis="y", color=theme.grid, linewidth=0.8)
    axes.set_axisbelow(True)
    _style(axes, theme)
    _legend_colors(
        axes.legend(fontsize=LABEL_SIZE - 1, frameon=False, loc="upper left", ncols=3), theme
    )
    _title(axes, title, theme)
    latest = chart.latest
    if latest is not None:
        axes.text(0.0, -0.30, literal(latest.headline()), transform=axes.transAxes,
                  fontsize=LABEL_SIZE, color=UNUSUAL if latest.unusual else theme.ink,
                  weight="bold", gid="headline")  # fmt: skip
    return figure


def cancellation_chart(
    rate: CancellationRate, figure: Figure | None = None, theme: ChartTheme = LIGHT
) -> Figure:
    """The cancellation rate month by month, with the team's benchmark as a line."""
    figure = _prepare(figure, 7.2, 3.2, theme)
    title = "Cancellation rate: fell through ÷ contracts signed"
    if not rate.counted:
        return _nothing(figure, title, "Enter contracts signed to see the cancellation rate", theme)
    axes = figure.add_subplot()
    positions = list(range(len(rate.months)))
    values = [m.rate.value if m.rate else 0.0 for m in rate.months]
    bars = axes.bar(positions, values, color=BLUE, edgecolor=theme.background)
    for bar, month in zip(bars, rate.months, strict=True):
        bar.set_gid(f"month:{month.month.isoformat()}")
        bar.set_picker(True)
        text = month.rate.percent(0) if month.rate else "n/e"
        axes.text(bar.get_x() + bar.get_width() / 2, bar.get_height(), text, ha="center",
                  va="bottom", fontsize=LABEL_SIZE - 2, color=theme.ink)  # fmt: skip
    top = max([*values, rate.benchmark or 0.0]) * 1.3 or 1.0
    if rate.benchmark is not None:
        axes.axhline(rate.benchmark, color=CHANGED, lw=1.2, ls="--",
                     label=f"Benchmark {rate.benchmark * 100:.0f}%")  # fmt: skip
        _legend_colors(axes.legend(fontsize=LABEL_SIZE - 1, frameon=False, loc="upper left"), theme)
    axes.set_xticks(positions, [_month_tick(m.month) for m in rate.months], fontsize=LABEL_SIZE - 2)
    axes.set_ylim(0, top)
    axes.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes.grid(axis="y", color=theme.grid, linewidth=0.8)
    axes.set_axisbelow(True)
    _style(axes, theme)
    _title(axes, title, theme)
    return figure


COST_PARTS = (
    ("Deposits kept", "#009E73", lambda c: c.deposits_kept_cents),
    ("Carrying cost", "#E69F00", lambda c: c.carrying_cost_cents or 0),
    ("Re-sale price gap", "#D55E00", lambda c: c.resale_gap_cents),
)


def cost_chart(
    months: Sequence[Cost], figure: Figure | None = None, theme: ChartTheme = LIGHT
) -> Figure:
    """Per month: deposits kept, carrying cost until re-sold, and the re-sale price gap."""
    figure = _prepare(figure, 7.2, 3.4, theme)
    title = "What the fall-throughs cost, by month"
    if not any(c.deals for c in months):
        return _nothing(figure, title, "No deals in these months", theme)
    axes = figure.add_subplot()
    width = 0.8 / len(COST_PARTS)
    for index, (label, color, value) in enumerate(COST_PARTS):
        xs = [i - 0.4 + width * (index + 0.5) for i in range(len(months))]
        bars = axes.bar(xs, [value(c) / 100 for c in months], width, color=color, label=label)
        for bar, cost in zip(bars, months, strict=True):
            bar.set_gid(f"month:{cost.month.isoformat()}" if cost.month else "month:none")
    axes.axhline(0, color=theme.ink, lw=0.6)
    axes.set_xticks(
        list(range(len(months))),
        [_month_tick(c.month) if c.month else literal(c.label) for c in months],
        fontsize=LABEL_SIZE - 2,
    )
    axes.yaxis.set_major_formatter(FuncFormatter(lambda y, _p: literal(money_short(int(y * 100)))))
    axes.grid(axis="y", color=theme.grid, linewidth=0.8)
    axes.set_axisbelow(True)
    _style(axes, theme)
    _legend_colors(
        axes.legend(fontsize=LABEL_SIZE - 1, frameon=False, loc="upper left", ncols=3), theme
    )
    _title(axes, title, theme)
    return figure


def win_back_chart(
    lines: Sequence[WinBackLine],
    figure: Figure | None = None,
    top: int = 10,
    theme: ChartTheme = LIGHT,
) -> Figure:
    """Buyers won back (re-signed) per cause, most first."""
    figure = _prepare(figure, 6.4, 3.4, theme)
    title = "Buyers won back, by cause"
    shown = [line for line in lines if line.won_back][:top]
    if not shown:
        return _nothing(figure, title, "No buyers won back in this selection", theme)
    _horizontal_bars(
        figure,
        title,
        theme,
        [line.label for line in shown],
        [line.won_back for line in shown],
        [category_color(line.category) for line in shown],
        [f"cause:{line.ref_id}" if line.ref_id else "cause:none" for line in shown],
        [f"{line.won_back} of {line.deals} ({line.share.percent(0)})" for line in shown],
    )
    figure.axes[0].xaxis.set_major_locator(MaxNLocator(integer=True))
    return figure
