"""The tests' own PostgreSQL helper: without server binaries it says what to install."""

from __future__ import annotations

import pytest

from tests import postgres_server


def test_without_server_binaries_the_reason_names_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(postgres_server, "find_bindir", lambda: None)
    with pytest.raises(postgres_server.ServerUnavailable) as caught:
        postgres_server.start_server()
    assert "'postgresql' package" in str(caught.value)
    assert "DFT_TEST_PG_BINDIR" in str(caught.value)
