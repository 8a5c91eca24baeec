"""Hostile import files never hang, crash or poison the database: exit 2, nothing written.

Each file is imported through the command line as a user would; the ones that
could hang run in a process of their own with a generous time limit, which is
a guard against hanging, not a measurement.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from dft import cli
from dft.exchange import reading
from dft.store.database import open_database
from dft.store.location import sqlite_url
from tests.reliability.conftest import ROOT

HEADER = ["client", "contract_value", "fell_through_on", "cause"]


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.sqlite3"
    open_database(sqlite_url(path)).close()
    return path


def count(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute("SELECT count(*) FROM deals").fetchone()[0])
    finally:
        connection.close()


def refused(db_file: Path, path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """Import through the CLI; it must exit 2, write nothing and print no traceback."""
    code = cli.main(["import", str(path), "--db", str(db_file)])
    error = capsys.readouterr().err
    assert code == 2, error
    assert "Traceback" not in error
    assert count(db_file) == 0
    return error


def in_a_process(db_file: Path, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dft", "import", str(path), "--db", str(db_file)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(db_file.parent)},
        check=False,
    )


def test_control_characters_are_refused_naming_row_and_column(
    db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes(b"client,contract_value,fell_through_on,cause\nGood,1,2024-05-01,Other\n"
                     b"Pat\x00,1,2024-05-02,Other\nSam,1,2024-05-03,Oth\x1ber\n")  # fmt: skip
    error = refused(db_file, path, capsys)
    assert "Client: contains a control character, NUL (U+0000)" in error
    assert "in 1 row (3)\n" in error
    assert "control character, U+001B, in 1 row (4)" in error


def test_far_away_cells_and_a_huge_declared_dimension_do_not_make_the_reader_walk(
    db_file: Path, tmp_path: Path
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(["Pat", 1000, "2024-05-01", "Other"])
    sheet["XFD2"] = "far right"  # the declared dimension becomes A1:XFD1048576
    sheet["A1048576"] = "far down"  # and a row a million rows down, with no amount
    path = tmp_path / "far.xlsx"
    workbook.save(path)
    result = in_a_process(db_file, path)
    assert result.returncode == 2, result.stderr
    assert "Contract value is empty in 1 row (1048576)" in result.stderr
    assert "Traceback" not in result.stderr
    assert count(db_file) == 0
    del sheet["A1048576"]
    sheet["XFD1048576"] = "far right and down"
    workbook.save(path)
    result = in_a_process(db_file, path)
    assert result.returncode == 0, result.stderr
    assert count(db_file) == 1


def _workbook_with_big_shared_strings(path: Path, size: int) -> None:
    """A real .xlsx whose shared strings unpack to ``size`` bytes (they pack to almost nothing)."""
    small = path.with_suffix(".small.xlsx")
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(["Pat", 1000, "2024-05-01", "Other"])
    workbook.save(small)
    with zipfile.ZipFile(small) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            out.writestr(item, source.read(item.filename))
        with out.open("xl/sharedStrings.xml", "w", force_zip64=True) as big:
            chunk = b" " * (1 << 20)
            for _ in range(size // len(chunk)):
                big.write(chunk)


def test_a_workbook_that_would_unpack_past_the_limit_is_refused_before_reading(
    db_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "bomb.xlsx"
    _workbook_with_big_shared_strings(path, 4 << 20)
    monkeypatch.setattr(reading, "MAX_XLSX_PART_IN_MEMORY", 2 << 20)
    error = refused(db_file, path, capsys)
    assert "xl/sharedStrings.xml unpacks to 4 MB, more than 2 MB" in error
    monkeypatch.setattr(reading, "MAX_XLSX_UNPACKED", 3 << 20)
    monkeypatch.setattr(reading, "MAX_XLSX_PART_IN_MEMORY", 256 << 20)
    error = refused(db_file, path, capsys)
    assert "the workbook unpacks to 4 MB, more than the 3 MB an import reads" in error


@pytest.mark.slow
def test_a_real_zip_bomb_is_refused_at_the_real_limit(db_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    _workbook_with_big_shared_strings(path, reading.MAX_XLSX_PART_IN_MEMORY + (1 << 20))
    assert path.stat().st_size < 2 << 20  # a small file, a huge unpacked part
    result = in_a_process(db_file, path)
    assert result.returncode == 2
    assert "sharedStrings.xml unpacks to 257 MB" in result.stderr
    assert count(db_file) == 0


def test_an_oversized_header_cell_is_a_clear_error(
    db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "header.csv"
    path.write_text(
        "client," + "x" * 5000 + ",fell_through_on\nPat,1,2024-05-01\n", encoding="utf-8"
    )
    error = refused(db_file, path, capsys)
    assert "the header of column 2 is 5,000 characters long; a header is at most 200" in error
    huge = tmp_path / "huge.csv"
    huge.write_text('client,"' + "x" * 2_000_000 + '"\n', encoding="utf-8")
    assert "the header row cannot be read" in refused(db_file, huge, capsys)


def test_an_undecodable_byte_names_its_line(
    db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"\xef\xbb\xbfclient,contract_value,fell_through_on,cause\n"
                     b"Pat,1,2024-05-01,Other\nSam,1,2024-05-02,Oth\xffer\n")  # fmt: skip
    error = refused(db_file, path, capsys)
    assert "line 3: bytes ff are not UTF-8 text" in error


def test_a_value_longer_than_its_column_is_refused_on_sqlite_too(
    db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "long.csv"
    path.write_text(
        "client,contract_value,fell_through_on,cause,lot,salesperson\n"
        f"Pat,1,2024-05-01,Other,{'L' * 61},{'S' * 121}\n",
        encoding="utf-8",
    )
    error = refused(db_file, path, capsys)
    assert "Lot: is 61 characters long; at most 60 fit, in 1 row (2)" in error
    assert "Salesperson: is 121 characters long; at most 120 fit, in 1 row (2)" in error
