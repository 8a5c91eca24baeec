"""The team's settings as people name and type them: ``dft settings`` and the window's
Team settings dialog both read them here, so both check a value the same way.

Each setting is stored as an integer (see :mod:`dft.core.settings`); here it has
a name for the command line (``win-back-days``), a label and an explanation for
the dialog, and a kind that says how a value is typed and shown: on/off, days,
money (stored in cents) or a percentage (stored in basis points).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from sqlalchemy.orm import Session

from dft.core import settings
from dft.core.errors import ValidationError
from dft.core.money import format_cents, parse_money

# What the command line takes for "not entered" (the optional settings only).
NOT_ENTERED_WORDS = frozenset({"none", "-", ""})
_YES = frozenset({"on", "yes", "true", "1"})
_NO = frozenset({"off", "no", "false", "0"})


class SettingKind(StrEnum):
    SWITCH = "on/off"
    DAYS = "days"
    MONEY = "money"  # stored in cents
    PERCENT = "percent"  # stored in basis points: 2000 = 20.00%


@dataclass(frozen=True)
class TeamSetting:
    """One setting: its key in the database and how people see it."""

    key: str
    name: str  # on the command line
    label: str  # in the dialog
    kind: SettingKind
    explanation: str

    @property
    def optional(self) -> bool:
        """Whether the setting may be "not entered" (then nothing is guessed for it)."""
        return self.key in settings.OPTIONAL

    @property
    def limits(self) -> tuple[int, int]:
        """The stored values it accepts (what :func:`settings.set_int` checks)."""
        return settings.LIMITS.get(self.key, (0, 365))

    def parse(self, text: str) -> int | None:
        """The stored value for ``text`` as a person types it; a ValidationError names
        the setting and says what it takes."""
        typed = text.strip()
        if typed.casefold() in NOT_ENTERED_WORDS:
            if self.optional:
                return None
            raise ValidationError(self.name, f"a value is required ({self.hint})")
        if self.kind is SettingKind.SWITCH:
            word = typed.casefold()
            if word in _YES or word in _NO:
                return 1 if word in _YES else 0
            raise ValidationError(self.name, f"use on or off, not {typed!r}")
        if self.kind is SettingKind.DAYS:
            if not (typed.isascii() and typed.isdecimal()):
                raise ValidationError(self.name, f"a whole number of days, not {typed!r}")
            return self.check(int(typed))
        if self.kind is SettingKind.MONEY:
            return self.check(parse_money(typed, field=self.name))
        return self.check(_basis_points(self.name, typed))

    def check(self, value: int) -> int:
        """``value`` if the setting accepts it, else a ValidationError in the user's units."""
        low, high = self.limits
        if not low <= value <= high:
            raise ValidationError(
                self.name, f"must be from {self.format(low)} to {self.format(high)}"
            )
        return value

    def format(self, value: int | None) -> str:
        """How a stored value reads: ``on``, ``90 days``, ``$45.00``, ``20%``, ``not entered``."""
        if value is None:
            return "not entered"
        if self.kind is SettingKind.SWITCH:
            return "on" if value else "off"
        if self.kind is SettingKind.DAYS:
            return f"{value} day" if value == 1 else f"{value} days"
        if self.kind is SettingKind.MONEY:
            return format_cents(value)
        return f"{Decimal(value) / 100:g}%"

    @property
    def hint(self) -> str:
        """What a value looks like, for messages and help."""
        return {
            SettingKind.SWITCH: "on or off",
            SettingKind.DAYS: "a number of days",
            SettingKind.MONEY: "an amount such as $45.00",
            SettingKind.PERCENT: "a percentage such as 20%",
        }[self.kind] + (", or none" if self.optional else "")


def _basis_points(name: str, typed: str) -> int:
    number = typed.removesuffix("%").strip()
    try:
        percent = Decimal(number)
    except InvalidOperation:
        raise ValidationError(name, f"a percentage such as 20%, not {typed!r}") from None
    if not percent.is_finite():
        raise ValidationError(name, f"a percentage such as 20%, not {typed!r}")
    points = percent * 100
    if points != points.to_integral_value():
        raise ValidationError(name, f"at most two decimals, not {typed!r}")
    return int(points)


TEAM_SETTINGS: tuple[TeamSetting, ...] = (
    TeamSetting(
        settings.CAUSE_REQUIRED,
        "cause-required",
        "A cause is required",
        SettingKind.SWITCH,
        'Every deal names a cause, "Unknown — pending call" when it is not known yet.',
    ),
    TeamSetting(
        settings.HISTORY_WITHOUT_CALLS_AFTER_DAYS,
        "history-without-calls-after-days",
        "Imported history gets no calls after",
        SettingKind.DAYS,
        "Imported deals that fell through longer ago than this get no follow-up call.",
    ),
    TeamSetting(
        settings.WIN_BACK_CALLS,
        "win-back-calls",
        "Schedule win-back calls",
        SettingKind.SWITCH,
        "A deal lost to a controllable cause gets a call to win the buyer back.",
    ),
    TeamSetting(
        settings.WIN_BACK_DAYS,
        "win-back-days",
        "Win-back call after",
        SettingKind.DAYS,
        "How long after the deal fell through the win-back call is due.",
    ),
    TeamSetting(
        settings.CALLS_BY_SOMEONE_ELSE,
        "calls-by-someone-else",
        "Follow-up calls are made by someone else",
        SettingKind.SWITCH,
        "Someone other than the deal's salesperson makes the follow-up call: buyers speak "
        "more freely to someone who did not sell to them. Calls that break the rule are "
        "flagged and another caller is suggested.",
    ),
    TeamSetting(
        settings.CARRYING_COST_CENTS_PER_DAY,
        "carrying-cost-per-day",
        "Daily carrying cost of an unsold home",
        SettingKind.MONEY,
        "Taxes, interest and upkeep per day until a home or lot is re-sold; the insights "
        "multiply it by the days to re-sell.",
    ),
    TeamSetting(
        settings.CANCELLATION_BENCHMARK_BASIS_POINTS,
        "cancellation-benchmark",
        "Cancellation rate benchmark",
        SettingKind.PERCENT,
        "The rate to compare the team's cancellations ÷ contracts signed with; public "
        "builders report roughly 10–35%.",
    ),
)


def find_team_setting(name: str) -> TeamSetting:
    """The setting named ``name`` (``win-back-days``; ``win_back_days`` and any case too)."""
    wanted = name.strip().casefold().replace("_", "-")
    for setting in TEAM_SETTINGS:
        if wanted in (setting.name, setting.key.replace("_", "-")):
            return setting
    names = ", ".join(s.name for s in TEAM_SETTINGS)
    raise ValidationError("NAME", f"no setting {name!r}; the settings are {names}")


def read_team_settings(session: Session) -> dict[str, int | None]:
    """Every team setting's stored value by key (None: an optional one not entered)."""
    return {s.key: settings.get_optional_int(session, s.key) for s in TEAM_SETTINGS}


def write_team_settings(session: Session, values: dict[str, int | None]) -> None:
    """Store the given settings (each checked, a refusal naming it); all or none, as the
    caller's transaction."""
    known = {s.key: s for s in TEAM_SETTINGS}
    for key, value in values.items():
        setting = known.get(key)
        if setting is None:
            raise ValidationError(key, "not a team setting")
        if value is None and not setting.optional:
            raise ValidationError(setting.name, f"a value is required ({setting.hint})")
        settings.set_int(session, key, None if value is None else setting.check(value))
