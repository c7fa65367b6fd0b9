import datetime
import random
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from accounts.roles import ROLES
from accounts.services import create_user
from core.choices import QuoteStatus, ReturnMethod, ReturnTo, StorageTime
from customers.models import CatalogItem, Customer, Source
from customers.services import create_catalog_item, create_customer, create_source
from demo import names
from repairs.services import create_repair_order, link_repair
from workorders.services import change_work_order_stage, convert_check_in, create_check_in, create_work_order
from workorders.stages import Stage

SAIL_LOFTS = ("Doyle", "North Sails", "UK Sailmakers", "Quantum", "Hood")
PLACEHOLDERS = ("Customer", "Pick Up", "Ship To")
# Roughly the shape of a real shop's book: most orders are long done, a working set is open.
STAGE_MIX = (
    (Stage.COMPLETED, 170), (Stage.AWAITING_QUOTE, 45), (Stage.QUEUED, 80), (Stage.IN_PROGRESS, 20),
    (Stage.CLEANED, 30), (Stage.TREATED, 25), (Stage.PACKAGED, 30),
)
PATH = {
    Stage.AWAITING_QUOTE: (),
    Stage.QUEUED: (Stage.QUEUED,),
    Stage.IN_PROGRESS: (Stage.QUEUED, Stage.IN_PROGRESS),
    Stage.CLEANED: (Stage.QUEUED, Stage.IN_PROGRESS, Stage.CLEANED),
    Stage.TREATED: (Stage.QUEUED, Stage.IN_PROGRESS, Stage.CLEANED, Stage.TREATED),
    Stage.PACKAGED: (Stage.QUEUED, Stage.IN_PROGRESS, Stage.CLEANED, Stage.TREATED, Stage.PACKAGED),
    Stage.COMPLETED: (Stage.QUEUED, Stage.IN_PROGRESS, Stage.CLEANED, Stage.TREATED, Stage.PACKAGED, Stage.COMPLETED),
}
# What customers bring in, with the materials each is made of ("" = the office did not note it).
GOODS = {
    "Awning": ("Sunbrella", "Acrylic", "Vinyl", ""),
    "Bimini": ("Sunbrella", ""),
    "Dodger": ("Sunbrella", "Vinyl"),
    "Sail cover": ("Sunbrella",),
    "Cushion": ("Vinyl", "Sunbrella"),
    "Main sail": ("Dacron",),
    "Jib": ("Dacron", ""),
}
COLOURS = ("Navy", "Forest green", "Tan", "White", "Burgundy", "Pacific blue")
# Most goods come in merely dirty.
CONDITIONS = ("", "", "", "", "Mildew", "Faded", "Torn seam")
REPAIR_TYPES = ("Restitch seams", "Replace zipper", "Patch tear", "New binding", "Replace grommets", "Replace window")


