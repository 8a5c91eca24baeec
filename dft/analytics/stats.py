"""Honest statistics for small counts."""

from __future__ import annotations

import math
from dataclasses import dataclass

# Below this many deals a share is shown with its interval: 2 of 3 is not "67%".
SMALL_COUNT = 30
Z_95 = 1.959963984540054


@dataclass(frozen=True)
class Share:
    """``count`` of ``total``, the fraction, and its 95% Wilson interval."""

    count: int
    total: int

    @property
    def value(self) -> float:
        """The share as a fraction (0 when there is nothing to count)."""
        return self.count / self.total if self.total else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        """The 95% Wilson interval of the share."""
        return wilson_interval(self.count, self.total)

    @property
    def small(self) -> bool:
        """True when too few deals stand behind the share to read much into it."""
        return self.total < SMALL_COUNT

    def percent(self, digits: int = 1) -> str:
        """The share as a percentage with ``digits`` decimals."""
        return f"{self.value * 100:.{digits}f}%"

    def describe(self) -> str:
        """``29.2% (7 of 24)``, with the interval when the count is small."""
        text = f"{self.percent()} ({self.count} of {self.total})"
        if self.total and self.small:
            low, high = self.interval
            text += f", 95% CI {low * 100:.0f}–{high * 100:.0f}%"
        return text


def wilson_interval(count: int, total: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval: sensible at 0, at n and for tiny n, unlike the normal one."""
    if total <= 0:
        return (0.0, 0.0)
    p = count / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    margin = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    # Rounding may put an end a hair on the wrong side of p (at 0 or n); charts draw
    # the interval as error bars around p, which must not be negative.
    return (min(p, max(0.0, centre - margin)), max(p, min(1.0, centre + margin)))


def median_from_histogram(histogram: dict[int, int]) -> float | None:
    """The median of values given as {value: how many}, without expanding them."""
    total = sum(histogram.values())
    if not total:
        return None
    ordered = sorted(histogram.items())

    def nth(position: int) -> int:
        seen = 0
        for value, count in ordered:
            seen += count
            if seen > position:
                return value
        return ordered[-1][0]

    if total % 2:
        return float(nth(total // 2))
    return (nth(total // 2 - 1) + nth(total // 2)) / 2
