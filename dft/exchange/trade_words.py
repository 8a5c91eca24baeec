"""Loss reasons in the trade's own words, pointed at the default causes they mean.

A CRM user writes "Lot issue", "Perc test failed" or "Lost to competitor": no
cause is spelled like that, so a near miss finds nothing, yet any salesperson
knows where each belongs. A word from this list suggests its cause (to be
confirmed, like a near miss). Words are whole words of the value, ignoring
case; the cause with most words wins; a tie inside one category suggests
that category's general cause, a tie across categories suggests nothing. A
team that renamed or retired a default cause simply gets no suggestion from
its words.
"""

from __future__ import annotations

import re

# (category, cause) as in the default taxonomy -> the words that point at it.
TRADE_WORDS: dict[tuple[str, str], frozenset[str]] = {
    ("Land", "Lot not buildable"): frozenset(
        {"soil", "soils", "perc", "percolation", "flood", "floodplain", "wetland", "wetlands",
         "buildable", "unbuildable", "topography", "slope", "rock", "ledge"}
    ),
    ("Land", "Title, survey or easement problem"): frozenset(
        {"title", "survey", "easement", "easements", "lien", "liens", "boundary", "encroachment"}
    ),
    ("Land", "Zoning or permit denied/delayed"): frozenset(
        {"zoning", "permit", "permits", "permitting", "variance", "hoa", "setback", "setbacks"}
    ),
    ("Land", "Utilities or access"): frozenset(
        {"septic", "well", "sewer", "utilities", "utility", "water", "power", "electric",
         "access", "road", "driveway"}
    ),
    ("Land", "Unspecified"): frozenset({"lot", "lots", "land", "site", "acreage", "parcel"}),
    ("Customer service", "Staff too busy / unresponsive"): frozenset(
        {"unresponsive", "busy", "ignored", "ghosted", "neglect", "neglected"}
    ),
    ("Customer service", "Rude or dismissive remark"): frozenset(
        {"rude", "dismissive", "attitude", "disrespectful", "unprofessional", "condescending"}
    ),
    ("Customer service", "Slow response / long waits"): frozenset(
        {"slow", "wait", "waits", "waiting", "waited", "responsiveness"}
    ),
    ("Customer service", "Poor communication, no updates"): frozenset(
        {"communication", "communicate", "communicating", "updates", "informed", "uninformed"}
    ),
    ("Customer service", "Broken promise or missed deadline"): frozenset(
        {"promise", "promises", "promised", "deadline", "deadlines", "missed", "late"}
    ),
    ("Customer service", "Phone tag / voicemail runaround"): frozenset(
        {"voicemail", "voicemails", "callback", "callbacks", "runaround", "tag"}
    ),
    ("Customer service", "Paperwork or selection errors"): frozenset(
        {"paperwork", "selection", "selections", "options", "mistake", "mistakes", "errors"}
    ),
    ("Customer service", "Unspecified"): frozenset(
        {"service", "svc", "cs", "customer", "experience", "support"}
    ),
    ("Financing", "Loan denied"): frozenset(
        {"loan", "denied", "declined", "credit", "mortgage", "underwriting", "qualify",
         "qualified", "preapproval", "approval"}
    ),
    ("Financing", "Low appraisal"): frozenset({"appraisal", "appraised", "appraise"}),
    ("Financing", "Rate or payment change"): frozenset(
        {"rate", "rates", "interest", "payment", "payments", "afford", "affordability"}
    ),
    ("Financing", "Unspecified"): frozenset(
        {"financing", "finance", "financial", "lender", "funding", "bank"}
    ),
    ("Buyer circumstances", "Job change or relocation"): frozenset(
        {"job", "jobs", "relocation", "relocating", "relocated", "transfer", "transferred",
         "moving", "moved", "layoff", "laid"}
    ),
    ("Buyer circumstances", "Family change"): frozenset(
        {"divorce", "divorced", "separation", "family", "illness", "sick", "death", "died",
         "baby", "pregnant", "pregnancy", "health", "medical"}
    ),
    ("Buyer circumstances", "Bought elsewhere / changed mind"): frozenset(
        {"competitor", "competitors", "competition", "elsewhere", "resale", "existing",
         "another", "mind", "feet", "remodel", "renting", "rent"}
    ),
}  # fmt: skip

_WORD = re.compile(r"[a-z]+")


def trade_word_matches(value: str) -> dict[tuple[str, str], int]:
    """How many of ``value``'s words point at each default (category, cause)."""
    words = set(_WORD.findall(value.casefold()))
    found = {target: len(words & cue) for target, cue in TRADE_WORDS.items()}
    return {target: hits for target, hits in found.items() if hits}


def best_trade_match(value: str) -> tuple[str, str] | None:
    """The (category, cause) ``value``'s words point at; ``(category, "")`` for a tie
    inside one category (its general cause); None when nothing or a cross-category tie."""
    found = trade_word_matches(value)
    if not found:
        return None
    most = max(found.values())
    leaders = [target for target, hits in found.items() if hits == most]
    categories = {category for category, _cause in leaders}
    if len(categories) > 1:
        return None
    if len(leaders) > 1:
        return (leaders[0][0], "")
    return leaders[0]
