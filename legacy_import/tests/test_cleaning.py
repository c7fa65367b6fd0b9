import pytest

from core.choices import QuoteStatus, ReturnMethod, StorageTime
from legacy_import import cleaning as c
from legacy_import.mappers import link_pairs


@pytest.mark.parametrize(("raw", "expected"), [
    ("ann@x.com#mailto:ann@x.com#", ("ann@x.com", "email_mailto")),
    ("a@x.com; b@y.com", ("a@x.com", "email_cleaned")),
    ("a@x.com / b@y.com", ("a@x.com", "email_cleaned")),
    (" Dan@Example.COM ", ("dan@example.com", "email_cleaned")),
    ("n/a", ("", "email_junk")),
    ("ok@x.com", ("ok@x.com", None)),
    (None, ("", None)),
])
def test_email(raw, expected):
    assert c.email(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("2035551234", "(203) 555-1234"), ("2035551234.0", "(203) 555-1234"), ("12035551234", "(203) 555-1234"),
    ("203-555-1234", "(203) 555-1234"), ("203.555.1234", "(203) 555-1234"), ("(203) 555-1234", "(203) 555-1234"),
    ("555-1234", "555-1234"), ("203 555 1234 x12", "203 555 1234 x12"), ("call cell", "call cell"), (None, ""),
])
def test_phone(raw, expected):
    assert c.phone(raw)[0] == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("6443", "06443"), ("6443-1234", "06443-1234"), ("06443", "06443"), ("10001", "10001"), (None, ""),
])
def test_zip(raw, expected):
    assert c.zip_code(raw)[0] == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("1234", (1234, "")), ("R1234", (1234, "")), ("r1234", (1234, "")), ("R 1234", (1234, "")),
    ("44321.0", (44321, "")), ("see notes", (None, "see notes")), ("R?", (None, "R?")), ("", (None, "")),
])
def test_link_target(raw, expected):
    assert c.link_target(raw) == expected


def test_numbers_as_text():
    assert [c.legacy_number(v) for v in ("2041", "2041.0", " 7 ", "A7", "0", None, "")] == [
        2041, 2041, 7, None, None, None, None]


def test_enums_in_both_spellings():
    assert c.work_order_quote("Approved")[0] == QuoteStatus.APPROVED
    assert c.work_order_quote("approved") == (QuoteStatus.NEEDED, "quote_odd_value")
    assert c.repair_order_quote("APPROVED", None)[0] == QuoteStatus.APPROVED
    assert c.repair_order_quote(None, True) == (QuoteStatus.APPROVED, "ro_approved_flag_folded")
    assert [c.return_method(v)[0] for v in ("Re-Hang", "REHANG", "DELIVERY", "Pick-up", "hold", "deliver to boat")] == [
        ReturnMethod.REHANG, ReturnMethod.REHANG, ReturnMethod.DELIVER, ReturnMethod.PICKUP, ReturnMethod.UNKNOWN,
        ReturnMethod.DELIVER]
    assert [c.storage_time(v)[0] for v in ("SEASONAL", "Temp", "Winter", "hold", None)] == [
        StorageTime.SEASONAL, StorageTime.TEMPORARY, StorageTime.SEASONAL, StorageTime.UNKNOWN, StorageTime.UNKNOWN]
    assert [c.material(v)[0] for v in (None, "", "Unknown", "UNKNOWN", "Vinyl")] == ["", "", "", "", "Vinyl"]


def test_money():
    assert [str(c.money(v)[0]) for v in ("$1,250.00", "350", "350.50")] == ["1250.00", "350.00", "350.50"]
    assert [c.money(v)[0] for v in ("TBD", "N/C", "see quote", "", None)] == [None] * 5


def test_link_pairs_prefer_links_named_on_both_sides():
    chosen, conflicts = link_pairs({2001: 1001, 2002: 1001}, {1001: 2002, 1002: 2003})
    assert chosen == {1001: 2002, 1002: 2003}
    assert conflicts == [(1001, 2001)]
