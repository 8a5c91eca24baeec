"""Column names: ours, and the ones CRM and spreadsheet exports use for the same thing."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dft.core.errors import ValidationError

# Our own names, in export order. The first block is what `dft import` documents;
# the rest round-trip everything else an export writes.
FIELDS: tuple[str, ...] = (
    "client",
    "contract_number",
    "contract_value",
    "signed_on",
    "fell_through_on",
    "salesperson",
    "lead_source",
    "community",
    "lot",
    "stage",
    "responsible_role",
    "category",
    "cause",
    "cause_status",
    "notes",
    "cancelled_by",
    "deposit",
    "deposit_outcome",
    "recovered_on",
    "resold_on",
    "resale_price",
    "contributing_causes",
    "first_category",
    "first_cause",
)
REQUIRED: tuple[str, ...] = ("client", "contract_value", "fell_through_on")

# Other spellings, compared after normalize_header(). CRM exports (HubSpot,
# Salesforce, Pipedrive, Zoho) name deals, amounts, dates and owners these ways.
ALIASES: dict[str, str] = {
    "deal name": "client",
    "deal": "client",
    "client name": "client",
    "customer": "client",
    "customer name": "client",
    "buyer": "client",
    "buyer name": "client",
    "account name": "client",
    "name": "client",
    "contract": "contract_number",
    "contract no": "contract_number",
    "contract #": "contract_number",
    "contract id": "contract_number",
    "amount": "contract_value",
    "deal amount": "contract_value",
    "deal value": "contract_value",
    "value": "contract_value",
    "contract amount": "contract_value",
    "price": "contract_value",
    "contract price": "contract_value",
    "signed": "signed_on",
    "signed date": "signed_on",
    "contract date": "signed_on",
    "date signed": "signed_on",
    "close date": "fell_through_on",
    "closed date": "fell_through_on",
    "closed lost date": "fell_through_on",
    "lost date": "fell_through_on",
    "cancel date": "fell_through_on",
    "cancellation date": "fell_through_on",
    "cancelled on": "fell_through_on",
    "fell through": "fell_through_on",
    "fell through date": "fell_through_on",
    "owner": "salesperson",
    "deal owner": "salesperson",
    "opportunity owner": "salesperson",
    "sales rep": "salesperson",
    "salesperson name": "salesperson",
    "agent": "salesperson",
    "source": "lead_source",
    "lead source": "lead_source",
    "original source": "lead_source",
    "subdivision": "community",
    "neighborhood": "community",
    "lot number": "lot",
    "lot #": "lot",
    "deal stage": "stage",
    "stage when lost": "stage",
    "responsible": "responsible_role",
    "responsible party": "responsible_role",
    "cause category": "category",
    "reason category": "category",
    "lost reason": "cause",
    "closed lost reason": "cause",
    "loss reason": "cause",
    "reason": "cause",
    "reason lost": "cause",
    "primary cause": "cause",
    "description": "notes",
    "comments": "notes",
    "note": "notes",
    "closed lost reason details": "notes",
}

_SEPARATORS = re.compile(r"[\s_\-]+")


def normalize_header(header: object) -> str:
    """``" Closed_Lost  Reason "`` -> ``"closed lost reason"``: case, spaces and _/- ignored."""
    text = "" if header is None else str(header)
    return _SEPARATORS.sub(" ", text.replace("\ufeff", "")).strip().casefold()


_OWN = {normalize_header(f): f for f in FIELDS}


def field_for(header: object) -> str | None:
    key = normalize_header(header)
    return _OWN.get(key) or ALIASES.get(key)


@dataclass(frozen=True)
class ColumnMap:
    """Which file column (by position) feeds which field, and what the file calls it."""

    positions: dict[str, int]
    headers: tuple[str, ...]

    def header_of(self, field: str) -> str:
        return self.headers[self.positions[field]]

    @property
    def unused(self) -> tuple[str, ...]:
        used = set(self.positions.values())
        return tuple(h for i, h in enumerate(self.headers) if i not in used and h.strip())


def parse_overrides(pairs: list[str]) -> dict[str, str]:
    """``["Their column=field", ...]`` (the --map option) -> {normalized header: field}."""
    overrides: dict[str, str] = {}
    for pair in pairs:
        their, sep, ours = pair.rpartition("=")
        if not sep or not their.strip():
            raise ValidationError("--map", f'write it as "Their column=field": {pair!r}')
        field = ours.strip()
        if field not in FIELDS and field != "":
            raise ValidationError(
                "--map", f"unknown field {field!r}; fields are: {', '.join(FIELDS)}"
            )
        overrides[normalize_header(their)] = field
    return overrides


def match_columns(headers: list[str], overrides: dict[str, str] | None = None) -> ColumnMap:
    """Match a header row to fields: --map first, then our names, then the aliases.

    Two columns for one field, or a missing required field, is an error naming them.
    """
    overrides = overrides or {}
    normalized = [normalize_header(h) for h in headers]
    missing_overrides = [h for h in overrides if h not in normalized]
    if missing_overrides:
        raise ValidationError(
            "--map", f"no column named {missing_overrides[0]!r} in the file's header row"
        )
    positions: dict[str, int] = {}
    for index, key in enumerate(normalized):
        field = overrides[key] if key in overrides else field_for(key)
        if not field:
            continue
        if field in positions:
            first = headers[positions[field]].strip()
            raise ValidationError(
                "header",
                f"columns {first!r} and {headers[index].strip()!r} both mean {field!r}; "
                f'map one of them elsewhere with --map "{headers[index].strip()}="',
            )
        positions[field] = index
    missing = [f for f in REQUIRED if f not in positions]
    if missing:
        raise ValidationError(
            "header",
            f"no column for {', '.join(missing)} (found: {', '.join(h.strip() for h in headers)}); "
            'name it with --map "Their column=field"',
        )
    return ColumnMap(positions, tuple(h.strip() if isinstance(h, str) else str(h) for h in headers))
