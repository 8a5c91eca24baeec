"""Locate files shipped under resources/: inside the wheel or in a source checkout."""

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resources_dir() -> Path:
    """The folder holding icons and other non-Python files.

    An installed wheel carries them as ``dft/_resources``; a source checkout
    (also an editable install) keeps them in the top-level ``resources/``.
    """
    for candidate in (_PACKAGE_DIR / "_resources", _PACKAGE_DIR.parent / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"DFT Tracker resources not found next to {_PACKAGE_DIR}")


def resource_path(*parts: str) -> Path:
    path = resources_dir().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"missing resource: {path}")
    return path
