from __future__ import annotations

from pathlib import Path

import pytest

from dft.store.location import (
    default_database_path,
    display_url,
    resolve_database_url,
    sqlite_path,
)


def test_default_is_a_file_in_the_user_data_folder(isolated_user_folders: Path) -> None:
    url = resolve_database_url(None, environ={})
    assert sqlite_path(url) == default_database_path()
    assert default_database_path().is_relative_to(isolated_user_folders)


def test_environment_variable_overrides_the_default(tmp_path: Path) -> None:
    url = resolve_database_url(None, environ={"DFT_DATABASE": str(tmp_path / "env.db")})
    assert sqlite_path(url) == tmp_path / "env.db"


def test_flag_overrides_the_environment(tmp_path: Path) -> None:
    url = resolve_database_url(
        str(tmp_path / "flag.db"), environ={"DFT_DATABASE": str(tmp_path / "env.db")}
    )
    assert sqlite_path(url) == tmp_path / "flag.db"


def test_a_relative_path_is_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert sqlite_path(resolve_database_url("rel.db", environ={})) == tmp_path / "rel.db"


def test_a_url_is_taken_as_is_and_shown_without_its_password() -> None:
    url = resolve_database_url("postgresql+psycopg://sales:s3cret@db.example:5432/dft", environ={})
    assert url.get_backend_name() == "postgresql"
    assert sqlite_path(url) is None
    assert "s3cret" not in display_url(url)
    assert "db.example" in display_url(url)
