"""Chart builders: numbers in, ``matplotlib.figure.Figure`` out. No pyplot, no Qt.

The dashboard and the reports draw with these same functions. Every
clickable artist carries a ``gid`` such as ``"category:3"`` or
``"cause:12"`` so the dashboard can drill down into the deals behind it,
and tests can read what was drawn without looking at pixels.

Two rules hold for every builder here:

- Text from the user's data (cause, category and salespeople names) goes
  through :func:`literal` before matplotlib sees it, so a ``$`` in a name is a
  dollar sign, never the start of mathtext.
- Colours of ink, grid and background come from a :class:`ChartTheme`, so the
  dashboard follows a dark palette (the reports stay on paper white).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath
from matplotlib.ticker import FuncFormatter, MaxNLocator

from dft.analytics.breakdowns import NO_CAUSE_YET, MonthlyTrend, Slice
from dft.analytics.follow_ups import FollowUpMetrics
from dft.analytics.split import PersonSplit, percent_pair
from dft.core.words import count_of

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
# The follow-up funnel's steps are not categories: one blue-grey ramp of their own.
FUNNEL_COLORS = ("#455A64", "#607D8B", "#78909C", "#90A4AE", "#B0BEC5")
# The per-salesperson split: the side of land, the side of service, and neither yet.
NOT_CONTROLLABLE_COLOR = CATEGORY_COLORS["Land"]
CONTROLLABLE_COLOR = CATEGORY_COLORS["Customer service"]
APART_COLOR = CATEGORY_COLORS[NO_CAUSE_YET]
TITLE_SIZE = 11
LABEL_SIZE = 9
BAR_LABEL_ROOM = 10  # points: a bar label's gap from its bar, and some air after it
LAYOUT_ROOM = 0.45  # inches of a figure's width that are neither axes nor names
_TEXT_SIZES = TextToPath()
_LABEL_FONT = FontProperties(size=LABEL_SIZE - 1)
# Fonts with the scripts DejaVu Sans lacks (Chinese, Japanese, Korean, Arabic, Hebrew),
# as Linux, Windows and macOS name them: matplotlib takes a glyph DejaVu lacks from
# the first of these the computer has, so a name in any script is drawn, not boxes.
FALLBACK_FAMILIES = (
    "Noto Sans CJK JP", "Noto Sans CJK SC", "Droid Sans Fallback", "WenQuanYi Zen Hei",
    "NanumGothic", "Microsoft YaHei", "Malgun Gothic", "MS Gothic", "PingFang SC",
    "Hiragino Sans", "Apple SD Gothic Neo", "Arial Unicode MS", "Noto Sans Arabic",
    "Noto Sans Hebrew",
)  # fmt: skip
# Cause names on the bar charts wrap at about this many characters, at spaces only:
# every default cause fits on one line, so ten bars never crowd their names.
WRAP_WIDTH = 34


def _use_fallback_fonts() -> None:
    installed = {font.name for font in font_manager.fontManager.ttflist}
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [
        "DejaVu Sans",
        *(family for family in FALLBACK_FAMILIES if family in installed),
    ]


_use_fallback_fonts()


@dataclass(frozen=True)
class ChartTheme:
    """The colours a chart draws its frame and words in."""

    background: str
    ink: str
    muted: str
    grid: str


LIGHT = ChartTheme(background="#FFFFFF", ink="#333333", muted="#666666", grid="#E5E5E5")
# The dark window palette's own background and text (dft/ui/theme.py).
DARK = ChartTheme(background="#2B2D31", ink="#E6E6E6", muted="#9AA0A8", grid="#3E4147")


def literal(text: str) -> str:
    """User text as matplotlib must draw it: literally.

    An unescaped pair of ``$`` starts mathtext ("Fee $1_2_3$" drawn as
    subscripts; "$\\frac{1}{$" an error that sinks the whole report), so every
    ``$`` is escaped: matplotlib draws ``\\$`` as a plain dollar sign.
    """
    return text.replace("$", r"\$")


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


def money_tick(dollars: float) -> str:
    """An axis tick: ``$2M``, ``$2.5M``, ``$350K``, ``$900``, short enough never to run
    into its neighbours."""
    value = abs(dollars)
    sign = "-" if dollars < 0 else ""
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= limit:
            number = f"{value / limit:.1f}".rstrip("0").rstrip(".")
            return f"{sign}${number}{suffix}"
    return f"{sign}${value:,.0f}"


def wrap_label(label: str, width: int = WRAP_WIDTH) -> str:
    """A long name on up to four lines, broken at spaces only (never inside a word)."""
    lines = textwrap.wrap(
        label, width, break_long_words=False, break_on_hyphens=False, max_lines=4, placeholder=" …"
    )
    return "\n".join(lines) or label


def new_figure(width: float = 6.4, height: float = 3.6, theme: ChartTheme = LIGHT) -> Figure:
    """An empty figure in ``theme``'s background, laid out by matplotlib's constrained layout."""
    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    figure.set_facecolor(theme.background)
    return figure


def _prepare(figure: Figure | None, width: float, height: float, theme: ChartTheme) -> Figure:
    if figure is None:
        return new_figure(width, height, theme)
    figure.clear()
    figure.set_facecolor(theme.background)
    return figure


def _title(axes: Any, title: str, theme: ChartTheme) -> None:
    if title:
        axes.set_title(literal(title), fontsize=TITLE_SIZE, loc="left", color=theme.ink)


def _empty(figure: Figure, title: str, theme: ChartTheme) -> Figure:
    axes = figure.add_subplot()
    axes.set_axis_off()
    _title(axes, title, theme)
    axes.text(0.5, 0.5, "No deals in this selection", ha="center", va="center",
              color=theme.muted)  # fmt: skip
    return figure


def _style(axes: Any, theme: ChartTheme) -> None:
    axes.set_facecolor(theme.background)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("bottom", "left"):
        axes.spines[side].set_color(theme.muted)
    axes.tick_params(labelsize=LABEL_SIZE, colors=theme.muted, labelcolor=theme.ink)


def _legend_colors(legend: Any, theme: ChartTheme) -> None:
    for text in legend.get_texts():
        text.set_color(theme.ink)
    legend.get_title().set_color(theme.ink)


def headline_chart(
    categories: Sequence[Slice],
    figure: Figure | None = None,
    *,
    title: str | None = None,
    theme: ChartTheme = LIGHT,
) -> Figure:
    """Deals by category: a donut whose legend says what its shares are of (all deals)."""
    figure = _prepare(figure, 6.4, 3.6, theme)
    title = "Why deals fell through" if title is None else title
    shown = [c for c in categories if c.deals]
    total = sum(c.deals for c in shown)
    if not total:
        return _empty(figure, title, theme)
    axes = figure.add_subplot()
    axes.set_facecolor(theme.background)
    wedges, _texts = axes.pie(
        [c.deals for c in shown],
        colors=[category_color(c.category) for c in shown],
        startangle=90,
        counterclock=False,
        wedgeprops={"width": 0.38, "edgecolor": theme.background, "linewidth": 1.5},
    )
    for wedge, slice_ in zip(wedges, shown, strict=True):
        wedge.set_gid(f"category:{slice_.ref_id}" if slice_.ref_id else "category:none")
        wedge.set_picker(True)
    axes.text(0, 0.08, str(total), ha="center", va="center", fontsize=18, weight="bold",
              color=theme.ink)  # fmt: skip
    axes.text(0, -0.18, "deals", ha="center", va="center", fontsize=LABEL_SIZE,
              color=theme.muted)  # fmt: skip
    # In the figure, outside the axes: constrained layout makes room for it, so a long
    # category name shrinks the donut instead of running off the edge.
    legend = figure.legend(
        wedges,
        [literal(f"{c.label}  {c.share.percent(0)} ({c.deals})") for c in shown],
        loc="outside right center",
        frameon=False,
        fontsize=LABEL_SIZE,
        title=f"Share of all {count_of(total, 'deal')}",
        title_fontsize=LABEL_SIZE,
    )
    _legend_colors(legend, theme)
    _title(axes, title, theme)
    axes.set_aspect("equal")
    return figure


def pareto_chart(
    causes: Sequence[Slice],
    figure: Figure | None = None,
    top: int = 10,
    *,
    title: str | None = None,
    theme: ChartTheme = LIGHT,
) -> Figure:
    """Causes largest first, coloured by category; each bar says its share and the running total.

    Horizontal, so cause names read in full; the running total is the Pareto line
    in words ("cum. 52%"): the few causes that make most of the losses.
    """
    figure = _prepare(figure, 6.4, 3.8, theme)
    title = "Causes, largest first" if title is None else title
    shown = list(causes[:top])
    if not shown:
        return _empty(figure, title, theme)
    total = shown[0].share.total
    return _horizontal_bars(
        figure,
        title,
        theme,
        [c.label for c in shown],
        [c.deals for c in shown],
        [category_color(c.category) for c in shown],
        [f"cause:{c.ref_id}" for c in shown],
        [f"{c.deals} ({c.share.percent(0)}) · cum. {(c.cumulative or 0):.0%}" for c in shown],
        axis_label=f"Deals (% of all {count_of(total, 'deal')}; cum.: running total)",
    )


def trend_chart(
    trend: MonthlyTrend,
    figure: Figure | None = None,
    *,
    title: str | None = None,
    theme: ChartTheme = LIGHT,
) -> Figure:
    """Deals per month, stacked by category."""
    figure = _prepare(figure, 7.2, 3.6, theme)
    title = f"Deals per month, last {len(trend.months)} months" if title is None else title
    if not any(trend.deals.values()):
        return _empty(figure, title, theme)
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
            edgecolor=theme.background,
            linewidth=0.6,
            label=literal(category),
        )
        for bar, month in zip(bars, trend.months, strict=True):
            bar.set_gid(f"month:{month.isoformat()}|category:{category}")
            bar.set_picker(True)
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    for position, total in zip(positions, bottoms, strict=True):
        if total:
            axes.text(position, total, str(total), ha="center", va="bottom",
                      fontsize=LABEL_SIZE - 2, color=theme.ink)  # fmt: skip
    axes.set_xticks(positions, [_month_tick(m) for m in trend.months], fontsize=LABEL_SIZE - 1)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylabel("Deals", fontsize=LABEL_SIZE, color=theme.ink)
    axes.grid(axis="y", color=theme.grid, linewidth=0.8)
    axes.set_axisbelow(True)
    _style(axes, theme)
    legend = axes.legend(fontsize=LABEL_SIZE - 1, frameon=False, loc="upper left", ncols=3)
    _legend_colors(legend, theme)
    axes.set_ylim(0, max(bottoms) * 1.25 + 1)
    _title(axes, title, theme)
    return figure


def _month_tick(month: date) -> str:
    return month.strftime("%b\n%Y") if month.month == 1 else month.strftime("%b")


def lost_value_chart(
    causes: Sequence[Slice],
    figure: Figure | None = None,
    top: int = 10,
    *,
    title: str | None = None,
    theme: ChartTheme = LIGHT,
) -> Figure:
    """Contract value lost per cause, largest first."""
    figure = _prepare(figure, 6.4, 3.8, theme)
    title = "Contract value lost by cause" if title is None else title
    shown = sorted(causes, key=lambda c: -c.lost_value_cents)[:top]
    if not shown:
        return _empty(figure, title, theme)
    return _horizontal_bars(
        figure,
        title,
        theme,
        [c.label for c in shown],
        [c.lost_value_cents / 100 for c in shown],
        [category_color(c.category) for c in shown],
        [f"cause:{c.ref_id}" for c in shown],
        [money_short(c.lost_value_cents) for c in shown],
        money_axis=True,
        axis_label="Contract value lost",
    )


def salesperson_chart(
    people: Sequence[PersonSplit],
    figure: Figure | None = None,
    *,
    title: str | None = None,
    theme: ChartTheme = LIGHT,
) -> Figure:
    """Each salesperson's deals split into not controllable (land, ...), controllable
    (service, ...) and neither yet; each bar says its land / service split."""
    figure = _prepare(figure, 6.4, 3.6, theme)
    title = "Deals lost by salesperson" if title is None else title
    if not people:
        return _empty(figure, title, theme)
    axes = figure.add_subplot()
    positions = list(range(len(people)))
    left = [0] * len(people)
    segments = (
        ("Not controllable (land, …)", NOT_CONTROLLABLE_COLOR,
         [p.split.not_controllable for p in people]),
        ("Controllable (service, …)", CONTROLLABLE_COLOR, [p.split.controllable for p in people]),
        ("Not known or not classified yet", APART_COLOR,
         [p.split.deals - p.split.controllable - p.split.not_controllable for p in people]),
    )  # fmt: skip
    for label, color, widths in segments:
        bars = axes.barh(positions, widths, left=left, color=color,
                         edgecolor=theme.background, label=label)  # fmt: skip
        for bar, person in zip(bars, people, strict=True):
            bar.set_gid(f"salesperson:{person.ref_id}" if person.ref_id else "salesperson:none")
            bar.set_picker(True)
        left = [a + b for a, b in zip(left, widths, strict=True)]
    for position, person in zip(positions, people, strict=True):
        words = f"{person.split.deals} · {money_short(person.lost_value_cents)}"
        share = person.split.land_share
        if share is not None:
            land, service = percent_pair(share)
            words += f" · {land} land / {service} service"
        axes.text(person.split.deals, position, "  " + literal(words), va="center",
                  fontsize=LABEL_SIZE - 1, color=theme.ink)  # fmt: skip
    axes.set_yticks(positions, [literal(wrap_label(p.label)) for p in people],
                    fontsize=LABEL_SIZE - 1)  # fmt: skip
    _top_down(axes, len(people))
    axes.set_xlim(0, max(p.split.deals for p in people) * 1.9 or 1)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    axes.grid(axis="x", color=theme.grid, linewidth=0.8)
    axes.set_axisbelow(True)
    _style(axes, theme)
    # Below the bars, never over a bar's words.
    legend = figure.legend(fontsize=LABEL_SIZE - 1, frameon=False, loc="outside lower center",
                           ncols=3, handlelength=1.2)  # fmt: skip
    _legend_colors(legend, theme)
    _title(axes, title, theme)
    return figure


def funnel_chart(
    metrics: FollowUpMetrics,
    figure: Figure | None = None,
    *,
    title: str | None = None,
    theme: ChartTheme = LIGHT,
) -> Figure:
    """From fell-through to confirmed cause: how far follow-up calls got."""
    figure = _prepare(figure, 6.4, 3.2, theme)
    title = "Follow-up funnel" if title is None else title
    if not metrics.deals:
        return _empty(figure, title, theme)
    steps = list(metrics.funnel)
    return _horizontal_bars(
        figure,
        title,
        theme,
        [s.label for s in steps],
        [s.deals for s in steps],
        [FUNNEL_COLORS[min(i, len(FUNNEL_COLORS) - 1)] for i in range(len(steps))],
        [f"funnel:{i}" for i in range(len(steps))],
        [f"{s.deals} ({s.deals / metrics.deals:.0%})" for s in steps],
        axis_label=f"Deals (% of all {count_of(metrics.deals, 'deal')})",
    )


def _top_down(axes: Any, bars: int) -> None:
    """The first bar on top, and room for at least five: one bar is a bar, not a wall."""
    axes.set_ylim(max(bars, 5) - 0.5, -0.5)


def _room_for_bar_labels(
    figure: Figure, values: Sequence[float], bar_labels: list[str], names: list[str]
) -> float:
    """Where the x axis ends so that each bar's label ends inside it: 30% past the
    longest bar, or more where a long label on a long bar would run off the figure
    (it did, cut, when the names beside the bars took the room). The axes' width is
    estimated from the texts' own widths, so no layout is run for it."""
    longest = max(values) if values else 1
    end = longest * 1.3 or 1

    def inches(text: str) -> float:
        width, _height, _descent = _TEXT_SIZES.get_text_width_height_descent(
            text, _LABEL_FONT, ismath=False
        )
        return float(width) / 72

    widest_name = max((inches(line) for name in names for line in name.split("\n")), default=0)
    axes_width = figure.get_figwidth() - widest_name - LAYOUT_ROOM
    for value, text in zip(values, bar_labels, strict=True):
        label = inches(text) + BAR_LABEL_ROOM / 72
        if value > 0 and label < axes_width:  # else no axis would hold it
            end = max(end, value * axes_width / (axes_width - label))
    return end


