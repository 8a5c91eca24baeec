"""A long table laid out a page at a time from row heights measured once.

reportlab's ``LongTable`` measures what is left of a table at every page break and
works out its spans and unsplittable ranges again over all the rows left: on the
report's 500 deals that was most of the time spent writing the PDF. Here every row
is measured once, and each page is a small table of its own with the header row
repeated and the row heights given, so nothing is measured again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reportlab.platypus import Flowable, Table, TableStyle

# Rounding room when adding row heights up against the room on a page.
FUZZ = 1e-6
# Groups of rows measured in one table (PagedTable.measure).
MEASURED_TOGETHER = 20


@dataclass
class RowGroup:
    """Rows that stay on one page, with style commands whose rows count from the group's
    first row (0)."""

    rows: list[list[Any]]
    style: list[tuple[Any, ...]] = field(default_factory=list)
    heights: list[float] = field(default_factory=list)  # filled in when measured

    def placed(self, first: int) -> list[tuple[Any, ...]]:
        """The style commands with their rows moved down to ``first``."""
        return [
            (name, (start[0], start[1] + first), (end[0], end[1] + first), *rest)
            for name, start, end, *rest in self.style
        ]


class PagedTable(Flowable):
    """A table split between groups of rows, the header row on every page, at least
    ``last_together`` groups ending it together (no group stranded alone)."""

    def __init__(
        self,
        header: list[Any],
        groups: list[RowGroup],
        widths: list[float],
        style: list[tuple[Any, ...]],
        *,
        last_together: int = 1,
        header_height: float | None = None,
        rule_above: tuple[Any, ...] = (),
    ) -> None:
        super().__init__()
        self._header = header
        self._groups = groups
        self._widths = widths
        self._style = style
        self._last_together = last_together
        self._header_height = header_height
        self.hAlign = "CENTER"  # placed where reportlab places a table
        # On a page after the first, the rule under the group before the break is drawn
        # again under the header, as reportlab draws it.
        self._rule_above = rule_above

    def measure(self) -> float:
        """The header's height; every group's row heights, measured once by reportlab
        itself (now, or at the first layout).

        A row's height depends on its cells alone (the columns' widths are given), so
        the rows are measured in tables of MEASURED_TOGETHER groups: reportlab looks
        each cell up in a list of the spanned cells, which on one table of 500 deals
        with their notes was a tenth of a second."""
        if self._header_height is None:
            for first in range(0, len(self._groups) or 1, MEASURED_TOGETHER):
                groups = self._groups[first : first + MEASURED_TOGETHER]
                part = self._table(groups, measured=False)
                part.wrap(sum(self._widths), 1e9)
                heights: list[float] = list(part._rowHeights)  # reportlab keeps them there
                self._header_height = heights[0]
                row = 1
                for group in groups:
                    group.heights = heights[row : row + len(group.rows)]
                    row += len(group.rows)
        return self._header_height or 0.0

    def _table(self, groups: list[RowGroup], *, measured: bool = True) -> Table:
        rows, style, heights = [self._header], list(self._style), [self._header_height]
        if self._rule_above:
            style.append(("LINEABOVE", (0, 1), (-1, 1), *self._rule_above))
        for group in groups:
            style += group.placed(len(rows))
            rows += group.rows
            heights += group.heights
        return Table(
            rows,
            colWidths=self._widths,
            rowHeights=heights if measured else None,
            style=TableStyle(style),
        )

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """The whole table's size (reportlab splits it when it does not fit)."""
        header = self.measure()
        self.width = sum(self._widths)
        self.height = header + sum(sum(g.heights) for g in self._groups)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """The groups that fit in ``availHeight`` as a table, and the rest still paged;
        nothing when not even the first group fits."""
        room = availHeight - self.measure()
        fit, used = 0, 0.0
        for group in self._groups:
            used += sum(group.heights)
            if used > room + FUZZ:
                break
            fit += 1
        left = len(self._groups) - fit
        if 0 < left < self._last_together:
            fit = max(0, len(self._groups) - self._last_together)
        if fit == 0:
            return []
        if fit == len(self._groups):
            return [self._table(self._groups)]
        before = self._groups[fit - 1]
        last = len(before.rows) - 1
        rules = [line for name, start, end, *line in before.style
                 if name == "LINEBELOW" and start[1] <= last <= end[1]]  # fmt: skip
        rest = PagedTable(
            self._header,
            self._groups[fit:],
            self._widths,
            self._style,
            last_together=self._last_together,
            header_height=self._header_height,
            rule_above=tuple(rules[-1]) if rules else (),
        )
        return [self._table(self._groups[:fit]), rest]

    def draw(self) -> None:
        """The whole table, when it fits where it is."""
        table = self._table(self._groups)
        table.wrapOn(self.canv, self.width, self.height)
        table.drawOn(self.canv, 0, 0)
