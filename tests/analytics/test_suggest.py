"""Cause suggestion from the client's words: learned from the database's own calls."""

from __future__ import annotations

import random
from datetime import date, datetime

from sqlalchemy.orm import Session

from dft.analytics.suggest import MIN_EXAMPLES, CauseModel, cause_suggester, training_examples
from dft.core.deals import get_deal
from dft.core.demo import generate_demo_data
from dft.core.follow_ups import record_follow_up
from dft.core.taxonomy import find_cause, set_cause_retired
from tests.factories import add_deal

WORDS = {
    "Customer service/Phone tag / voicemail runaround": "nobody ever called back, only voicemail",
    "Land/Lot not buildable": "the perc test failed and septic was refused",
    "Financing/Loan denied": "the bank refused our construction loan",
}


def settle(session: Session, cause: str, words: str, n: int) -> None:
    for i in range(n):
        deal_id = add_deal(session, cause, client_name=f"{cause[:6]} {i}")
        record_follow_up(
            session, deal_id, outcome="reached", done_at=datetime(2026, 10, 20, 10),
            cause_result="confirmed", client_words=f"{words} ({i})",
        )  # fmt: skip


def test_too_few_calls_suggest_nothing(session: Session) -> None:
    settle(session, "Land/Lot not buildable", WORDS["Land/Lot not buildable"], MIN_EXAMPLES - 1)
    assert cause_suggester(session).suggest("the perc test failed") == []


def test_the_words_suggest_their_cause_with_how_sure_and_never_set_it(session: Session) -> None:
    for cause, words in WORDS.items():
        settle(session, cause, words, 8)
    deal_id = add_deal(session, "Financing/Loan denied", client_name="Open Deal")
    suggester = cause_suggester(session)
    [first, *rest] = suggester.suggest("They never called us back, just voicemail after voicemail")
    assert (first.category, first.cause) == ("Customer service", "Phone tag / voicemail runaround")
    assert 0.5 < first.probability <= 1
    assert len(rest) == 2
    assert all(s.probability < first.probability for s in rest)
    assert suggester.suggest("") == []
    assert suggester.suggest("zzz qqq") == []  # nothing the model has seen
    detail = get_deal(session, deal_id)
    assert (detail.cause, detail.input.cause_status) == ("Loan denied", "suspected")


def test_the_model_is_kept_until_calls_change_and_retired_causes_are_not_suggested(
    session: Session,
) -> None:
    for cause, words in WORDS.items():
        settle(session, cause, words, 8)
    first = cause_suggester(session)
    assert cause_suggester(session) is first
    set_cause_retired(session, find_cause(session, "Lot not buildable").id)
    settle(session, "Financing/Loan denied", WORDS["Financing/Loan denied"], 1)
    again = cause_suggester(session)
    assert again is not first
    causes = {s.cause for s in again.suggest("perc test failed, septic refused")}
    assert "Lot not buildable" not in causes


def test_cross_validated_accuracy_on_the_sample_data(session: Session) -> None:
    generate_demo_data(session, deals=1500, seed=11, today=date(2026, 11, 24))
    examples = training_examples(session)
    random.Random(0).shuffle(examples)
    folds, correct = 5, 0
    for fold in range(folds):
        model = CauseModel(e for i, e in enumerate(examples) if i % folds != fold)
        for text, label in examples[fold::folds]:
            probabilities = model.probabilities(text)
            correct += (
                bool(probabilities) and max(probabilities, key=probabilities.__getitem__) == label
            )
    # The README reports 79% on 3,000 sample deals; one word in eight is off-topic there.
    assert correct / len(examples) > 0.7
