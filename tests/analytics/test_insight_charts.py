"""Insight charts: what was drawn, read from the artists; text drawn literally."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from dft.analytics.calibration import Calibration, CallerGroup, Callers
from dft.analytics.cancellation import CancellationMonth, CancellationRate
from dft.analytics.control import control_limits
from dft.analytics.cost import Cost
from dft.analytics.insight_charts import (
    calibration_chart,
    callers_chart,
    cancellation_chart,
    control_chart_figure,
    cost_chart,
    win_back_chart,
)
from dft.analytics.win_back import WinBackLine

MONTHS = [date(2026, m, 1) for m in range(1, 7)]


def texts(figure: Figure) -> list[str]:
    return [t.get_text() for t in figure.findobj(Text) if t.get_text()]


def gids(figure: Figure) -> set[str]:
    return {a.get_gid() for a in figure.findobj() if a.get_gid()}


def literal(figure: Figure) -> bool:
    """No text holds a pair of unescaped ``$`` (what matplotlib would read as maths)."""
    return all(
        len(re.findall(r"(?<!\\)\$", t.get_text())) < 2
        for t in figure.findobj(Text)
        if t.get_parse_math()
    )


def person(name: str | None, pid: int | None, settled: int, confirmed: int) -> Calibration:
    return Calibration(name, pid, settled + 1, settled, confirmed, settled - confirmed, 0, 0, 0)


def test_calibration_chart_leaves_out_people_with_nothing_settled(tmp_path: Path) -> None:
    figure = calibration_chart(
        [person("Ana $ales$", 1, 3, 1), person("Cy", 3, 0, 0), person(None, None, 4, 4)]
    )
    assert "33% (1 of 3)" in texts(figure)
    assert "100% (4 of 4)" in texts(figure)
    assert r"Ana \$ales\$" in texts(figure)  # escaped: drawn as typed
    assert "Cy" not in texts(figure)
    assert gids(figure) >= {"salesperson:1", "salesperson:none"}
    assert literal(figure)
    figure.savefig(tmp_path / "calibration.png")  # draws: the dollar signs are not maths
    assert "No settled deals" in " ".join(texts(calibration_chart([person("Cy", 3, 0, 0)])))


def test_callers_chart_compares_change_rates() -> None:
    figure = callers_chart(Callers(CallerGroup(3, 2), CallerGroup(5, 4), CallerGroup(2, 0)))
    assert "67% (2 of 3 calls)" in texts(figure)
    assert "80% (4 of 5 calls)" in texts(figure)
    bars = [r for r in figure.findobj(Rectangle) if r.get_gid()]
    assert [round(b.get_width(), 3) for b in bars] == [0.667, 0.8]


def test_control_chart_marks_the_unusual_month_and_says_the_headline(tmp_path: Path) -> None:
    chart = control_limits(
        list(zip(MONTHS, (10, 10, 20, 0, 25, 16), (5, 7, 12, 0, 20, 4), strict=True))
    )
    figure = control_chart_figure(chart)
    assert "25% controllable — unusual: below the usual range, 33–100%" in texts(figure)
    unusual = [a for a in figure.findobj() if a.get_gid() == "month:2026-06-01"]
    assert unusual
    assert unusual[0].get_color() == "#D55E00"  # type: ignore[attr-defined]
    assert literal(figure)
    figure.savefig(tmp_path / "control.png")


def test_cancellation_chart_draws_the_benchmark_line() -> None:
    rate = CancellationRate(
        (CancellationMonth(MONTHS[0], 10, 1), CancellationMonth(MONTHS[1], None, 3)), 0.2
    )
    figure = cancellation_chart(rate)
    assert {"10%", "n/e", "Benchmark 20%"} <= set(texts(figure))
    empty = cancellation_chart(CancellationRate((CancellationMonth(MONTHS[0], None, 3),), None))
    assert "Enter contracts signed" in " ".join(texts(empty))


def test_cost_chart_has_three_bars_a_month_in_dollars() -> None:
    def month(day: date, kept: int, days: int, gap: int) -> Cost:
        return Cost(day.strftime("%Y-%m"), 2, 0, 0, kept, 0, 1, days, days, days * 5_000,
                    gap, 1, month=day)  # fmt: skip

    figure = cost_chart([month(MONTHS[0], 100_000, 10, 200_000), month(MONTHS[1], 0, 0, -50_000)])
    bars = [r for r in figure.findobj(Rectangle) if r.get_gid()]
    assert [b.get_height() for b in bars] == [1000.0, 0.0, 500.0, 0.0, 2000.0, -500.0]
    assert {"Deposits kept", "Carrying cost", "Re-sale price gap"} <= set(texts(figure))


def test_win_back_chart_lists_causes_with_buyers_won_back() -> None:
    figure = win_back_chart(
        [
            WinBackLine(
                "Rude or dismissive remark", 4, 3, 2, ref_id=9, category="Customer service"
            ),
            WinBackLine("Slow response", 2, 0, 0, ref_id=8),
        ]
    )
    assert "2 of 4 (50%)" in texts(figure)
    assert "Slow response" not in texts(figure)
    assert gids(figure) == {"cause:9"}
