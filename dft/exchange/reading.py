"""Reading tables from CSV and XLSX files, a row at a time.

CSV: UTF-8 with or without a byte-order mark, else Windows-1252 (what Excel
writes on Windows); ``,`` or ``;`` between fields, found from the header row.
XLSX: the first sheet, values as stored (dates as dates, numbers as numbers).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from dft.core.errors import ValidationError

MAX_FIELD = 1_000_000  # bytes in one CSV field; a runaway quote should fail, not eat memory


@dataclass
class Table:
    """A header row and the data rows, numbered as a spreadsheet shows them (header = 1)."""

    headers: list[str]
    rows: Iterator[tuple[int, list[object]]]
    size_hint: int  # for progress: bytes (CSV) or rows (XLSX)
    position: Callable[[], int]  # how far reading got, in the unit of size_hint

    def close(self) -> None:
        """Close the file (reading every row closes it too)."""
        closer = getattr(self, "_close", None)
        if closer:
            closer()


def _detect_encoding(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(3)
        if head == b"\xef\xbb\xbf":
            return "utf-8-sig"
        handle.seek(0)
        try:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                chunk.decode("utf-8")
        except UnicodeDecodeError:
            # A chunk boundary inside a character is not proof of Windows-1252.
            try:
                path.read_bytes().decode("utf-8")
            except UnicodeDecodeError:
                return "cp1252"
    return "utf-8"


def _delimiter(header_line: str) -> str:
    return ";" if header_line.count(";") > header_line.count(",") else ","


def read_csv(path: Path) -> Table:
    """A CSV file as a table (encoding and separator found from the file)."""
    encoding = _detect_encoding(path)
    csv.field_size_limit(MAX_FIELD)
    raw = path.open("rb")
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    first_line = text.readline()
    if not first_line.strip():
        text.close()
        raise ValidationError(str(path), "the file is empty (no header row)")
    delimiter = _delimiter(first_line)
    header = next(csv.reader([first_line], delimiter=delimiter))
    reader = csv.reader(text, delimiter=delimiter)

    def rows() -> Iterator[tuple[int, list[object]]]:
        # Rows are numbered as a spreadsheet shows them (a quoted line break
        # stays inside its row), header = 1.
        number = 1
        try:
            for values in reader:
                number += 1
                if not any(v.strip() for v in values):
                    continue
                yield number, list(values)
        except csv.Error as exc:
            raise ValidationError(
                str(path), f"row {number + 1}: the CSV is malformed ({exc})"
            ) from exc
        finally:
            text.close()

    table = Table(header, rows(), path.stat().st_size, raw.tell)
    table._close = text.close  # type: ignore[attr-defined]
    return table


def read_xlsx(path: Path) -> Table:
    """The first sheet of an Excel workbook as a table."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise ValidationError(str(path), f"not a readable Excel workbook ({exc})") from exc
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    try:
        header_values = next(iterator)
    except StopIteration as exc:
        workbook.close()
        raise ValidationError(str(path), "the first sheet is empty (no header row)") from exc
    headers = ["" if v is None else str(v) for v in header_values]
    state = {"row": 1}

    def rows() -> Iterator[tuple[int, list[object]]]:
        try:
            for number, values in enumerate(iterator, start=2):
                state["row"] = number
                if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                    continue
                yield number, list(values)
        finally:
            workbook.close()

    table = Table(headers, rows(), sheet.max_row or 0, lambda: state["row"])
    table._close = workbook.close  # type: ignore[attr-defined]
    return table


def read_table(path: Path) -> Table:
    """The file as a table, by its ending (.csv or .xlsx)."""
    if not path.exists():
        raise ValidationError(str(path), "no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(path)
    if suffix == ".xlsx":
        return read_xlsx(path)
    raise ValidationError(str(path), "import reads .csv and .xlsx files")
