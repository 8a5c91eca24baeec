"""The made-up people, places and words of the sample data (see dft/core/demo.py)."""

from __future__ import annotations

SALESPEOPLE = ("Dana Whitfield", "Marcus Bell", "Priya Raman", "Tom Kowalski", "Lena Ortiz")
COMMUNITIES = ("Cedar Ridge", "Willow Creek", "Stonebrook", "Harbor Pointe", "Scattered lots")
FIRST_NAMES = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Carlos",
    "Maria",
    "Wei",
    "Ana",
    "Tyrone",
    "Keisha",
    "Raj",
    "Olga",
    "Sean",
    "Aisha",
    "Luis",
    "Mei",
    "Dmitri",
    "Fatima",
    "Kevin",
    "Nicole",
    "Brian",
    "Emily",
    "Jorge",
    "Hannah",
    "Andre",
    "Grace",
]
LAST_NAMES = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Nguyen",
    "Patel",
    "Kim",
    "Okafor",
    "Schmidt",
    "O'Brien",
    "Novak",
    "Rossi",
    "Haddad",
    "Cohen",
    "Silva",
    "Murphy",
    "Park",
]

STAGES = ("Design & selections", "Permitting", "Financing", "Site work", "Framing", "Finishes")
# What clients say on the follow-up call, by cause: a few ways of saying it, put
# together with openers and closers so the words vary as real ones do.
CLIENT_WORDS: dict[str, tuple[str, ...]] = {
    "Lot not buildable": (
        "The perc test failed twice; septic was never going to be approved.",
        "The soil report said the lot could not take a foundation.",
        "Half the lot turned out to be in the flood zone.",
    ),
    "Title, survey or easement problem": (
        "The survey showed an easement right where the garage had to go.",
        "There was a lien on the title nobody told us about.",
        "The neighbour's driveway easement ran across the building site.",
    ),
    "Zoning or permit denied/delayed": (
        "The county held the permit for four months and our rate lock ran out.",
        "Zoning would not allow a second storey on that lot.",
        "The permit office kept asking for more drawings.",
    ),
    "Land cost or appraisal gap": (
        "The lot appraised way under what we paid; the bank balked.",
        "The land price went up after we signed and it broke the budget.",
    ),
    "Utilities or access": (
        "Bringing power and a road to the lot cost more than the house.",
        "The well driller never hit water and there is no city line.",
    ),
    "Lot purchase fell through": (
        "The seller backed out of the lot sale at the last minute.",
        "Our offer on the land was beaten and we lost the lot.",
    ),
    "Staff too busy / unresponsive": (
        "Our project manager was always too busy to answer a single question.",
        "Nobody had time for us once the contract was signed.",
        "Every question got 'we are swamped right now'.",
    ),
    "Rude or dismissive remark": (
        "The coordinator told us building a house is a pain. We felt like a bother.",
        "The superintendent laughed at our questions.",
        "They talked down to us like we were wasting their time.",
    ),
    "Slow response / long waits": (
        "Every answer took a week. We gave up waiting.",
        "We waited three weeks for a simple price on a change.",
        "It took forever to hear back about anything.",
    ),
    "Poor communication, no updates": (
        "Every date slipped and nobody told us why.",
        "We never knew what was happening with the house.",
        "No updates for a month, then a new schedule out of nowhere.",
    ),
    "Broken promise or missed deadline": (
        "They promised the plans in May; we had them in August.",
        "The start date was promised three times and missed three times.",
    ),
    "Phone tag / voicemail runaround": (
        "It took eight hours of phone tag just to book one appointment.",
        "We left voicemails for a week and nobody called back.",
        "Every call went to voicemail and the mailbox was full.",
    ),
    "Paperwork or selection errors": (
        "They got our selections wrong twice and charged us to fix it.",
        "The contract had the wrong options and the wrong price.",
    ),
    "Loan denied": (
        "The lender pulled the loan after my hours were cut.",
        "The bank turned down the construction loan.",
    ),
    "Low appraisal": (
        "The appraisal came in $40,000 short and we could not cover it.",
        "The house appraised below the contract price.",
    ),
    "Rate or payment change": (
        "Rates went up and the payment was more than we could carry.",
        "When the rate lock expired the monthly payment jumped.",
    ),
    "Job change or relocation": (
        "I got transferred to Denver; nothing the builder could have done.",
        "My husband took a job out of state.",
    ),
    "Family change": (
        "With the divorce, building a house was off the table.",
        "My mother got sick and we had to move in with her.",
    ),
    "Bought elsewhere / changed mind": (
        "We found a resale home we liked and could move in right away.",
        "We decided to stay where we are after all.",
    ),
    "Other": ("It just wasn't the right time for us.", "Things changed for us, that's all."),
}
OPENERS = ("", "", "", "Honestly, ", "To be fair, ", "Well, ", "Look, ", "I'll be frank: ")
CLOSERS = ("", "", "", " That was it for us.", " We just moved on.", " It was the last straw.")
NOTES = (
    "",
    "",
    "Asked for a copy of the cancellation letter.",
    "Wants to hear from us again in the spring.",
    "Spoke with both spouses.",
    "Manager informed.",
)
