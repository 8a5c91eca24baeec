"""Helpers for the fault tests: real processes, real kills, real files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def python(*args: str, **kwargs: object) -> subprocess.Popen[str]:
    """Start ``python -c``/``-m`` ... with the project importable, output captured."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        **kwargs,
    )


def write_csv(path: Path, rows: int, prefix: str = "Client") -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("client,contract_number,contract_value,fell_through_on,cause\n")
        for i in range(rows):
            handle.write(
                f"{prefix} {i},{prefix[:1]}-{i},{1000 + i},2024-05-{1 + i % 28:02d},Other\n"
            )
    return path
