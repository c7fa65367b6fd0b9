"""Legacy row → the field values of our model, one function per table.

A mapper returns a dict of attnames, calls ``note(reason, value)`` for every quirk it fixes and
raises ``Skip`` for a row that cannot be imported.
"""

import datetime
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from core.choices import QuoteStatus
from core.items import normalise_item_text
from customers.services import description_key
from workorders.stages import Stage

from . import cleaning as c

Note = Callable[[str, object], None]


class Skip(Exception):
    def __init__(self, reason: str, value=""):
        super().__init__(reason)
        self.reason, self.value = reason, value


@dataclass
class Lookups:
    """Legacy keys → our primary keys, filled table by table."""

    source: dict[str, int] = field(default_factory=dict)
    customer: dict[int, int] = field(default_factory=dict)
    catalog: dict[str, int] = field(default_factory=dict)
    work_order: dict[int, int] = field(default_factory=dict)
    repair_order: dict[int, int] = field(default_factory=dict)
    check_in: dict[int, int] = field(default_factory=dict)
    legacy_work_orders: set[int] = field(default_factory=set)
    legacy_repair_orders: set[int] = field(default_factory=set)


def aware(value: datetime.datetime | None) -> datetime.datetime | None:
    """Legacy timestamps are naive UTC: the Flask app wrote ``utcnow()`` and the database's own
    ``now()`` defaults ran on a UTC server. (Dates such as ``datein`` are local days, kept as is.)"""
    return None if value is None else value.replace(tzinfo=datetime.UTC)


def day(value) -> datetime.date | None:
    return value.date() if isinstance(value, datetime.datetime) else value


def customer_pk(row: dict, lookups: Lookups) -> int:
    number = c.legacy_number(row["custid"])
    if number is None or number not in lookups.customer:
        raise Skip("customer_missing", row["custid"])
    return lookups.customer[number]


# --- sources, customers, catalog -------------------------------------------------------------


def source(row: dict, note: Note) -> dict:
    name = c.text(row["ssource"])
    email, quirk = c.email(row["sourceemail"])
    if quirk:
        note(quirk, row["sourceemail"])
    values = {"name": name, "address": c.text(row["sourceaddress"]), "city": c.text(row["sourcecity"])}
    values["state"] = _fixed(c.state, row["sourcestate"], note)
    values["zip_code"] = _fixed(c.zip_code, row["sourcezip"], note)
    values["phone"] = _fixed(c.phone, row["sourcephone"], note)
    values["fax"] = _fixed(c.phone, row["sourcefax"], note)
    values["email"] = email
    values["is_placeholder"] = c.is_placeholder_source(name)
    values["is_sail_loft"] = not values["is_placeholder"] and c.is_sail_loft(name)
    if values["is_placeholder"]:
        note("placeholder_source", name)
    return values


def customer(row: dict, lookups: Lookups, note: Note) -> dict:
    values = {name: c.text(row[legacy]) for name, legacy in (
        ("name", "name"), ("contact", "contact"), ("address", "address"), ("address2", "address2"),
        ("city", "city"), ("mail_address", "mailaddress"), ("mail_city", "mailcity"),
        ("previous_source", "sourceold"),
    )}
    if not values["name"]:
        values["name"] = values["contact"] or f"Customer {row['custid']}"
        note("name_missing", row["name"])
    values["state"] = _fixed(c.state, row["state"], note)
    values["mail_state"] = _fixed(c.state, row["mailstate"], note)
    values["zip_code"] = _fixed(c.zip_code, row["zipcode"], note)
    values["mail_zip"] = _fixed(c.zip_code, row["mailzip"], note)
    for ours, legacy in (("home_phone", "homephone"), ("work_phone", "workphone"), ("cell_phone", "cellphone")):
        values[ours] = _fixed(c.phone, row[legacy], note)
    values["email"] = _fixed(c.email, row["emailaddress"], note)
    source_name = c.text(row["source"])
    values["source_id"] = lookups.source.get(source_name) if source_name else None
    if source_name and values["source_id"] is None:
        note("source_missing", source_name)
    return values


