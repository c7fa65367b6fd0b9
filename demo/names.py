"""Made-up people, streets, towns and businesses for the demo shop.

A few dozen words are enough for a shop that looks lived in, and drawing them with the caller's
``random.Random`` keeps ``seed_demo --seed`` repeatable without a fake-data library at runtime.
"""

import random

FIRST_NAMES = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
    "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Karen", "Charles", "Sarah",
    "Daniel", "Nancy", "Matthew", "Lisa", "Mark", "Betty", "Steven", "Sandra", "Paul", "Ashley",
    "Andrew", "Donna", "Kenneth", "Carol", "Gary", "Michelle", "Brian", "Emily", "Edward", "Amanda",
)
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Garcia", "Wilson", "Anderson",
    "Taylor", "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris", "Clark", "Lewis",
    "Walker", "Hall", "Allen", "Young", "King", "Wright", "Hill", "Scott", "Green", "Adams",
    "Baker", "Nelson", "Carter", "Mitchell", "Roberts", "Turner", "Phillips", "Campbell", "Parker", "Evans",
)
STREET_NAMES = (
    "Harbor", "Bayview", "Ocean", "Main", "Shore", "Lighthouse", "Marina", "Cedar", "Pine", "Maple",
    "Oak", "Willow", "Sunset", "Dune", "Seaside", "Anchor", "Schooner", "Mill", "Church", "Elm",
)
STREET_KINDS = ("St", "Ave", "Rd", "Ln", "Dr", "Way", "Ct", "Blvd")
# (city, state, zip, area code): waterfront towns, so the phone numbers match the address.
CITIES = (
    ("Annapolis", "MD", "21401", "410"),
    ("Newport", "RI", "02840", "401"),
    ("Mystic", "CT", "06355", "860"),
    ("Marblehead", "MA", "01945", "781"),
    ("Portland", "ME", "04101", "207"),
    ("Beaufort", "SC", "29902", "843"),
    ("St. Petersburg", "FL", "33701", "727"),
    ("Sag Harbor", "NY", "11963", "631"),
    ("Cape May", "NJ", "08204", "609"),
    ("Traverse City", "MI", "49684", "231"),
    ("Sausalito", "CA", "94965", "415"),
    ("Port Townsend", "WA", "98368", "360"),
)
# Two-part business names: "Bayside" + "Canvas & Sail".
BUSINESS_PLACES = (
    "Bayside", "Harborview", "Tidewater", "Northpoint", "Seabreeze", "Blue Water", "Chesapeake",
    "Windward", "Leeward", "Saltmarsh", "Compass Rose", "Cove",
)
BUSINESS_KINDS = (
    "Canvas & Sail", "Marine Canvas", "Yacht Services", "Boatworks", "Marina", "Awning Co.",
    "Sail Repair", "Outfitters",
)


def person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def street_address(rng: random.Random) -> str:
    return f"{rng.randint(1, 9899)} {rng.choice(STREET_NAMES)} {rng.choice(STREET_KINDS)}"


def phone(rng: random.Random, area_code: str) -> str:
    # Exchanges below 200 do not exist in the US plan, so the number looks dialable.
    return f"({area_code}) {rng.randint(200, 999)}-{rng.randint(0, 9999):04d}"


def businesses(rng: random.Random, count: int) -> list[str]:
    """``count`` different business names (numbered once the pairs run out: source names are unique)."""
    pairs = [f"{place} {kind}" for place in BUSINESS_PLACES for kind in BUSINESS_KINDS]
    rng.shuffle(pairs)
    return [pairs[n % len(pairs)] + (f" {n // len(pairs) + 1}" if n >= len(pairs) else "") for n in range(count)]


def email_local_part(*words: str) -> str:
    """``first.last`` without the spaces, dots or apostrophes a name may carry."""
    return ".".join("".join(ch for ch in word.lower() if ch.isalnum()) for word in words)
