"""Column names: ours, their labels in words, and what CRM and spreadsheet exports call them.

Headers are compared after normalize_header(). CRM exports name one thing in
several columns (Salesforce: "Account Name" and "Opportunity Name"; Zoho:
"Contact Name", "Account Name" and "Deal Name"), so an alias has a rank: the
best-ranked column takes the field and the others stay unused. Columns a
CRM adds for its own bookkeeping are never matched: Dynamics 365's hidden
"(Do Not Modify) …" columns, Zoho's "<lookup>.id" columns (zcrm_ ids).
Pipedrive's "Deal - …", "Person - …" headers and Dynamics' related-record
columns ("Email (Contact) (Contact)") are understood.
"""

from __future__ import annotations

import hashlib
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
# How to reach the client and the deal in the CRM: imported and exported.
CONTACT_FIELDS: tuple[str, ...] = ("client_phone", "client_email", "crm_link")
IMPORT_FIELDS: tuple[str, ...] = FIELDS + CONTACT_FIELDS
REQUIRED: tuple[str, ...] = ("client", "contract_value", "fell_through_on")

# What a salesperson calls each field; every message and the dialog use these.
LABELS: dict[str, str] = {
    "client": "Client",
    "contract_number": "Contract number",
    "contract_value": "Contract value",
    "signed_on": "Signed on",
    "fell_through_on": "Fell through on",
    "salesperson": "Salesperson",
    "lead_source": "Lead source",
    "community": "Community",
    "lot": "Lot",
    "stage": "Stage when lost",
    "responsible_role": "Responsible role",
    "category": "Category",
    "cause": "Cause",
    "cause_status": "Cause status",
    "notes": "Notes",
    "cancelled_by": "Cancelled by",
    "deposit": "Deposit",
    "deposit_outcome": "Deposit outcome",
    "recovered_on": "Re-signed on",
    "resold_on": "Home re-sold on",
    "resale_price": "Re-sale price",
    "contributing_causes": "Contributing causes",
    "first_category": "First category",
    "first_cause": "First cause",
    "client_phone": "Client phone",
    "client_email": "Client e-mail",
    "crm_link": "Link in the CRM",
}


def label(field: str) -> str:
    """The field in a salesperson's words ("Fell through on"), or the name itself if unknown."""
    return LABELS.get(field, field)


# Other spellings, normalized, with a rank (0 best). Sources: the five CRMs'
# export headers (Salesforce reports, HubSpot, Pipedrive, Dynamics 365, Zoho)
# and what builders name their custom fields.
_ALIAS_GROUPS: dict[tuple[str, int], tuple[str, ...]] = {
    ("client", 0): (
        "client name", "customer", "customer name", "buyer", "buyer name", "homebuyer",
        "purchaser", "contact name", "contact", "associated contact", "potential customer",
        "contact person", "person name",
    ),
    ("client", 1): ("account name", "account"),
    ("client", 2): ("opportunity name", "deal name", "deal", "topic", "name"),
    ("client", 3): ("deal title", "organization", "organization name"),
    ("contract_number", 0): (
        "contract", "contract no", "contract no.", "contract #", "contract id",
        "agreement number", "purchase agreement #", "pa number", "job number", "job #",
    ),
    ("contract_value", 0): (
        "amount", "deal amount", "deal value", "value", "contract amount", "contract price",
        "price", "sales price", "base price", "est. revenue", "estimated revenue", "total amount",
    ),
    ("contract_value", 1): ("actual revenue", "amount in company currency"),
    ("signed_on", 0): (
        "signed", "signed date", "contract date", "date signed", "contract signed date",
        "contract signed", "contract signed on", "agreement date", "ratified date",
        "date of contract",
    ),
    ("fell_through_on", 0): (
        "close date", "closed date", "actual close date", "closing date", "lost time",
        "closed on", "close time", "closed lost date", "lost date", "date lost", "cancel date",
        "cancellation date", "cancelled on", "cancelled at", "date cancelled", "fell through",
        "fell through date", "closedate", "actualclosedate",
    ),
    ("salesperson", 0): (
        "owner", "deal owner", "opportunity owner", "sales rep", "salesperson name",
        "sales person", "sales consultant", "new home consultant", "agent", "assigned to",
        "owner name",
    ),
    ("salesperson", 1): ("account owner",),
    ("lead_source", 0): (
        "source", "original source", "original traffic source", "original source type",
        "source channel", "source origin", "how did you hear about us", "referral source",
        "leadsource",
    ),
    ("lead_source", 1): ("source campaign", "campaign source"),
    ("community", 0): (
        "subdivision", "neighborhood", "neighbourhood", "development", "community name",
    ),
    ("lot", 0): ("lot #", "lot number", "lot no", "homesite", "home site"),
    ("stage", 0): ("deal stage", "stage when lost", "pipeline phase", "sales stage", "stagename"),
    ("responsible_role", 0): (
        "responsible", "responsible party", "responsible department", "at fault",
    ),
    ("category", 0): ("cause category", "reason category", "loss category"),
    ("cause", 0): (
        "lost reason", "closed lost reason", "loss reason", "reason", "reason lost",
        "primary cause", "primary closed lost reason", "reason for loss", "cancel reason",
        "cancellation reason", "why lost", "lost because",
    ),
    ("cause", 1): ("status reason",),
    ("notes", 0): (
        "description", "deal description", "comments", "note", "details",
        "closed lost reason details",
    ),
    ("client_phone", 0): (
        "phone", "phone number", "mobile", "mobile phone", "mobile phone number", "cell",
        "cell phone", "contact phone", "buyer phone", "person phone", "person phone mobile",
        "telephone", "address 1: phone",
    ),
    ("client_phone", 1): (
        "business phone", "home phone", "person phone work", "person phone home",
    ),
    ("client_email", 0): (
        "email", "e mail", "email address", "e mail address", "contact email", "buyer email",
        "primary email", "person email",
    ),
    ("client_email", 1): ("person email work", "person email home"),
    ("crm_link", 0): ("crm link", "record url", "opportunity url", "deal url", "link", "url"),
}  # fmt: skip