def item_text(row: dict, note: Note, *, colour_column: str = "color") -> dict:
    """The description columns shared by the catalog, order lines and check-in lines."""
    material, quirk = c.material(row["material"])
    if quirk:
        note(quirk, row["material"])
    values = normalise_item_text({
        "description": row["description"] or "",
        "material": material,
        "condition": row["condition"] or "",
        "colour": row[colour_column] or "",
        "size": row["sizewgt"] or "",
    })
    if not values["description"]:
        values["description"] = "(no description)"
        note("description_missing", row["description"])
    price = row["price"]
    if price is not None and price < 0:
        note("price_negative", price)
        price = None
    values["price"] = price
    return values


def catalog_item(row: dict, lookups: Lookups, note: Note) -> dict:
    values = item_text(row, note)
    values["customer_id"] = customer_pk(row, lookups)
    values["description_key"] = description_key(values["description"])
    quantity = row["qty"]
    if quantity is None or quantity < 0:
        note("catalog_quantity_defaulted", quantity)
        quantity = 0
    values["quantity"] = quantity
    values["created_at"] = aware(row["created_at"]) or timezone.now()
    return values


def catalog_identity(values: dict) -> tuple:
    return (values["customer_id"], values["description_key"], values["material"], values["colour"],
            values["condition"], values["size"])


def line_quantity(value, note: Note) -> int:
    if value is None or value < 1:
        note("quantity_defaulted", value)
        return 1
    return value


def order_line(row: dict, lookups: Lookups, note: Note) -> dict:
    values = item_text(row, note)
    values["quantity"] = line_quantity(row["qty"], note)
    key = c.text(row["inventory_key"])
    values["catalog_item_id"] = lookups.catalog.get(key) if key else None
    if key and values["catalog_item_id"] is None:
        note("catalog_key_missing", key)
    return values


def check_in_line(row: dict, lookups: Lookups, note: Note) -> dict:
    values = item_text(row, note)
    values["quantity"] = line_quantity(row["qty"], note)
    key = row["inventorykey"]  # an INTEGER copy of a text catalog key
    values["catalog_item_id"] = lookups.catalog.get(str(key)) if key is not None else None
    if key is not None and values["catalog_item_id"] is None:
        note("catalog_key_missing", key)
    return values


def _fixed(cleaner, value, note: Note):
    cleaned, quirk = cleaner(value)
    if quirk:
        note(quirk, value)
    return cleaned


# --- work orders and repair orders -------------------------------------------------------------


def work_order_stage(row: dict, quote: str) -> str:
    """The legacy stage was derived from dates and flags, the first that applies in this order."""
    if row["datecompleted"] is not None:
        return Stage.COMPLETED
    if c.text(row["finallocation"]):
        return Stage.PACKAGED
    if row["treat"] is not None:
        return Stage.TREATED
    if row["clean"] is not None:
        return Stage.CLEANED
    if row["processingstatus"]:
        return Stage.IN_PROGRESS
    return Stage.QUEUED if quote == QuoteStatus.APPROVED else Stage.AWAITING_QUOTE


def _order_common(row: dict, note: Note, *, rack_column: str, storage_column: str) -> tuple[dict, dict]:
    legacy: dict = {}
    storage, quirk = c.storage_time(row[storage_column])
    if quirk:
        note(quirk, row[storage_column])
        legacy["storage_time"] = row[storage_column]
    method, quirk = c.return_method(row["returnstatus"])
    if quirk:
        note(quirk, row["returnstatus"])
        legacy["return_status"] = row["returnstatus"]
    date_in = row["datein"]
    if date_in is None:
        date_in = day(row["created_at"]) or timezone.localdate()
        note("date_in_missing", None)
    values = {
        "rush": c.tri_state(row["rushorder"]),
        "firm_rush": c.tri_state(row["firmrush"]),
        "date_in": date_in,
        "date_required": row["daterequired"],
        "completed_on": day(row["datecompleted"]),
        "storage_time": storage,
        "rack_number": c.text(row[rack_column]),
        "return_method": method,
        "return_to": c.return_to(row["returnto"]),
        "special_instructions": (row["specialinstructions"] or "").strip(),
        "created_at": aware(row["created_at"]) or timezone.now(),
        "updated_at": aware(row["updated_at"]) or timezone.now(),
    }
    return values, legacy


