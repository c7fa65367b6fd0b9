"""Pure functions that turn legacy column values into ours.

Each returns the cleaned value and whether it had to change something the shop would recognise
as a quirk, so the report can count quirks and list altered rows.
"""

import re
from decimal import Decimal, InvalidOperation

from core.choices import QuoteStatus, ReturnMethod, ReturnTo, StorageTime

EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
FLOAT_SUFFIX = re.compile(r"^(\d+)\.0+$")
LINK_NUMBER = re.compile(r"^[Rr]?\s*#?\s*(\d+)(?:\.0+)?$")
PLACEHOLDER_SOURCES = frozenset({"customer", "source", "ship to", "pick up"})
# Sail-loft brands the legacy SAIL_ORDER_SOURCES list named; a source whose name starts with
# one of them ships sails.
SAIL_BRANDS = (
    "doyle", "uk sailmakers", "uk ", "ns ", "qs ", "hood", "ullman", "north sails", "quantum", "mack ",
    "evolution", "thurston", "leitch & mcbride",
)


S3_URL = re.compile(r"^(?:s3://[^/]+/|https?://[^/]+\.s3[.-][^/]*amazonaws\.com/|https?://s3[.-][^/]*amazonaws\.com/[^/]+/)(.+)$")


def storage_key(path) -> tuple[str, bool]:
    """The object key of a legacy file path. Some rows hold the object's full S3 URL instead of
    its key; the key is what the storage (the same bucket) finds the object by."""
    raw = (path or "").strip()
    match = S3_URL.match(raw)
    return (match.group(1), True) if match else (raw, False)


def text(value) -> str:
    """Legacy NULL and whitespace both mean "nothing here"."""
    return "" if value is None else " ".join(str(value).split())


def legacy_number(value) -> int | None:
    """Numbers stored as text, possibly as a pandas float (``2041.0``). None when not a number."""
    raw = text(value)
    match = FLOAT_SUFFIX.match(raw)
    if match:
        raw = match.group(1)
    return int(raw) if raw.isdigit() and int(raw) > 0 else None


def tri_state(value) -> bool:
    """Access booleans are tri-state; the legacy app read NULL as False."""
    return bool(value)


def email(value) -> tuple[str, str | None]:
    """The first valid address, without the Access ``#mailto:`` hyperlink tail; '' for junk."""
    raw = (value or "").strip()
    if not raw:
        return "", None
    head = raw.split("#", 1)[0]
    match = EMAIL.search(head) or EMAIL.search(raw)
    if not match:
        return "", "email_junk"
    address = match.group(0).lower()
    if "#mailto:" in raw.lower():
        return address, "email_mailto"
    if address != raw:
        return address, "email_cleaned"
    return address, None


def phone(value) -> tuple[str, str | None]:
    """``(203) 555-1234`` for ten digits (pandas ``.0`` and a leading 1 removed); odd text kept."""
    raw = text(value)
    if not raw:
        return "", None
    quirk = None
    if FLOAT_SUFFIX.match(raw):
        raw, quirk = FLOAT_SUFFIX.match(raw).group(1), "phone_float"
    digits = re.sub(r"\D", "", raw)
    if len(digits) == 11 and digits.startswith("1"):
        digits, quirk = digits[1:], quirk or "phone_leading_1"
    if len(digits) != 10 or re.search(r"[A-Za-z]", raw):
        return raw[:40], quirk or "phone_unrecognised"
    formatted = f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    return formatted, quirk or (None if formatted == raw else "phone_formatted")


def zip_code(value) -> tuple[str, str | None]:
    """Restore the leading zero pandas took from New England ZIPs (``6443`` → ``06443``)."""
    raw = text(value)
    if re.fullmatch(r"\d{4}(-\d{4})?", raw):
        return "0" + raw, "zip_leading_zero"
    return raw[:20], None


def state(value) -> tuple[str, str | None]:
    raw = text(value)
    if len(raw) == 2 and raw != raw.upper():
        return raw.upper(), "state_case"
    return raw[:50], None


def material(value) -> tuple[str, str | None]:
    """NULL, '' and ``Unknown`` all meant "not known"; ours is blank."""
    raw = text(value)
    if value is None or raw.casefold() == "unknown":
        return "", "material_unknown"
    return raw, None


