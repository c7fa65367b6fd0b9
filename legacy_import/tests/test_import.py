"""The import against the project's own quirk-rich legacy database (legacy_fixture)."""

import datetime
from decimal import Decimal

import pytest

from cleaning_queue.models import QueueEntry
from core.choices import QuoteStatus, ReturnMethod, ReturnTo, StorageTime
from customers.models import CatalogItem, Customer, Source
from insights.models import CleaningReminder
from legacy_import.services import run_import
from repairs.models import RepairOrder, RepairOrderFile, RepairOrderItem
from workorders.models import CheckIn, CheckInFile, CheckInItem, WorkOrder, WorkOrderEvent, WorkOrderFile, WorkOrderItem
from workorders.stages import Stage

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # every test reads the PostgreSQL legacy source


def wo(number: int) -> WorkOrder:
    return WorkOrder.objects.get(number=number)


def ro(number: int) -> RepairOrder:
    return RepairOrder.objects.get(number=number)


@pytest.fixture
def report(legacy_db):
    return run_import(dsn=legacy_db)


def test_counts_per_table(report):
    assert Source.objects.count() == 4
    assert Customer.objects.count() == 4  # "A7" is not a number
    assert CatalogItem.objects.count() == 4  # 103 merged into 101, 104 belongs to no customer
    assert WorkOrder.objects.count() == 12  # "abc" is not a number
    assert WorkOrderItem.objects.count() == 5
    assert WorkOrderFile.objects.count() == 2
    assert RepairOrder.objects.count() == 4
    assert RepairOrderItem.objects.count() == 2
    assert RepairOrderFile.objects.count() == 1
    assert (CheckIn.objects.count(), CheckInItem.objects.count(), CheckInFile.objects.count()) == (3, 3, 1)
    assert WorkOrderEvent.objects.filter(kind="created").count() == 12
    stats = report.tables
    assert (stats["tblcustomers"].read, stats["tblcustomers"].created, stats["tblcustomers"].skipped) == (5, 4, 1)
    assert (stats["tblcustawngs"].read, stats["tblcustawngs"].created, stats["tblcustawngs"].skipped) == (6, 4, 2)
    assert stats["tblorddetcustawngs"].skipped == 1
    assert stats["invite_tokens"].skipped == 2  # no model here


def test_reminder_log(report):
    sent, bounced = CleaningReminder.objects.order_by("customer__number")
    assert (sent.customer.number, sent.status, sent.message_id, sent.last_completed_on) == (
        1, "sent", "ses-1", datetime.date(2024, 11, 20))
    assert sent.sent_at == sent.created_at == datetime.datetime(2025, 11, 1, 9, tzinfo=datetime.UTC)
    assert (bounced.status, bounced.error, bounced.sent_at) == ("failed", "bounced", None)


def test_customer_and_source_quirks(report):
    ann = Customer.objects.get(number=1)
    assert ann.email == "ann@x.com"  # Access "#mailto:" hyperlink
    assert (ann.cell_phone, ann.home_phone, ann.work_phone) == ("(203) 555-1234", "(203) 555-0001", "(203) 555-0002")
    assert (ann.zip_code, ann.state) == ("06443", "CT")
    assert (ann.source.name, ann.previous_source) == ("Doyle Milford", "walk in")
    bob = Customer.objects.get(number=2)
    assert (bob.email, bob.zip_code, bob.cell_phone, bob.home_phone) == (
        "bob@x.com", "06437-1234", "", "(203) 555-1111")
    cara = Customer.objects.get(number=3)
    assert (cara.email, cara.cell_phone) == ("", "call cell")  # junk dropped, odd phone kept
    assert Customer.objects.get(number=5).email == "dan@example.com"
    loft = Source.objects.get(name="Doyle Milford")
    assert (loft.email, loft.phone, loft.zip_code, loft.is_sail_loft, loft.is_placeholder) == (
        "loft@doyle.com", "(203) 555-1234", "06460", True, False)
    assert set(Source.objects.filter(is_placeholder=True).values_list("name", flat=True)) == {"Customer", "Pick Up"}
    assert report.quirks[("tblcustomers", "email_mailto")] == 1
    assert report.quirks[("tblcustomers", "zip_leading_zero")] == 1