def work_order(row: dict, lookups: Lookups, note: Note) -> dict:
    values, legacy = _order_common(row, note, rack_column="rack_number", storage_column="storagetime")
    values["customer_id"] = customer_pk(row, lookups)
    quote, quirk = c.work_order_quote(row["quote"])
    if quirk:
        note(quirk, row["quote"])
        legacy["quote"] = row["quote"]
    ship_to = c.text(row["shipto"])
    values["ship_to_id"] = lookups.source.get(ship_to) if ship_to else None
    repair_note = _soft_link_note(row["seerepair"], lookups.legacy_repair_orders, "repair", note)
    for column in ("storage", "cleanfirstwo"):
        if c.text(row[column]):
            legacy[column] = c.text(row[column])
    if row["queueposition"] is not None:
        legacy["queue_position"] = row["queueposition"]
    values.update(
        name=c.text(row["woname"]),
        quote=quote,
        stage=work_order_stage(row, quote),
        is_cushion=c.tri_state(row["iscushion"]),
        repairs_needed=c.tri_state(row["repairsneeded"]),
        cleaned_on=row["clean"],
        treated_on=row["treat"],
        final_location=c.text(row["finallocation"]),
        repair_note=repair_note,
        legacy_data=legacy,
    )
    return values


def _soft_link_note(raw, known: set[int], word: str, note: Note) -> str:
    """The note a ``seerepair``/``seeclean`` value leaves on its order: empty when it names an
    order that exists (link_orders makes the real link), else what the office typed."""
    target, link_note = c.link_target(raw)
    if target is not None and target not in known:
        note("link_target_missing", raw)
        return f"see {word} {c.text(raw)} (not found in the legacy data)"
    if link_note:
        note("link_is_a_note", link_note)
    elif target is not None and c.text(raw) != str(target):
        note("link_number_float", raw)
    return link_note


def repair_order(row: dict, lookups: Lookups, note: Note) -> dict:
    values, legacy = _order_common(row, note, rack_column="rack", storage_column="storage")
    values["customer_id"] = customer_pk(row, lookups)
    quote, quirk = c.repair_order_quote(row["quote"], row["approved"])
    if quirk:
        note(quirk, row["quote"])
    price, quirk = c.money(row["customerprice"])
    if quirk:
        note(quirk, row["customerprice"])
        legacy["customer_price"] = row["customerprice"]
    link_note = _soft_link_note(row["seeclean"], lookups.legacy_work_orders, "clean", note)
    for ours, column in (("wo_date", "wo_date"), ("date_out", "dateout")):
        if row[column] is not None:
            legacy[ours] = row[column].isoformat()
    for ours, column in (("approved", "approved"), ("clean_first", "cleanfirst")):
        if row[column] is not None:
            legacy[ours] = row[column]
    for ours, column in (("quote_by", "quote_by"), ("source", "source")):
        if c.text(row[column]):
            legacy[ours] = c.text(row[column])
    values.update(
        name=c.text(row["roname"]),
        quote=quote,
        needs_cleaning=c.tri_state(row["clean"]),
        sent_out_on=row["date_to_sub"],
        returned_on=row["returndate"],
        item_type=c.text(row["item_type"]),
        repair_type=c.text(row["type_of_repair"]),
        repaired_by=c.text(row["repairsdoneby"]),
        material_list=(row["materiallist"] or "").strip(),
        customer_price=price,
        location=c.text(row["location"]),
        final_location=c.text(row["finallocation"]),
        link_note=link_note,
        legacy_data=legacy,
    )
    return values