def _horizontal_bars(
    figure: Figure,
    title: str,
    theme: ChartTheme,
    labels: list[str],
    values: Sequence[float],
    colors: list[str],
    gids: list[str],
    bar_labels: list[str],
    *,
    money_axis: bool = False,
    axis_label: str = "",
) -> Figure:
    axes = figure.add_subplot()
    positions = list(range(len(labels)))
    bars = axes.barh(positions, values, color=colors, edgecolor=theme.background)
    for bar, gid in zip(bars, gids, strict=True):
        bar.set_gid(gid)
        bar.set_picker(True)
    axes.bar_label(bars, labels=[literal(t) for t in bar_labels], fontsize=LABEL_SIZE - 1,
                   padding=3, color=theme.ink)  # fmt: skip
    names = [wrap_label(label) for label in labels]
    axes.set_yticks(positions, [literal(name) for name in names],
                    fontsize=LABEL_SIZE - 1)  # fmt: skip
    _top_down(axes, len(labels))
    axes.set_xlim(0, _room_for_bar_labels(figure, values, bar_labels, names))
    if money_axis:
        axes.xaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]))
        axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _p: literal(money_tick(x))))
    else:
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    if axis_label:
        axes.set_xlabel(literal(axis_label), fontsize=LABEL_SIZE - 1, color=theme.muted)
    axes.grid(axis="x", color=theme.grid, linewidth=0.8)
    axes.set_axisbelow(True)
    _style(axes, theme)
    _title(axes, title, theme)
    return figure
