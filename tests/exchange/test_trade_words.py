"""Loss reasons in the trade's words suggest the default cause they mean."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from dft.core.default_taxonomy import DEFAULT_TAXONOMY
from dft.core.taxonomy import find_cause, rename_cause, set_cause_retired
from dft.exchange.mapping import MatchReason, Taxonomy, value_key
from dft.exchange.trade_words import TRADE_WORDS, best_trade_match


def test_every_word_list_names_a_default_cause() -> None:
    defaults = {(c.name, cause) for c in DEFAULT_TAXONOMY for cause, _description in c.causes}
    assert set(TRADE_WORDS) <= defaults


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Lot issue", ("Land", "Unspecified")),
        ("Perc test failed", ("Land", "Lot not buildable")),
        ("PERC TEST FAILED", ("Land", "Lot not buildable")),
        ("Lost to competitor", ("Buyer circumstances", "Bought elsewhere / changed mind")),
        ("Buyer relocated for a new job", ("Buyer circumstances", "Job change or relocation")),
        ("PM never returned calls, voicemail every time", ("Customer service",
                                                            "Phone tag / voicemail runaround")),
        # Two causes of one category, one word each: the category's general cause.
        ("Rude and slow", ("Customer service", "")),
    ],
)  # fmt: skip
def test_the_words_point_at_a_cause(value: str, expected: tuple[str, str]) -> None:
    assert best_trade_match(value) == expected


@pytest.mark.parametrize("value", ["", "No reason", "Other", "Weather", "Lot and loan"])
def test_nothing_or_a_tie_across_categories_suggests_nothing(value: str) -> None:
    assert best_trade_match(value) is None


def test_a_trade_word_is_a_suggestion_to_confirm_never_a_sure_match(session: Session) -> None:
    found = Taxonomy(session).suggest(value_key("", "Lot issue"))
    assert found.target is not None
    assert (found.target.label, found.reason) == ("Land › Unspecified", MatchReason.NEAR_MISS)


def test_a_renamed_or_retired_default_cause_gets_no_suggestion(session: Session) -> None:
    rename_cause(session, find_cause(session, "Lot not buildable").id, "Site cannot be built on")
    set_cause_retired(session, find_cause(session, "Bought elsewhere / changed mind").id)
    taxonomy = Taxonomy(session)
    assert taxonomy.suggest(value_key("", "Perc test failed")).target is None
    assert taxonomy.suggest(value_key("", "Lost to competitor")).target is None
