"""Map files: which cause each value of a file's cause column goes to, as a CSV a person edits.

Header ``value,category,cause``. ``value`` is the text in the file's cause
column (empty for a blank cell); where the file has a category column too,
``Category/Cause`` maps one pair. ``category`` and ``cause`` name the target
("Not yet known", "Unknown — pending call"); a target not in the list yet
is created only when the import may create causes. A line whose target is
left empty maps nothing (a value still to decide). The file is written as
UTF-8 with a byte-order mark, so Excel shows "›" and "—" right, and read with
the import's own encoding rules; a cell Excel would run as a formula is
written with a leading quote, which reading removes.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from dft.core.errors import ValidationError
from dft.core.fields import control_character
from dft.core.text import neutralize_formula
from dft.exchange.mapping import CauseMap, CauseTarget, CauseValue, normalize_value
from dft.exchange.reading import read_csv
from dft.exchange.values import text

MAP_HEADER = ("value", "category", "cause")


def read_map_file(path: Path) -> CauseMap:
    """The choices in a map file; a malformed one is refused naming the file and line."""
    if not path.exists():
        raise ValidationError(path.name, "no such file")
    table = read_csv(path)
    try:
        headers = [h.strip().casefold() for h in table.headers]
        if headers[:3] != list(MAP_HEADER):
            raise ValidationError(
                path.name, f"a map file starts with the line {','.join(MAP_HEADER)}"
            )
        chosen = CauseMap()
        seen: dict[str, tuple[int, CauseTarget]] = {}
        for line, values in table.rows:
            cells = [text(values[i]) if i < len(values) else "" for i in range(3)]
            for cell in cells:
                bad = control_character(cell)
                if bad is not None:
                    raise ValidationError(
                        path.name, f"line {line}: contains a control character, {bad}"
                    )
            value, category, cause = cells
            if not category and not cause:
                continue  # still to decide
            if not category or not cause:
                raise ValidationError(
                    path.name, f"line {line}: name both the category and the cause for {value!r}"
                )
            target = CauseTarget(category, cause)
            earlier = seen.get(normalize_value(value))
            if earlier is not None and earlier[1] != target:
                raise ValidationError(
                    path.name,
                    f"line {line}: {value!r} is mapped on line {earlier[0]} already, elsewhere",
                )
            seen[normalize_value(value)] = (line, target)
            chosen.choose_text(value, target)
        return chosen
    finally:
        table.close()


def write_map_file(path: Path, values: Iterable[CauseValue]) -> int:
    """Write the values and their targets (empty where none); returns the lines written.

    Reading it back gives the same choices, so importing with it does the same
    import; values are written most frequent first, for editing.
    """
    ordered = sorted(values, key=lambda v: (-v.rows, v.text.casefold()))
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(MAP_HEADER)
        for value in ordered:
            target = value.target
            writer.writerow(
                [
                    neutralize_formula(value.text),
                    neutralize_formula(target.category) if target else "",
                    neutralize_formula(target.cause) if target else "",
                ]
            )
    return len(ordered)
