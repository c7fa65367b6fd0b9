"""Printed tickets: one US Letter page per work or repair order, for the shop floor.

The page is drawn on a reportlab canvas rather than flowed with platypus: a ticket must be exactly
one page, so every region has a fixed place and whatever is too long is cut ("…", "+ N more
items") instead of flowing onto a second page. ``drawString`` writes text as-is, so sizes such as
8'9"x10'2" and names with & < > need no markup escaping.

The standard PDF fonts cover Latin-1 (Windows-1252); characters outside it print as boxes.
"""

import io
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from core.choices import Tier
from core.models import Order
from repairs.models import RepairOrder
from workorders.models import WorkOrder

SHOP_NAME = settings.AWNING_SHOP_NAME
TICK_BOXES = ("Approved", "Billed", "Updated")
ELLIPSIS = "…"
MORE_ITEMS = "+ {count} more items"

PAGE_WIDTH, PAGE_HEIGHT = LETTER
LEFT = 0.5 * inch
RIGHT = PAGE_WIDTH - 0.5 * inch
TOP = PAGE_HEIGHT - 0.4 * inch
BOTTOM = 0.4 * inch
WIDTH = RIGHT - LEFT

FONT, BOLD = "Helvetica", "Helvetica-Bold"
INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#616e7c")
RULE = colors.HexColor("#9aa5b1")
BAND = colors.HexColor("#243b53")
ZEBRA = colors.HexColor("#eef1f4")
TIER_COLOURS = {
    Tier.FIRM_RUSH: colors.HexColor("#c62828"),
    Tier.RUSH: colors.HexColor("#e65100"),
}
TIER_LABELS = {Tier.FIRM_RUSH: "FIRM RUSH", Tier.RUSH: "RUSH", Tier.REGULAR: "Regular"}

# Items grid: (heading, width in points, numeric). The widths add up to WIDTH (540).
COLUMNS = (
    ("Qty", 30, True),
    ("Description", 130, False),
    ("Material", 68, False),
    ("Colour", 60, False),
    ("Condition", 62, False),
    ("Size", 80, False),
    ("Price", 52, True),
    ("Line total", 58, True),
)
ROW_HEIGHT = 13
GRID_HEADER_HEIGHT = 14
GRID_TOTAL_HEIGHT = 16
LINE_HEIGHT = 11
FOOTER_HEIGHT = 40
MAX_INSTRUCTION_LINES = 80  # more than a page can hold; wrapping stops there
PARTY_ROWS = 8  # customer and source blocks: at most this many lines each


# ---------------------------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------------------------


def with_ticket_data(queryset: models.QuerySet) -> models.QuerySet:
    """The queryset with everything a ticket prints, fetched in two queries however many orders.

    Kept beside the renderer (not in a selectors module) because it must name exactly the
    relations ``render_tickets`` reads; a change to one is a change to the other.
    """
    related = ["customer__source"]
    related.append("ship_to" if issubclass(queryset.model, WorkOrder) else "work_order")
    return queryset.select_related(*related).prefetch_related("items")


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------