def test_catalog_and_lines(report):
    awning = CatalogItem.objects.get(legacy_key="101")
    assert (awning.size, awning.quantity, awning.description_key) == ("8'9\"x10'2\"", 2, "awning")
    assert CatalogItem.objects.get(legacy_key="102").quantity == 0  # NULL quantity on the catalog
    assert CatalogItem.objects.get(legacy_key="INV_3FA2B01C").material == ""  # "Unknown"
    assert not CatalogItem.objects.filter(legacy_key__in=["103", "104"]).exists()
    first, second = wo(2001).items.order_by("pk")
    assert (first.catalog_item, first.quantity, first.price, first.size) == (awning, 1, None, "8x10=80'")
    assert first.square_feet == Decimal("80.00")
    assert (second.description, second.quantity, second.catalog_item) == ("AWNING", 2, None)
    sail = wo(2003).items.get()
    assert (sail.catalog_item, sail.material, sail.is_sail, sail.square_feet) == (awning, "", True, None)
    assert wo(2004).items.get().catalog_item is None  # key no longer in the catalog
    assert wo(2005).items.get().catalog_item.legacy_key == "INV_3FA2B01C"
    assert ro(1003).items.get().quantity == 1
    assert report.quirks[("tblorddetcustawngs", "catalog_key_missing")] == 1


def test_stages_quotes_and_enums(report):
    stages = {number: wo(number).stage for number in (2001, 2002, 2003, 2005, 2006, 2007, 2008, 2009, 2013)}
    assert stages == {
        2001: Stage.COMPLETED, 2002: Stage.AWAITING_QUOTE, 2003: Stage.QUEUED, 2005: Stage.QUEUED,
        2006: Stage.IN_PROGRESS, 2007: Stage.CLEANED, 2008: Stage.TREATED, 2009: Stage.PACKAGED,
        2013: Stage.AWAITING_QUOTE,
    }
    assert (wo(2001).completed_on, wo(2001).cleaned_on) == (datetime.date(2024, 5, 1), datetime.date(2024, 4, 20))
    assert wo(2002).quote == QuoteStatus.NEEDED and wo(2002).legacy_data["quote"] == "approved"
    assert wo(2011).quote == QuoteStatus.NEEDED and wo(2011).legacy_data["quote"] == "$150"
    assert (wo(2010).quote, wo(2013).quote) == (QuoteStatus.NONE, QuoteStatus.NONE)
    assert (wo(2003).rush, wo(2003).firm_rush, wo(2004).firm_rush, wo(2002).rush) == (True, False, True, False)
    assert [wo(n).storage_time for n in (2001, 2008, 2011, 2002)] == [
        StorageTime.SEASONAL, StorageTime.SEASONAL, StorageTime.SEASONAL, StorageTime.UNKNOWN]
    assert [wo(n).return_method for n in (2001, 2007, 2009, 2011)] == [
        ReturnMethod.SHIP, ReturnMethod.REHANG, ReturnMethod.PICKUP, ReturnMethod.SHIP]
    assert wo(2003).return_to == ReturnTo.SOURCE
    assert wo(2004).ship_to.is_placeholder and wo(2001).ship_to.name == "Doyle Milford"
    assert wo(2013).date_in == datetime.date(2025, 12, 1)  # legacy datein NULL: the row's creation day
    assert wo(2001).created_at == datetime.datetime(2025, 9, 14, 2, 17, 41, tzinfo=datetime.UTC)  # naive UTC
    assert wo(2001).legacy_data["cleanfirstwo"] == "1999" and wo(2009).repairs_needed