class Command(BaseCommand):
    help = "Fill an empty database with a believable demo shop and print one login per role."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=200, help="How many customers (default 200).")
        parser.add_argument("--seed", type=int, default=7, help="Random seed, for repeatable demo data.")
        parser.add_argument("--dry-run", action="store_true", help="Build everything, then roll it back.")

    def handle(self, *args, customers, seed, dry_run, **options):
        if customers < 1:
            raise CommandError(f"--customers must be at least 1 (got {customers}).")
        self.rng = random.Random(seed)
        self.today = datetime.date.today()
        with transaction.atomic():
            users = self._users()
            if Customer.objects.exists():
                self.stdout.write("The database already has customers; demo data left as it is.")
            else:
                self._shop(customers, manager=users["Manager"])
            if dry_run:
                transaction.set_rollback(True)
                self.stdout.write("Dry run: nothing was saved.")
        self.stdout.write("\nDemo logins (username / password):")
        for role in ROLES:
            self.stdout.write(f"  {role:<10} {role.lower()} / {demo_password(role)}")

    def _users(self) -> dict[str, User]:
        users = {}
        for role in ROLES:
            users[role] = User.objects.filter(username=role.lower()).first() or create_user(
                username=role.lower(), email=f"{role.lower()}@example.com", password=demo_password(role),
                role=role, check_password=False,
            )
        return users

    def _shop(self, count: int, *, manager: User) -> None:
        sources = self._sources()
        customers = []
        for n in range(count):
            source = self.rng.choice(sources) if self.rng.random() < 0.7 else None
            customers.append(self._customer(n, source=source, manager=manager))
            if (n + 1) % 50 == 0:
                self.stdout.write(f"  {n + 1} customers")
        orders = self._work_orders(customers, manager)
        self._repairs(customers, orders, manager)
        self._check_ins(customers, manager)

    # -----------------------------------------------------------------------------------------
    # Sources, customers and their catalogs
    # -----------------------------------------------------------------------------------------

    def _sources(self) -> list[Source]:
        sources = [create_source(fields={"name": name, "is_sail_loft": True, **self._business(name)}) for name in SAIL_LOFTS]
        sources += [create_source(fields={"name": name, **self._business(name)}) for name in names.businesses(self.rng, 10)]
        # Placeholders stand for "no business in between", so they have no address of their own
        # and customers are never assigned one here.
        for name in PLACEHOLDERS:
            create_source(fields={"name": name, "is_placeholder": True})
        return sources

    def _business(self, name: str) -> dict:
        city, state, zip_code, area_code = self.rng.choice(names.CITIES)
        return {
            "address": names.street_address(self.rng), "city": city, "state": state, "zip_code": zip_code,
            "phone": names.phone(self.rng, area_code), "email": f"office@{names.email_local_part(name)}.example.com",
        }

    def _customer(self, n: int, *, source: Source | None, manager: User) -> Customer:
        first, last = names.person(self.rng)
        city, state, zip_code, area_code = self.rng.choice(names.CITIES)
        customer = create_customer(
            fields={
                "name": f"{first} {last}",
                "contact": f"{self.rng.choice(names.FIRST_NAMES)} {last}",  # usually someone in the household
                "address": names.street_address(self.rng), "city": city, "state": state, "zip_code": zip_code,
                "cell_phone": names.phone(self.rng, area_code),
                # Numbered: the vocabulary repeats names, and two customers sharing an inbox would
                # confuse anyone trying out the customer search.
                "email": f"{names.email_local_part(first, last)}{n + 1}@example.com",
                "source": source,
            },
            created_by=manager,
        )
        # One catalog row per kind of goods: the catalog is unique per description, material,
        # colour, condition and size, and distinct descriptions can never collide.
        for description in self.rng.sample(sorted(GOODS), k=self.rng.randint(1, 4)):
            create_catalog_item(customer=customer, fields=self._goods(description) | {"quantity": self.rng.randint(1, 3)})
        return customer

    def _goods(self, description: str) -> dict:
        return {
            "description": description,
            "material": self.rng.choice(GOODS[description]),
            "colour": self.rng.choice(COLOURS),
            "condition": self.rng.choice(CONDITIONS),
            "size": self._size(description),
            "price": Decimal(self.rng.randrange(45, 600, 5)),
        }

    def _size(self, description: str) -> str:
        # Written the way the office types them, so the area parser and the sail rule see real input.
        if description in ("Main sail", "Jib"):
            return f"{self.rng.randint(40, 140)}#"  # sails go by weight
        if description == "Cushion":
            return f"{self.rng.randint(16, 24)}x{self.rng.randint(16, 24)}x4"
        return f"{self.rng.randint(6, 16)}'{self.rng.randint(0, 11)}\"x{self.rng.randint(8, 20)}'{self.rng.randint(0, 11)}\""

    # -----------------------------------------------------------------------------------------
    # Orders
    # -----------------------------------------------------------------------------------------

    def _work_orders(self, customers, manager) -> list:
        orders = []
        plan = [stage for stage, how_many in STAGE_MIX for _ in range(how_many)]
        for n, stage in enumerate(plan, start=1):
            customer = self.rng.choice(customers)
            age = self.rng.randint(40, 700) if stage == Stage.COMPLETED else self.rng.randint(0, 40)
            date_in = self.today - datetime.timedelta(days=age)
            order = create_work_order(
                customer=customer,
                fields={
                    "date_in": date_in,
                    "date_required": date_in + datetime.timedelta(days=self.rng.choice((7, 14, 21, 30))),
                    "quote": QuoteStatus.NEEDED,
                    "firm_rush": self.rng.random() < 0.08,
                    "rush": self.rng.random() < 0.15,
                    "is_cushion": self.rng.random() < 0.1,
                    "repairs_needed": self.rng.random() < 0.2,
                    "storage_time": self.rng.choice(StorageTime.values),
                    "return_method": self.rng.choice(ReturnMethod.values),
                    "return_to": self.rng.choice(ReturnTo.values),
                    "rack_number": f"{self.rng.randint(1, 12)} {self.rng.choice('ABCD')}",
                },
                items=self._items(customer),
                created_by=manager,
            )
            self._advance(order, stage, date_in, manager)
            orders.append(order)
            if n % 100 == 0:
                self.stdout.write(f"  {n} work orders")
        return orders

    def _items(self, customer: Customer) -> list[dict]:
        catalog = list(customer.catalog_items.all())
        items = [_line(c) for c in self.rng.sample(catalog, k=min(len(catalog), self.rng.randint(1, 2)))]
        # Now and then something new comes in with the usual goods; the service adds it to the catalog.
        if self.rng.random() < 0.3:
            items.append(self._goods(self.rng.choice(sorted(GOODS))) | {"quantity": 1})
        return items

    def _advance(self, order, stage, date_in, manager) -> None:
        # Days between steps as a shop sees them: rush work jumps ahead, repairs and many pieces
        # hold an order up. The demo's prediction model learns from this, as it would in a shop.
        longest = int(order.tier)  # 1 for firm rush .. 3 for regular
        held_up = (self.rng.randint(6, 10) if order.repairs_needed else 0) + 4 * (order.items.count() - 1)
        day = date_in
        for n, step in enumerate(PATH[stage]):
            gap = self.rng.randint(0, longest) + (held_up if n == 0 else 0)
            day = min(day + datetime.timedelta(days=gap), self.today)
            location = f"Shelf {self.rng.randint(1, 30)}" if step == Stage.PACKAGED else ""
            order = change_work_order_stage(work_order=order, to_stage=step, on=day, final_location=location, changed_by=manager)

    def _repairs(self, customers, orders, manager) -> None:
        open_orders = [o for o in orders if o.repairs_needed]
        for n in range(80):
            customer = self.rng.choice(customers)
            piece = self.rng.choice(list(customer.catalog_items.all()))
            repair = create_repair_order(
                customer=customer,
                fields={
                    "date_in": self.today - datetime.timedelta(days=self.rng.randint(0, 30)),
                    "rush": self.rng.random() < 0.15,
                    "needs_cleaning": self.rng.random() < 0.3,
                    "item_type": piece.description,
                    "repair_type": self.rng.choice(REPAIR_TYPES),
                },
                items=[_line(piece)],
                work_order=None,
                created_by=manager,
            )
            if open_orders and n % 3 == 0:
                link_repair(repair_order=repair, work_order=open_orders.pop(), linked_by=manager)

    def _check_ins(self, customers, manager) -> None:
        for n in range(20):
            customer = self.rng.choice(customers)
            check_in = create_check_in(
                customer=customer,
                # Pending check-ins are the last few days' drop-offs the office has not got to yet.
                fields={
                    "date_in": self.today - datetime.timedelta(days=self.rng.randint(0, 4)),
                    "rush": self.rng.random() < 0.2,
                },
                items=self._items(customer),
                created_by=manager,
            )
            if n % 4 == 0:
                convert_check_in(check_in=check_in, converted_by=manager)


def _line(piece: CatalogItem) -> dict:
    """An order line for one of the customer's catalog items, linked to it."""
    return {
        "description": piece.description, "material": piece.material, "colour": piece.colour,
        "condition": piece.condition, "size": piece.size, "price": piece.price, "quantity": 1, "catalog_item": piece,
    }


def demo_password(role: str) -> str:
    return f"demo-{role.lower()}-2026"
