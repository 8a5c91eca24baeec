"""``dft settings``: show the team's settings, or change one by name."""

from __future__ import annotations

import argparse
import textwrap
from typing import TYPE_CHECKING, Any

from dft.cli.common import EXIT_OK, UsageError, in_transaction, print_json, table

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from dft.core.team_settings import TeamSetting


def cmd_settings(args: argparse.Namespace) -> int:
    """No NAME: every setting; NAME: that one; NAME VALUE: change it and say from what."""
    from dft.core.team_settings import TEAM_SETTINGS, find_team_setting, read_team_settings

    if args.value is not None and args.json:
        raise UsageError("--json shows settings; leave it out to change one")
    chosen = [find_team_setting(args.name)] if args.name else list(TEAM_SETTINGS)
    new_value = chosen[0].parse(args.value) if args.value is not None else None

    def work(session: Session) -> int:
        values = read_team_settings(session)
        if args.value is not None:
            return _change(session, chosen[0], values[chosen[0].key], new_value)
        if args.json:
            print_json([_setting_json(s, values[s.key]) for s in chosen])
        else:
            _print_settings(chosen, values)
        return EXIT_OK

    return in_transaction(args, work)


def _change(session: Session, setting: TeamSetting, old: int | None, new: int | None) -> int:
    from dft.core.team_settings import write_team_settings

    write_team_settings(session, {setting.key: new})
    if old == new:
        print(f"{setting.name} is already {setting.format(new)}.")
    else:
        print(f"{setting.name}: {setting.format(new)} (was {setting.format(old)}).")
    return EXIT_OK


def _setting_json(setting: TeamSetting, value: int | None) -> dict[str, Any]:
    from dft.core.team_settings import SettingKind

    stored: int | bool | None = value
    if setting.kind is SettingKind.SWITCH and value is not None:
        stored = bool(value)
    unit = {
        SettingKind.SWITCH: None,
        SettingKind.DAYS: "days",
        SettingKind.MONEY: "cents",
        SettingKind.PERCENT: "basis points",
    }[setting.kind]
    return {"name": setting.name, "value": stored, "unit": unit, "shown": setting.format(value)}


def _print_settings(chosen: list[TeamSetting], values: dict[str, int | None]) -> None:
    rows = [(s.name, s.format(values[s.key]), s.label) for s in chosen]
    print(table(("Setting", "Value", "What it is"), rows, right=set()))
    if len(chosen) == 1:
        print()
        print(textwrap.fill(chosen[0].explanation, 88))
        print(f"Change it with: dft settings {chosen[0].name} VALUE ({chosen[0].hint})")
    else:
        print("\nChange one with: dft settings NAME VALUE (dft settings NAME explains it)")