ALIASES: dict[str, tuple[str, int]] = {
    alias: (field, rank) for (field, rank), aliases in _ALIAS_GROUPS.items() for alias in aliases
}

_SEPARATORS = re.compile(r"[\s_\-–—]+")
_PIPEDRIVE_DEAL = re.compile(r"^deal\s*[-–—]\s*", re.IGNORECASE)
_DYNAMICS_HIDDEN = re.compile(r"^\(do not modify\)", re.IGNORECASE)
_ZOHO_ID = re.compile(r"\.id$", re.IGNORECASE)
_DYNAMICS_RELATED = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*\(([^()]*)\)$")
_SALESFORCE_CUSTOM = re.compile(r"__c$", re.IGNORECASE)


def normalize_header(header: object) -> str:
    """``" Closed_Lost  Reason *"`` -> ``"closed lost reason"``: case, spaces, _/- and * ignored."""
    text = "" if header is None else str(header)
    text = text.replace("\ufeff", "").strip().removesuffix("*")
    return _SEPARATORS.sub(" ", text).strip().casefold()


def is_bookkeeping(header: object) -> bool:
    """A column a CRM adds for itself (Dynamics' hidden re-import columns), never listed."""
    return bool(_DYNAMICS_HIDDEN.match(str(header or "").strip()))


_OWN = {normalize_header(f): f for f in IMPORT_FIELDS} | {
    normalize_header(text): f for f, text in LABELS.items()
}


def _ranked(key: str) -> tuple[str, int] | None:
    if key in _OWN:
        return _OWN[key], 0
    return ALIASES.get(key)


def ranked_field_for(header: object) -> tuple[str, int] | None:
    """The field a header names and how sure (0 best), or None."""
    raw = "" if header is None else str(header).replace("\ufeff", "").strip()
    if not raw or is_bookkeeping(raw) or _ZOHO_ID.search(raw):
        return None
    related = _DYNAMICS_RELATED.match(raw)
    if related:
        # "<field> (<lookup>) (<table>)": the client's phone or e-mail from the
        # contact or account record; anything else describes another record.
        base, _lookup, table = (normalize_header(part) for part in related.groups())
        match = _ranked(base)
        if table in {"contact", "account"} and match and match[0] in CONTACT_FIELDS:
            return match
        if table == "lead" and match and match[0] == "lead_source":
            return match
        return None
    raw = _SALESFORCE_CUSTOM.sub("", raw)
    pipedrive = _PIPEDRIVE_DEAL.match(raw)
    key = normalize_header(raw)
    found = _ranked(key)
    if found is None and pipedrive:
        found = _ranked(normalize_header(raw[pipedrive.end() :]))
    return found


