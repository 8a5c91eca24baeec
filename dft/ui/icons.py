"""Icons from resources/icons, loaded once."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from dft.resources import resource_path


@cache
def icon(name: str) -> QIcon:
    """The icon ``name``.svg from resources/icons."""
    return QIcon(str(resource_path("icons", f"{name}.svg")))
