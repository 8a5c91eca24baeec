"""Reports and exports a user writes: a file replaced keeps its permissions, and a full
disk or a folder that cannot be written is one sentence naming the file, with nothing
half-written, no hidden temporary file left behind and no Python noise on stderr."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest

from dft import cli
from dft.exchange.exporter import follow_ups_path
from tests.reliability.conftest import ROOT
from tests.reliability.full_disk import disk_fills_up
from tests.reliability.test_faults import make_read_only, make_writable

REPORTS = [".pdf", ".xlsx", ".csv", ".html"]
EXPORTS = [".xlsx", ".csv"]
NOISE = ("Traceback", "Exception ignored", ".partial", "Errno")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("files") / "sample.sqlite3"
    assert cli.main(["--db", str(path), "demo", "--deals", "120", "--seed", "4"]) == 0
    return path


def write(sample: Path, target: Path) -> list[str]:
    """The command that writes ``target``: a report for .pdf/.html, else by its name."""
    if target.stem.startswith("report"):
        return ["--db", str(sample), "report", "--month", "2026-10", "--out", str(target)]
    return ["--db", str(sample), "export", str(target)]


def targets() -> list[str]:
    return [f"report{s}" for s in REPORTS] + [f"export{s}" for s in EXPORTS]


@pytest.mark.parametrize("name", targets())
def test_replacing_a_file_keeps_its_permissions(
    sample: Path, tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / name
    replaced = [target]
    if name == "export.csv":
        replaced.append(follow_ups_path(target))
    for path in replaced:
        path.write_text("old", encoding="utf-8")
        path.chmod(0o600)
    assert cli.main(write(sample, target)) == 0, capsys.readouterr().err
    for path in replaced:
        assert path.read_bytes() != b"old"
        assert mode(path) == 0o600, path
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in replaced)


@pytest.mark.parametrize("name", targets())
@pytest.mark.parametrize("free", [0, 3000])
def test_a_full_disk_is_one_sentence_naming_the_file(
    sample: Path,
    tmp_path: Path,
    name: str,
    free: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / name
    target.write_text("the last good one", encoding="utf-8")
    with disk_fills_up(folder, monkeypatch, free=free):
        code = cli.main(write(sample, target))
    err = capsys.readouterr().err
    assert code == 1, err
    assert err.count("\n") == 1, err
    assert str(target) in err
    assert "the disk is full" in err
    for noise in NOISE:
        assert noise not in err, err
    # Nothing half-written, nothing hidden left behind, the old file as it was.
    assert [p.name for p in folder.iterdir()] == [name]
    assert target.read_text(encoding="utf-8") == "the last good one"


@pytest.mark.parametrize("name", ["report.xlsx", "report.pdf", "export.xlsx", "export.csv"])
def test_a_folder_that_cannot_be_written_is_one_sentence(
    sample: Path, tmp_path: Path, name: str
) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    target = folder / name
    make_read_only(folder)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "dft", *write(sample, target)],
            capture_output=True, text=True, check=False, cwd=ROOT,
        )  # fmt: skip
    finally:
        make_writable(folder)
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert str(target) in result.stderr
    assert "cannot be written" in result.stderr
    for noise in NOISE:
        assert noise not in result.stderr, result.stderr
    assert list(folder.iterdir()) == []
