"""Running ``dft`` as the user runs it: a subprocess, checked for one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from dft.cli import main


def run_dft(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dft", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        check=False,
    )


def assert_one_line_error(
    result: subprocess.CompletedProcess[str], code: int, *needles: str
) -> None:
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0]


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> subprocess.CompletedProcess[str]:
    """``dft *args`` inside the test's process: the same output and exit code, without
    a second of start-up per run (the subprocess tests above cover the real start)."""
    code = main(list(args))
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(["dft", *args], code, captured.out, captured.err)