def link_pairs(wo_links: dict[int, int], ro_links: dict[int, int]) -> tuple[dict[int, int], list[tuple[int, int]]]:
    """Soft links from both sides → repair order number → work order number, one to one.

    Links named on both sides win, then one-sided ones by number; a link that would give an order
    a second partner is refused and returned as a conflict.
    """
    both = sorted((ro, wo) for wo, ro in wo_links.items() if ro_links.get(ro) == wo)
    one_sided = sorted(
        ({(ro, wo) for wo, ro in wo_links.items()} | set(ro_links.items())) - set(both)
    )
    chosen: dict[int, int] = {}
    taken_work_orders: set[int] = set()
    conflicts = []
    for ro, wo in both + one_sided:
        if ro in chosen or wo in taken_work_orders:
            conflicts.append((ro, wo))
            continue
        chosen[ro] = wo
        taken_work_orders.add(wo)
    return chosen, conflicts


# --- files and check-ins -------------------------------------------------------------------


def order_file(row: dict, note: Note) -> dict:
    name = c.text(row["filename"]) or (row["file_path"] or "").rsplit("/", 1)[-1] or "file"
    if not c.text(row["filename"]):
        note("file_name_missing", row["file_path"])
    return {
        "original_name": name,
        "content_type": mimetypes.guess_type(name)[0] or "",
        "size_bytes": 0,
        "file": _file_key(row["file_path"], note),
        "thumbnail": _file_key(row["thumbnail_path"], note),
        "uploaded_at": aware(row["uploaded_at"]) or timezone.now(),
    }


def check_in_file(row: dict, note: Note) -> dict:
    name = c.text(row["file_name"]) or (row["file_path"] or "").rsplit("/", 1)[-1] or "file"
    size = row["file_size"] if row["file_size"] and row["file_size"] > 0 else 0
    return {
        "original_name": name,
        "content_type": c.text(row["file_type"]) or mimetypes.guess_type(name)[0] or "",
        "size_bytes": size,
        "file": _file_key(row["file_path"], note),
        "uploaded_at": aware(row["uploaded_at"]) or timezone.now(),
    }


def _file_key(path, note: Note) -> str:
    key, was_url = c.storage_key(path)
    if was_url:
        note("file_url_to_key", path)
    return key


def check_in(row: dict, lookups: Lookups, note: Note) -> dict:
    storage, quirk = c.storage_time(row["storagetime"])
    if quirk:
        note(quirk, row["storagetime"])
    status = c.text(row["status"]).lower()
    number = c.legacy_number(row["workorderno"])
    work_order_id = lookups.work_order.get(number) if number is not None else None
    if number is not None and work_order_id is None:
        note("work_order_missing", row["workorderno"])
    if status not in ("pending", "processed"):
        note("status_odd_value", row["status"])
        status = "processed" if work_order_id else "pending"
    if status == "pending" and work_order_id is not None:
        note("pending_with_work_order", row["workorderno"])
        status = "processed"
    return {
        "customer_id": customer_pk(row, lookups),
        "status": status,
        "work_order_id": work_order_id,
        "date_in": row["datein"],
        "date_required": row["daterequired"],
        "rush": c.tri_state(row["rushorder"]),
        "repairs_needed": c.tri_state(row["repairsneeded"]),
        "storage_time": storage,
        "rack_number": c.text(row["rack_number"]),
        "return_to": c.return_to(row["returnto"]),
        "special_instructions": (row["specialinstructions"] or "").strip(),
        "created_at": aware(row["created_at"]) or timezone.now(),
        "updated_at": aware(row["updated_at"]) or timezone.now(),
    }
