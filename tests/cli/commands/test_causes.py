"""dft causes."""

from __future__ import annotations

import json

from tests.cli.running import run_dft


def test_causes_json_lists_the_taxonomy_in_order(db: str) -> None:
    result = run_dft("causes", "--json", "--db", db)
    assert result.returncode == 0, result.stderr
    taxonomy = json.loads(result.stdout)
    assert [c["category"] for c in taxonomy][:2] == ["Land", "Customer service"]
    assert taxonomy[0]["controllable"] is False
    assert taxonomy[1]["controllable"] is True
    assert taxonomy[0]["causes"][0] == {"name": "Lot not buildable", "retired": False}
    text = run_dft("causes", "--db", db).stdout
    assert "Customer service (controllable)" in text
    assert "  - Phone tag / voicemail runaround" in text