def render_tickets(orders: Iterable[Order]) -> bytes:
    """One PDF with one page per order, in the order given (work and repair orders may mix)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER, pageCompression=1)
    canvas.setTitle(f"{SHOP_NAME} tickets")
    canvas.setCreator(SHOP_NAME)
    printed_at = timezone.localtime()
    count = 0
    for order in orders:
        _draw_ticket(canvas, order, printed_at=printed_at)
        canvas.showPage()
        count += 1
    if not count:
        canvas.showPage()  # a PDF needs a page; an empty request still gets a valid file
    canvas.save()
    return buffer.getvalue()


def order_title(order: Order) -> str:
    kind = "Repair order" if isinstance(order, RepairOrder) else "Work order"
    return f"{kind} {order.number}"


def _draw_ticket(canvas: Canvas, order: Order, *, printed_at) -> None:
    is_repair = isinstance(order, RepairOrder)
    y = _draw_header(canvas, order, is_repair=is_repair)
    y = _draw_priority_and_dates(canvas, order, top=y - 6)
    y = _draw_parties(canvas, order.customer, top=y - 8)
    y = _draw_cells(canvas, _return_cells(order, is_repair=is_repair), top=y - 8)
    if is_repair:
        y = _draw_repair_cells(canvas, order, top=y - 4)
    _draw_body(canvas, order, top=y - 10, bottom=BOTTOM + FOOTER_HEIGHT + 8)
    _draw_footer(canvas, printed_at=printed_at)


def _draw_header(canvas: Canvas, order: Order, *, is_repair: bool) -> float:
    height = 46
    canvas.setFillColor(BAND)
    canvas.rect(LEFT, TOP - height, WIDTH, height, stroke=0, fill=1)
    canvas.setFillColor(colors.white)
    subtitle = "Repair ticket" if is_repair else "In-house cleaning ticket"
    _text(canvas, LEFT + 10, TOP - 18, SHOP_NAME, BOLD, 12, width=290)
    _text(canvas, LEFT + 10, TOP - 34, subtitle, FONT, 9.5, width=290)
    _text(canvas, RIGHT - 10, TOP - 24, order_title(order), BOLD, 20, width=230, right=True)
    if order.name and order.name != order.customer.name:
        _text(canvas, RIGHT - 10, TOP - 39, order.name, FONT, 9, width=230, right=True)
    canvas.setFillColor(INK)
    return TOP - height


def _draw_priority_and_dates(canvas: Canvas, order: Order, *, top: float) -> float:
    height = 20
    tier = order.tier
    label = TIER_LABELS[tier]
    badge = stringWidth(label, BOLD, 10) + 16
    fill = TIER_COLOURS.get(tier)
    if fill is not None:
        canvas.setFillColor(fill)
        canvas.rect(LEFT, top - height, badge, height, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
    else:
        canvas.setStrokeColor(RULE)
        canvas.rect(LEFT, top - height, badge, height, stroke=1, fill=0)
    _text(canvas, LEFT + 8, top - 14, label, BOLD, 10)
    canvas.setFillColor(INK)

    dates = [("Date in", order.date_in), ("Required", order.date_required)]
    if order.completed_on:
        dates.append(("Completed", order.completed_on))
    x = LEFT + badge + 16
    for caption, value in dates:
        x = _label_value(canvas, x, top - 14, caption, _date(value) or "—") + 18
    return top - height


def _draw_parties(canvas: Canvas, customer, *, top: float) -> float:
    """Customer block on the left, the customer's source on the right (when there is one)."""
    customer_lines = _customer_lines(customer)
    source_lines = _source_lines(customer.source) if customer.source_id else []
    rows = min(max(len(customer_lines), len(source_lines)), PARTY_ROWS)
    half = (WIDTH - 24) / 2
    _block(canvas, LEFT, top, half, f"Customer #{customer.number}", customer_lines, rows=rows)
    if source_lines:
        _block(canvas, LEFT + half + 24, top, half, "Source", source_lines, rows=rows)
    return top - 14 - rows * LINE_HEIGHT


def _customer_lines(customer) -> list[tuple[str, str]]:
    phones = _phones(("Cell", customer.cell_phone), ("Home", customer.home_phone), ("Work", customer.work_phone))
    mail = _place(customer.mail_address, customer.mail_city, customer.mail_state, customer.mail_zip)
    lines = [
        (BOLD, customer.name),
        (FONT, f"Contact: {customer.contact}" if customer.contact else ""),
        (FONT, customer.address),
        (FONT, customer.address2),
        (FONT, _place("", customer.city, customer.state, customer.zip_code)),
        (FONT, phones),
        (FONT, customer.email),
        (FONT, f"Mail to: {mail}" if mail else ""),
    ]
    return [(font, text) for font, text in lines if text]


def _source_lines(source) -> list[tuple[str, str]]:
    phones = _phones(("Phone", source.phone), ("Fax", source.fax))
    lines = [
        (BOLD, source.name),
        (FONT, source.address),
        (FONT, _place("", source.city, source.state, source.zip_code)),
        (FONT, phones),
        (FONT, source.email),
    ]
    return [(font, text) for font, text in lines if text]


def _return_cells(order: Order, *, is_repair: bool) -> list[tuple[str, str, float]]:
    cells = [
        ("Return to", order.get_return_to_display() if order.return_to else "—", 1),
        ("Return method", order.get_return_method_display() if order.return_method else "—", 1),
    ]
    if not is_repair:
        ship_to = order.ship_to
        where = ship_to.name if ship_to else "—"
        if ship_to and (place := _place("", ship_to.city, ship_to.state, "")):
            where = f"{where} ({place})"
        cells.append(("Ship to", where, 2.2))
    cells += [
        ("Storage time", order.get_storage_time_display() if order.storage_time else "—", 1),
        ("Rack", order.rack_number or "—", 1),
    ]
    return cells