def field_for(header: object) -> str | None:
    """Our field for a file's column header (own names and known aliases), or None."""
    found = ranked_field_for(header)
    return found[0] if found else None


def header_signature(headers: list[str] | tuple[str, ...]) -> str:
    """The same export (whatever its column order) has the same signature."""
    names = sorted({normalize_header(h) for h in headers if str(h or "").strip()})
    return hashlib.sha256("\n".join(names).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ColumnMap:
    """Which file column (by position) feeds which field, and what the file calls it."""

    positions: dict[str, int]
    headers: tuple[str, ...]

    def header_of(self, field: str) -> str:
        """The file's header of the column feeding ``field``."""
        return self.headers[self.positions[field]]

    def describe(self, field: str) -> str:
        """The field in words, with the file's own header when it says something else."""
        words = label(field)
        if field not in self.positions:
            return words
        header = self.header_of(field)
        same = normalize_header(header) in {normalize_header(words), normalize_header(field)}
        return words if same else f'{words} ("{header}")'

    @property
    def unused(self) -> tuple[str, ...]:
        """The file's columns that feed no field."""
        used = set(self.positions.values())
        return tuple(
            h
            for i, h in enumerate(self.headers)
            if i not in used and h.strip() and not is_bookkeeping(h)
        )

    def as_overrides(self) -> dict[str, str]:
        """Every column's field ("" for unused): what a remembered mapping keeps."""
        fields = {index: field for field, index in self.positions.items()}
        return {normalize_header(h): fields.get(i, "") for i, h in enumerate(self.headers)}


def parse_overrides(pairs: list[str]) -> dict[str, str]:
    """``["Their column=field", ...]`` -> {normalized header: field}."""
    overrides: dict[str, str] = {}
    for pair in pairs:
        their, sep, ours = pair.rpartition("=")
        if not sep or not their.strip():
            raise ValidationError("--map", f'write it as "Their column=field": {pair!r}')
        field = ours.strip()
        if field not in IMPORT_FIELDS and field != "":
            raise ValidationError(
                "--map", f"unknown field {field!r}; fields are: {', '.join(IMPORT_FIELDS)}"
            )
        overrides[normalize_header(their)] = field
    return overrides


def best_columns(headers: list[str], overrides: dict[str, str] | None = None) -> dict[str, int]:
    """Each field and the position of the column that feeds it: the given choices first,
    then our names, then the aliases (the better-ranked of two look-alike columns wins).

    Two columns chosen for one field is an error naming them; a missing required
    field is not (see match_columns).
    """
    overrides = overrides or {}
    normalized = [normalize_header(h) for h in headers]
    missing_overrides = [h for h in overrides if h and h not in normalized]
    if missing_overrides:
        raise ValidationError(
            "header", f"no column named {missing_overrides[0]!r} in the file's header row"
        )
    names = _names(headers)
    chosen: dict[str, tuple[int, int]] = {}  # field -> (rank, position); rank -1: chosen
    for index, key in enumerate(normalized):
        if key in overrides:
            if not overrides[key]:
                continue
            field, rank = overrides[key], -1
        else:
            found = ranked_field_for(headers[index])
            if found is None:
                continue
            field, rank = found
        if field in chosen:
            earlier_rank, earlier = chosen[field]
            if rank == -1 and earlier_rank == -1:
                raise ValidationError(
                    "header",
                    f"the columns {names[earlier]!r} and {names[index]!r} both mean "
                    f"{label(field)!r}; keep one",
                )
            if rank >= earlier_rank:
                continue
        chosen[field] = (rank, index)
    return {field: index for field, (_rank, index) in chosen.items()}


def _names(headers: list[str]) -> tuple[str, ...]:
    return tuple(h.strip() if isinstance(h, str) else str(h) for h in headers)


def match_columns(headers: list[str], overrides: dict[str, str] | None = None) -> ColumnMap:
    """Match a header row to fields (see best_columns); a missing required field is an error."""
    positions = best_columns(headers, overrides)
    names = _names(headers)
    missing = [f for f in REQUIRED if f not in positions]
    if missing:
        found_headers = ", ".join(h for h in names if h and not is_bookkeeping(h))
        raise ValidationError(
            "header",
            f"no column for {', '.join(label(f) for f in missing)} (found: {found_headers})",
        )
    return ColumnMap(positions, names)
