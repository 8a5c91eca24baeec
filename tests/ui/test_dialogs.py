"""Manage causes and the month summary, driven through their widgets."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidgetItem
from sqlalchemy import func, select

from dft.core.models import Cause, Deal
from dft.ui import ask
from dft.ui.context import AppContext
from dft.ui.dialogs.taxonomy_dialog import TaxonomyDialog


def find_item(dialog: TaxonomyDialog, name: str) -> QTreeWidgetItem:
    [item] = dialog.tree.findItems(name, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
    return item


@pytest.fixture
def taxonomy(qtbot: Any, context: AppContext) -> TaxonomyDialog:
    dialog = TaxonomyDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def cause_row(context: AppContext, name: str) -> Cause:
    return context.read(lambda s: s.scalar(select(Cause).where(Cause.name == name)))


def test_retire_a_cause_in_use_and_bring_it_back(qtbot: Any, taxonomy: TaxonomyDialog) -> None:
    taxonomy.tree.setCurrentItem(find_item(taxonomy, "Loan denied"))
    assert not taxonomy.buttons["delete"].isEnabled()  # in use: never deleted
    qtbot.mouseClick(taxonomy.buttons["retire"], Qt.MouseButton.LeftButton)
    assert cause_row(taxonomy._context, "Loan denied").retired
    assert find_item(taxonomy, "Loan denied").text(3) == "Retired"
    assert taxonomy.buttons["retire"].text() == "Bring back"
    qtbot.mouseClick(taxonomy.buttons["retire"], Qt.MouseButton.LeftButton)
    assert not cause_row(taxonomy._context, "Loan denied").retired


def test_add_rename_and_delete_an_unused_cause(
    qtbot: Any, taxonomy: TaxonomyDialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter(["Well water failed test", "Well water test failed"])
    monkeypatch.setattr(ask, "ask_text", lambda *a, **k: next(answers))
    taxonomy.tree.setCurrentItem(find_item(taxonomy, "Land"))
    qtbot.mouseClick(taxonomy.buttons["add_cause"], Qt.MouseButton.LeftButton)
    assert taxonomy.tree.currentItem().text(0) == "Well water failed test"
    qtbot.mouseClick(taxonomy.buttons["rename"], Qt.MouseButton.LeftButton)
    assert cause_row(taxonomy._context, "Well water test failed") is not None
    assert taxonomy.buttons["delete"].isEnabled()
    qtbot.mouseClick(taxonomy.buttons["delete"], Qt.MouseButton.LeftButton)
    assert cause_row(taxonomy._context, "Well water test failed") is None


def test_merge_moves_the_deals(
    qtbot: Any, taxonomy: TaxonomyDialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    context = taxonomy._context
    source = cause_row(context, "Slow response / long waits")
    target = cause_row(context, "Staff too busy / unresponsive")

    def deals_of(cause_id: int) -> int:
        return context.read(
            lambda s: s.scalar(
                select(func.count()).select_from(Deal).where(Deal.cause_id == cause_id)
            )
        )

    moving, staying = deals_of(source.id), deals_of(target.id)
    assert moving
    monkeypatch.setattr(
        ask, "ask_choice", lambda *a, **k: "Customer service › Staff too busy / unresponsive"
    )
    taxonomy.tree.setCurrentItem(find_item(taxonomy, source.name))
    qtbot.mouseClick(taxonomy.buttons["merge"], Qt.MouseButton.LeftButton)
    assert deals_of(source.id) == 0
    assert deals_of(target.id) == moving + staying
    assert cause_row(context, source.name).retired


def test_reorder_and_controllable(qtbot: Any, taxonomy: TaxonomyDialog) -> None:
    taxonomy.tree.setCurrentItem(find_item(taxonomy, "Financing"))
    qtbot.mouseClick(taxonomy.buttons["up"], Qt.MouseButton.LeftButton)
    top = [taxonomy.tree.topLevelItem(i).text(0) for i in range(3)]  # type: ignore[union-attr]
    assert top == ["Land", "Financing", "Customer service"]
    qtbot.mouseClick(taxonomy.buttons["controllable"], Qt.MouseButton.LeftButton)
    assert find_item(taxonomy, "Financing").text(1) == "Yes"


def test_contracts_signed_are_entered_per_month_and_salesperson(
    qtbot: Any, context: AppContext
) -> None:
    from datetime import date

    from dft.core.signed_contracts import signed_contracts
    from dft.ui.dialogs.signed_contracts_dialog import SignedContractsDialog

    dialog = SignedContractsDialog(context)
    qtbot.addWidget(dialog)
    october = date(2026, 10, 1)
    dialog.set_cell(october, 0, "40")
    dialog.set_cell(october, 1, "9")
    dialog.save()
    entries = context.read(lambda s: signed_contracts(s, october, october))
    assert sorted((e.salesperson or "", e.contracts) for e in entries) == [
        ("", 40),
        (dialog.people[0].name, 9),
    ]
    again = SignedContractsDialog(context)
    qtbot.addWidget(again)
    again.set_cell(october, 0, "forty")
    with pytest.raises(ValueError, match="not a whole number"):
        again.values()


def test_manage_names_add_rename_retire_merge_and_referral(
    qtbot: Any, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dft.core.lists import list_entries
    from dft.core.models import LeadSource, Salesperson
    from dft.ui.dialogs.lists_dialog import ListPage, ListsDialog

    dialog = ListsDialog(context)
    qtbot.addWidget(dialog)
    page = dialog.pages[Salesperson]

    def names(model: type = Salesperson) -> dict[str, bool]:
        return {e.name: e.retired for e in context.read(
            lambda s: list_entries(s, model, include_retired=True))}  # fmt: skip

    def pick(page: ListPage, name: str) -> None:
        for row in range(page.list.count()):
            if page.list.item(row).data(Qt.ItemDataRole.UserRole)[1] == name:
                page.list.setCurrentRow(row)
                return
        raise AssertionError(name)

    answers = iter(["Dana Whitfeld", "Dana Whitfield-Smith"])
    monkeypatch.setattr(ask, "ask_text", lambda *a, **k: next(answers))
    qtbot.mouseClick(page.buttons["add"], Qt.MouseButton.LeftButton)
    assert "Dana Whitfeld" in names()
    pick(page, "Dana Whitfeld")
    qtbot.mouseClick(page.buttons["rename"], Qt.MouseButton.LeftButton)
    assert "Dana Whitfield-Smith" in names()
    pick(page, "Dana Whitfield-Smith")
    qtbot.mouseClick(page.buttons["retire"], Qt.MouseButton.LeftButton)
    assert names()["Dana Whitfield-Smith"] is True
    monkeypatch.setattr(ask, "ask_choice", lambda *a, **k: "Dana Whitfield")
    pick(page, "Dana Whitfield-Smith")
    qtbot.mouseClick(page.buttons["merge"], Qt.MouseButton.LeftButton)
    assert "Dana Whitfield-Smith" not in names()

    sources = dialog.pages[LeadSource]
    pick(sources, "Web")
    sources.referral.click()
    assert context.read(
        lambda s: s.scalar(select(LeadSource.is_referral).where(LeadSource.name == "Web"))
    )