def _draw_repair_cells(canvas: Canvas, order: RepairOrder, *, top: float) -> float:
    price = f"${order.customer_price:,.2f}" if order.customer_price is not None else "—"
    work_order = f"Work order {order.work_order.number}" if order.work_order_id else order.link_note or "—"
    y = _draw_cells(
        canvas,
        [("Item type", order.item_type or "—", 1.3), ("Type of repair", order.repair_type or "—", 2.7),
         ("Customer price", price, 1)],
        top=top,
    )
    return _draw_cells(
        canvas,
        [("Repaired by", order.repaired_by or "—", 1.3), ("Sent out", _date(order.sent_out_on) or "—", 1),
         ("Returned", _date(order.returned_on) or "—", 1), ("Cleaning", work_order, 1.7)],
        top=y - 4,
    )


def _draw_body(canvas: Canvas, order: Order, *, top: float, bottom: float) -> None:
    """Items grid and special instructions share what is left of the page.

    The instructions keep at least three lines (a box to write in) and may claim up to 40% of
    the space when they are long; the grid takes the rest, and whatever still does not fit is
    cut rather than pushed onto a second page.
    """
    items = list(order.items.all())
    gap = 10
    space = top - bottom - gap
    instruction_lines = _wrap(order.special_instructions, FONT, 9, WIDTH - 16, limit=MAX_INSTRUCTION_LINES)
    wanted_instructions = _instructions_height(len(instruction_lines))
    floor = max(_instructions_height(3), min(wanted_instructions, 0.4 * space))
    wanted_grid = GRID_HEADER_HEIGHT + len(items) * ROW_HEIGHT + GRID_TOTAL_HEIGHT
    grid_height = min(wanted_grid, space - floor)
    grid_bottom = _draw_items(canvas, items, top=top, height=grid_height)
    _draw_instructions(canvas, instruction_lines, top=grid_bottom - gap, bottom=bottom)


def _instructions_height(lines: int) -> float:
    return 18 + lines * LINE_HEIGHT + 4