def test_repair_orders(report):
    first = ro(1001)
    assert (first.quote, first.needs_cleaning, first.customer_price, first.rack_number) == (
        QuoteStatus.NEEDED, True, Decimal("1250.00"), "6D")
    assert (first.storage_time, first.return_method, first.sent_out_on) == (
        StorageTime.TEMPORARY, ReturnMethod.DELIVER, datetime.date(2025, 10, 3))
    assert first.legacy_data["quote_by"] == "MK" and first.item_type == "Sail"
    second = ro(1002)
    assert (second.quote, second.customer_price, second.legacy_data["customer_price"]) == (
        QuoteStatus.APPROVED, None, "TBD")  # the deprecated approved flag folds into the quote
    assert (second.storage_time, second.return_method) == (StorageTime.TEMPORARY, ReturnMethod.SHIP)
    assert ro(1003).customer_price == Decimal("350.00")
    assert ro(1004).completed_on == datetime.date(2025, 10, 9)


def test_soft_links_become_links_or_notes(report):
    assert ro(1001).work_order == wo(2001)  # both sides, "2001.0" on the repair side
    assert ro(1002).work_order == wo(2003)  # one side only, "R 1002"
    assert ro(1003).work_order is None and ro(1003).link_note == "can't be cleaned"
    assert ro(1004).work_order is None and "1234" in ro(1004).link_note  # no such work order
    assert wo(2010).repair_note == "see notes"
    assert "1999" in wo(2011).repair_note
    assert wo(2001).repair_note == "" and report.quirks[("tblrepairworkorderdetail", "link_number_float")] == 1


def test_queue_keeps_legacy_order_and_slots_newcomers(report):
    entries = list(QueueEntry.objects.order_by("position").values_list("position", "work_order__number"))
    # Positioned 2004 (firm rush), 2003 (rush), 2006; 2005 has no position: slotted by the queue's rule.
    assert entries == [(1, 2004), (2, 2003), (3, 2005), (4, 2006)]


def test_check_ins(report):
    converted = CheckIn.objects.get(legacy_id=1)
    assert (converted.status, converted.work_order, converted.rush) == ("processed", wo(2003), True)
    picked, typed = converted.items.order_by("pk")
    assert picked.catalog_item.legacy_key == "102" and typed.catalog_item is None
    assert (typed.material, typed.quantity) == ("", 1)
    pending = CheckIn.objects.get(legacy_id=2)
    assert (pending.status, pending.work_order, pending.storage_time) == ("pending", None, StorageTime.TEMPORARY)
    assert pending.items.get().catalog_item is None  # integer key 999 is in no catalog
    assert CheckIn.objects.get(legacy_id=3).status == "processed"
    assert converted.files.get().size_bytes == 2048


def test_files_keep_their_keys(report):
    photo = wo(2001).files.get()
    assert (photo.file.name, photo.thumbnail.name, photo.content_type) == (
        "work_orders/2001/ab12_photo.jpg", "work_orders/2001/thumb_ab12_photo.jpg", "image/jpeg")
    assert photo.uploaded_at == datetime.datetime(2025, 9, 20, 14, 5, tzinfo=datetime.UTC)
    assert ro(1001).files.get().file.name == "uploads/before.png"
    assert wo(2003).files.get().file.name == "work_orders/2003/cd_scan.pdf"  # a full S3 URL in the legacy row


def test_report_and_csv(report, tmp_path):
    text_path, csv_path = report.write(tmp_path)
    text = text_path.read_text()
    assert "tblcustomers" in text and "zip_leading_zero" in text
    rows = csv_path.read_text().splitlines()
    assert rows[0] == "table,legacy_key,action,reason,value"
    assert "tblcustomers,A7,skipped,key_not_usable,A7" in rows
    assert "tblcustawngs,103,skipped,merged_into_same_item,101" in rows
    assert any(row.startswith("tblcustomers,1,altered,email_mailto,") for row in rows)
