"""Quality gates that run with the tests: lint, format, layering, packaging."""

from __future__ import annotations

import ast
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from dft.resources import resource_path, resources_dir

ROOT = Path(__file__).resolve().parent.parent
RUFF_CHECK = ("-m", "ruff", "check", "dft", "tests")
RUFF_FORMAT = ("-m", "ruff", "format", "--check", "dft", "tests")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_ruff_check_is_clean() -> None:
    result = _run(*RUFF_CHECK)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = _run(*RUFF_FORMAT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contracts_hold() -> None:
    """The layers of the README's "How the code is organised", the CLI's own, and 'Qt only
    in dft.ui' (pyproject.toml)."""
    result = _run(
        "-c",
        "import sys; from importlinter.cli import lint_imports;"
        "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True, no_logo=True))",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_pre_commit_runs_the_same_checks() -> None:
    """.pre-commit-config.yaml: ruff check, ruff format and import-linter as above."""
    entries = [
        line.split("entry:", 1)[1].strip()
        for line in (ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("entry:")
    ]
    assert entries == [
        ".venv/bin/python " + " ".join(RUFF_CHECK),
        ".venv/bin/python " + " ".join(RUFF_FORMAT),
        ".venv/bin/lint-imports --no-cache pyproject.toml",
    ]


def test_nothing_imports_pyplot() -> None:
    """Charts are Figure objects; pyplot's global state has no place in the app.

    import-linter cannot forbid a submodule of an external package, hence this check.
    """
    offenders = []
    for path in (ROOT / "dft").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            if any(name.startswith("matplotlib.pyplot") for name in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_resources_are_found_from_the_source_checkout() -> None:
    assert resources_dir() == ROOT / "resources"
    assert resource_path("icons", "dft-tracker.svg").read_text().startswith("<svg")


@pytest.mark.slow
def test_the_wheel_ships_resources_and_migrations(tmp_path: Path) -> None:
    result = _run("-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    [wheel] = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "dft/_resources/icons/dft-tracker.svg" in names
    assert "dft/_resources/dft-tracker.desktop" in names
    assert "dft/store/migrations/env.py" in names
    assert "dft/store/migrations/script.py.mako" in names
    assert any(n.startswith("dft/store/migrations/versions/0001_") for n in names)

    # Installed from the wheel (no source tree beside it), resources are still found.
    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    probe = (
        "from dft.resources import resource_path;print(resource_path('icons', 'dft-tracker.svg'))"
    )
    found = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(target)!r}); {probe}"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == str(target / "dft" / "_resources" / "icons" / "dft-tracker.svg")


def test_mypy_is_clean() -> None:
    result = _run("-m", "mypy")
    assert result.returncode == 0, result.stdout + result.stderr