def _draw_items(canvas: Canvas, items: list, *, top: float, height: float) -> float:
    rows = int((height - GRID_HEADER_HEIGHT - GRID_TOTAL_HEIGHT) // ROW_HEIGHT)
    shown = items if len(items) <= rows else items[: max(rows - 1, 0)]

    canvas.setFillColor(ZEBRA)
    canvas.rect(LEFT, top - GRID_HEADER_HEIGHT, WIDTH, GRID_HEADER_HEIGHT, stroke=0, fill=1)
    canvas.setFillColor(INK)
    _grid_row(canvas, [heading for heading, _, _ in COLUMNS], top - 10, BOLD)
    y = top - GRID_HEADER_HEIGHT
    for index, item in enumerate(shown):
        if index % 2:
            canvas.setFillColor(ZEBRA)
            canvas.rect(LEFT, y - ROW_HEIGHT, WIDTH, ROW_HEIGHT, stroke=0, fill=1)
            canvas.setFillColor(INK)
        line_total = item.price * item.quantity if item.price is not None else None
        values = [str(item.quantity), item.description, item.material, item.colour, item.condition, item.size,
                  _money(item.price), _money(line_total)]
        _grid_row(canvas, values, y - 9.5, FONT)
        y -= ROW_HEIGHT
    if len(shown) < len(items):
        canvas.setFillColor(MUTED)
        _text(canvas, LEFT + 4, y - 9.5, MORE_ITEMS.format(count=len(items) - len(shown)), BOLD, 8.5)
        canvas.setFillColor(INK)
        y -= ROW_HEIGHT

    canvas.setStrokeColor(RULE)
    canvas.line(LEFT, y, RIGHT, y)
    _draw_total(canvas, items, baseline=y - 11.5)
    y -= GRID_TOTAL_HEIGHT
    canvas.rect(LEFT, y, WIDTH, top - y, stroke=1, fill=0)
    return y


def _draw_total(canvas: Canvas, items: list, *, baseline: float) -> None:
    priced = [item.price * item.quantity for item in items if item.price is not None]
    unpriced = len(items) - len(priced)
    pieces = sum(item.quantity for item in items)
    qty_width = COLUMNS[0][1]
    _text(canvas, LEFT + qty_width - 4, baseline, str(pieces), BOLD, 8.5, width=qty_width - 6, right=True, shrink=True)
    _text(canvas, LEFT + qty_width + 4, baseline, f"{len(items)} line(s)", FONT, 8.5)
    total = f"${sum(priced, Decimal(0)):,.2f}" if priced else "—"
    label_end = RIGHT - 4 - max(min(stringWidth(total, BOLD, 9), 110), COLUMNS[-1][1] - 6) - 8
    # Drawn left to right, so text extracted from the PDF reads "… not priced Total $1.00".
    if unpriced:
        canvas.setFillColor(MUTED)
        _text(canvas, label_end - 40, baseline, f"{unpriced} line(s) not priced", FONT, 8, width=150, right=True)
        canvas.setFillColor(INK)
    _text(canvas, label_end, baseline, "Total", BOLD, 9, right=True)
    _text(canvas, RIGHT - 4, baseline, total, BOLD, 9, width=110, right=True, shrink=True)


def _grid_row(canvas: Canvas, values: list[str], baseline: float, font: str) -> None:
    x = LEFT
    for value, (_, width, numeric) in zip(values, COLUMNS, strict=True):
        if numeric:  # numbers shrink rather than lose digits
            _text(canvas, x + width - 4, baseline, value, font, 8.5, width=width - 6, right=True, shrink=True)
        else:
            _text(canvas, x + 4, baseline, value, font, 8.5, width=width - 6)
        x += width


def _draw_instructions(canvas: Canvas, lines: list[str], *, top: float, bottom: float) -> None:
    canvas.setStrokeColor(RULE)
    canvas.rect(LEFT, bottom, WIDTH, top - bottom, stroke=1, fill=0)
    canvas.setFillColor(MUTED)
    _text(canvas, LEFT + 8, top - 12, "SPECIAL INSTRUCTIONS", BOLD, 7.5)
    canvas.setFillColor(INK)
    room = max(int((top - bottom - 22) // LINE_HEIGHT), 1)
    if len(lines) > room:
        lines = [*lines[: room - 1], _fit(lines[room - 1], FONT, 9, WIDTH - 16, cut=True)]
    y = top - 25
    for line in lines:
        _text(canvas, LEFT + 8, y, line, FONT, 9)
        y -= LINE_HEIGHT


def _draw_footer(canvas: Canvas, *, printed_at) -> None:
    top = BOTTOM + FOOTER_HEIGHT
    x = LEFT
    for label in TICK_BOXES:
        canvas.setStrokeColor(INK)
        canvas.rect(x, top - 18, 13, 13, stroke=1, fill=0)
        _text(canvas, x + 19, top - 15, label, BOLD, 10)
        canvas.setStrokeColor(RULE)
        canvas.line(x + 19, top - 33, x + 135, top - 33)
        canvas.setFillColor(MUTED)
        _text(canvas, x + 19, top - 40, "initials / date", FONT, 6.5)
        canvas.setFillColor(INK)
        x += 165
    canvas.setFillColor(MUTED)
    _text(canvas, RIGHT, top - 15, f"Printed {printed_at:%m/%d/%Y %H:%M}", FONT, 7, right=True)
    canvas.setFillColor(INK)


# ---------------------------------------------------------------------------------------------
# Drawing helpers
# ---------------------------------------------------------------------------------------------


def _draw_cells(canvas: Canvas, cells: list[tuple[str, str, float]], *, top: float) -> float:
    """A row of boxed label/value cells; the third member of each tuple is its relative width."""
    height = 28
    total = sum(weight for _, _, weight in cells)
    x = LEFT
    canvas.setStrokeColor(RULE)
    for label, value, weight in cells:
        width = WIDTH * weight / total
        canvas.rect(x, top - height, width, height, stroke=1, fill=0)
        canvas.setFillColor(MUTED)
        _text(canvas, x + 5, top - 10, label.upper(), BOLD, 6.5, width=width - 10)
        canvas.setFillColor(INK)
        _text(canvas, x + 5, top - 22, value, FONT, 9.5, width=width - 10)
        x += width
    return top - height


def _block(canvas: Canvas, x: float, top: float, width: float, heading: str,
           lines: list[tuple[str, str]], *, rows: int) -> None:
    """A headed block of at most ``rows`` lines, each cut to the block's width."""
    canvas.setFillColor(MUTED)
    _text(canvas, x, top - 8, heading.upper(), BOLD, 7.5, width=width)
    canvas.setStrokeColor(RULE)
    canvas.line(x, top - 11, x + width, top - 11)
    canvas.setFillColor(INK)
    y = top - 22
    for font, text in lines[:rows]:
        _text(canvas, x, y, text, font, 10 if font == BOLD else 9, width=width)
        y -= LINE_HEIGHT


def _text(canvas: Canvas, x: float, y: float, text: str, font: str, size: float, *,
          width: float | None = None, right: bool = False, shrink: bool = False) -> None:
    """Draw one line within ``width`` points: cut with an ellipsis or, with ``shrink``, set
    smaller first (down to 5.5 pt) so a number keeps its digits. ``right`` ends the line at ``x``."""
    text = " ".join(str(text).split()) if text else ""
    if width is not None:
        while shrink and size > 5.5 and stringWidth(text, font, size) > width:
            size -= 0.5
        text = _fit(text, font, size, width)
    canvas.setFont(font, size)
    if right:
        canvas.drawRightString(x, y, text)
    else:
        canvas.drawString(x, y, text)


def _fit(text: str, font: str, size: float, width: float, *, cut: bool = False) -> str:
    """``text`` shortened to ``width`` points, the cut marked with an ellipsis.

    ``cut=True`` marks it even when the text fits (the caller already dropped what follows).
    """
    if not cut and stringWidth(text, font, size) <= width:
        return text
    return text[: _chars_within(text, font, size, width - stringWidth(ELLIPSIS, font, size))].rstrip() + ELLIPSIS


def _chars_within(text: str, font: str, size: float, width: float) -> int:
    """How many leading characters of ``text`` fit in ``width`` points (linear, not quadratic)."""
    used = 0.0
    for index, char in enumerate(text):
        used += stringWidth(char, font, size)
        if used > width:
            return index
    return len(text)


def _wrap(text: str, font: str, size: float, width: float, *, limit: int) -> list[str]:
    """At most ``limit`` lines of ``width`` points; keeps the writer's line breaks and splits words
    too long for a line (a URL, a row of dashes). Stops early: the rest could never be printed."""
    lines: list[str] = []
    for paragraph in (text or "").splitlines():
        line = ""
        for word in paragraph.split():
            while stringWidth(word, font, size) > width:
                if line:
                    lines.append(line)
                    line = ""
                cut = max(_chars_within(word, font, size, width), 1)
                lines.append(word[:cut])
                word = word[cut:]
            candidate = f"{line} {word}" if line else word
            if stringWidth(candidate, font, size) <= width:
                line = candidate
            else:
                lines.append(line)
                line = word
            if len(lines) > limit:
                return lines
        lines.append(line)
        if len(lines) > limit:
            return lines
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _label_value(canvas: Canvas, x: float, baseline: float, label: str, value: str) -> float:
    """``Label value`` inline; returns where the next pair may start."""
    canvas.setFillColor(MUTED)
    _text(canvas, x, baseline, label, FONT, 8.5)
    x += stringWidth(label, FONT, 8.5) + 5
    canvas.setFillColor(INK)
    _text(canvas, x, baseline, value, BOLD, 10)
    return x + stringWidth(value, BOLD, 10)


def _place(street: str, city: str, state: str, zip_code: str) -> str:
    # Legacy zips sometimes end in a dangling "-" (ZIP+4 with no +4); states came in any case.
    zip_code = (zip_code or "").strip().rstrip("-")
    city_state = ", ".join(part for part in (city, (state or "").upper()) if part)
    locality = " ".join(part for part in (city_state, zip_code) if part)
    return ", ".join(part for part in (street, locality) if part)


def _phones(*numbers: tuple[str, str]) -> str:
    return "   ".join(f"{caption} {number}" for caption, number in numbers if number)


def _date(value) -> str:
    return value.strftime("%m/%d/%Y") if value else ""


def _money(value: Decimal | None) -> str:
    return f"{value:,.2f}" if value is not None else ""
