"""A disk that fills up while a file is written, without privileges (no tiny tmpfs).

Every file opened for writing in one folder, by any code (the csv module, openpyxl's
zip writer, reportlab), shares a budget of bytes; the write that would exceed it
fails with ENOSPC, as the kernel's would.
"""

from __future__ import annotations

import builtins
import errno
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest


class _FillingFile:
    """A file whose writes fail once the folder's budget is spent."""

    def __init__(self, real: Any, budget: list[int]) -> None:
        self._real = real
        self._budget = budget

    def write(self, data: Any) -> int:
        if len(data) > self._budget[0]:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._budget[0] -= len(data)
        return int(self._real.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._real)

    def __enter__(self) -> _FillingFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._real.close()


@contextmanager
def disk_fills_up(folder: Path, monkeypatch: pytest.MonkeyPatch, free: int) -> Iterator[None]:
    """Writes into ``folder`` fail with ENOSPC after ``free`` bytes (all files together)."""
    real_open = io.open
    budget = [free]

    def open_filling(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_open(file, mode, *args, **kwargs)
        writing = any(flag in mode for flag in "wax+")
        if writing and isinstance(file, str | os.PathLike) and Path(file).parent == folder:
            return _FillingFile(handle, budget)
        return handle

    with monkeypatch.context() as patch:
        patch.setattr(io, "open", open_filling)
        patch.setattr(builtins, "open", open_filling)
        yield
