"""The README's set-up commands stay true: CI runs the test command word for word."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _shell_blocks() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return [b.strip() for b in re.findall(r"```sh\n(.*?)```", readme, flags=re.S)]


def test_ci_runs_the_readme_test_command() -> None:
    test_command = next(b for b in _shell_blocks() if "pytest" in b)
    ci_script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci_script.splitlines()


def test_the_readme_start_command_installs_and_starts_the_app() -> None:
    start = _shell_blocks()[0]
    assert "pip install ." in start
    assert start.endswith("dft")
