"""POST bodies of the admin order forms (header fields plus the inline formsets), as a browser sends them."""

from django.urls import reverse

from core.choices import QuoteStatus

WORK_ORDER_ADD_URL = reverse("admin:workorders_workorder_add")

AWNING = {"description": "Awning", "material": "Sunbrella", "colour": "Navy", "condition": "", "size": "8'9\"x10'2\"", "quantity": "2", "price": "120.00"}


def inline_management(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def work_order_post(for_customer, *, items=(), existing=(), **fields) -> dict:
    """The POST body of the admin work-order form: header fields plus the items inline."""
    data = {
        "customer": for_customer.pk,
        "name": "",
        "quote": QuoteStatus.NEEDED,
        "date_in": "2026-11-02",
        "date_required": "2026-11-20",
        "storage_time": "",
        "rack_number": "5 B",
        "return_to": "",
        "return_method": "",
        "special_instructions": "",
        "repair_note": "",
        **inline_management("items", len(existing) + len(items), initial=len(existing)),
        **inline_management("files", 0),
        **inline_management("events", 0),
    }
    for index, row in enumerate([*existing, *items]):
        for name, value in row.items():
            data[f"items-{index}-{name}"] = value
    data.update(fields)
    return data


def change_post(order, **fields) -> dict:
    """The POST body of the work order's change page, unchanged unless ``fields`` say otherwise."""
    existing = [
        {"id": item.pk, "work_order": order.pk, "description": item.description, "material": item.material,
         "colour": item.colour, "condition": item.condition, "size": item.size, "quantity": item.quantity,
         "price": item.price or ""}
        for item in order.items.all()
    ]
    return work_order_post(
        order.customer, existing=existing, date_in=order.date_in.isoformat(), date_required="",
        quote=order.quote, loaded_version=order.version, **fields,
    )