def work_order_quote(value) -> tuple[str, str | None]:
    """Only the exact ``Approved`` queued an order, so ``approved`` in lower case does not here
    either. Other legacy text counts as a pending quote, as the legacy edit form rewrote it."""
    raw = value if value is None else value.strip()
    known = {"Approved": QuoteStatus.APPROVED, "Yes": QuoteStatus.NEEDED, "Done": QuoteStatus.DONE}
    if raw in known:
        return known[raw], None
    if not raw:
        return QuoteStatus.NONE, None
    return QuoteStatus.NEEDED, "quote_odd_value"


def repair_order_quote(value, approved) -> tuple[str, str | None]:
    raw = text(value).upper()
    known = {"YES": QuoteStatus.NEEDED, "DONE": QuoteStatus.DONE, "APPROVED": QuoteStatus.APPROVED}
    if raw in known:
        return known[raw], None
    if approved and not raw:
        # The legacy app deprecated its `approved` flag in favour of quote=APPROVED; an old row
        # with only the flag set was approved all the same.
        return QuoteStatus.APPROVED, "ro_approved_flag_folded"
    if not raw:
        return QuoteStatus.NONE, None
    return QuoteStatus.NEEDED, "quote_odd_value"


def return_method(value) -> tuple[str, str | None]:
    """One enum for the WO spelling (``Re-Hang``), the RO spelling (``REHANG``) and free text."""
    raw = text(value)
    folded = re.sub(r"[^a-z ]", "", raw.casefold())
    canonical = {
        "ship": ReturnMethod.SHIP, "deliver": ReturnMethod.DELIVER, "delivery": ReturnMethod.DELIVER,
        "pickup": ReturnMethod.PICKUP, "rehang": ReturnMethod.REHANG, "unknown": ReturnMethod.UNKNOWN,
        "": ReturnMethod.UNKNOWN,
    }
    squeezed = folded.replace(" ", "")
    if squeezed in canonical:
        return canonical[squeezed], None
    if "ship" in folded or "ups" in folded.split():
        return ReturnMethod.SHIP, "return_method_free_text"
    if "deliver" in folded:
        return ReturnMethod.DELIVER, "return_method_free_text"
    if "pick" in folded or "will call" in folded:
        return ReturnMethod.PICKUP, "return_method_free_text"
    if "hang" in folded:
        return ReturnMethod.REHANG, "return_method_free_text"
    return ReturnMethod.UNKNOWN, "return_method_free_text"


def storage_time(value) -> tuple[str, str | None]:
    raw = text(value)
    folded = raw.casefold()
    if not folded:
        return StorageTime.UNKNOWN, None
    if folded.startswith(("season", "winter")):
        value_ = StorageTime.SEASONAL
    elif folded.startswith("temp"):
        value_ = StorageTime.TEMPORARY
    else:
        return StorageTime.UNKNOWN, "storage_odd_value"
    return value_, None if raw in ("Seasonal", "Temporary", "SEASONAL", "TEMPORARY") else "storage_spelling"


def return_to(value) -> str:
    folded = text(value).casefold()
    return {"source": ReturnTo.SOURCE, "customer": ReturnTo.CUSTOMER, "other": ReturnTo.OTHER}.get(
        folded, ReturnTo.UNKNOWN
    )


def money(value) -> tuple[Decimal | None, str | None]:
    """A price typed as text (``$1,250.00``); ``TBD``, ``N/C`` and notes give None."""
    raw = text(value)
    if not raw:
        return None, None
    cleaned = raw.replace("$", "").replace(",", "").strip()
    try:
        amount = Decimal(cleaned).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None, "price_not_a_number"
    if amount < 0 or amount >= Decimal("100000000"):
        return None, "price_not_a_number"
    return amount, None if cleaned == raw else "price_text"


def link_target(value) -> tuple[int | None, str]:
    """A soft link (``1234``, ``R1234``, ``R 1234``, ``44321.0``) → its number; anything else is
    a note to keep. Returns (number, note)."""
    raw = text(value)
    match = LINK_NUMBER.match(raw)
    if match:
        return int(match.group(1)), ""
    return None, raw


def is_placeholder_source(name: str) -> bool:
    return name.casefold() in PLACEHOLDER_SOURCES


def is_sail_loft(name: str) -> bool:
    folded = name.casefold().rstrip("?")
    return folded.startswith(SAIL_BRANDS) or folded in {brand.strip() for brand in SAIL_BRANDS}
