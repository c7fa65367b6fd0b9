import datetime
import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from faker import Faker

from accounts.models import User
from accounts.roles import ROLES
from accounts.services import create_user
from awning.choices import QuoteStatus, ReturnMethod, ReturnTo, StorageTime
from customers.models import Customer
from customers.tests.factories import CatalogItemFactory, CustomerFactory, SourceFactory
from repairs.services import link_repair
from repairs.tests.factories import RepairOrderFactory
from workorders.services import change_work_order_stage, convert_check_in
from workorders.stages import Stage
from workorders.tests.factories import CheckInFactory, WorkOrderFactory, item_data

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
        Faker.seed(seed)
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
        sources = [SourceFactory(name=name, is_sail_loft=True) for name in SAIL_LOFTS]
        sources += [SourceFactory() for _ in range(10)]
        for name in PLACEHOLDERS:
            SourceFactory(name=name, is_placeholder=True)
        customers = []
        for n in range(count):
            customer = CustomerFactory(source=self.rng.choice(sources) if self.rng.random() < 0.7 else None)
            for _ in range(self.rng.randint(1, 4)):
                CatalogItemFactory(customer=customer, quantity=self.rng.randint(1, 3))
            customers.append(customer)
            if (n + 1) % 50 == 0:
                self.stdout.write(f"  {n + 1} customers")
        orders = self._work_orders(customers, manager)
        self._repairs(customers, orders, manager)
        self._check_ins(customers, manager)

    def _work_orders(self, customers, manager) -> list:
        orders, today = [], datetime.date.today()
        plan = [stage for stage, how_many in STAGE_MIX for _ in range(how_many)]
        for n, stage in enumerate(plan, start=1):
            customer = self.rng.choice(customers)
            age = self.rng.randint(40, 700) if stage == Stage.COMPLETED else self.rng.randint(0, 40)
            date_in = today - datetime.timedelta(days=age)
            order = WorkOrderFactory(
                customer=customer,
                date_in=date_in,
                date_required=date_in + datetime.timedelta(days=self.rng.choice((7, 14, 21, 30))),
                quote=QuoteStatus.NEEDED,
                firm_rush=self.rng.random() < 0.08,
                rush=self.rng.random() < 0.15,
                is_cushion=self.rng.random() < 0.1,
                repairs_needed=self.rng.random() < 0.2,
                storage_time=self.rng.choice(StorageTime.values),
                return_method=self.rng.choice(ReturnMethod.values),
                return_to=self.rng.choice(ReturnTo.values),
                rack_number=f"{self.rng.randint(1, 12)} {self.rng.choice('ABCD')}",
                items=self._items(customer),
                created_by=manager,
            )
            self._advance(order, stage, date_in, manager)
            orders.append(order)
            if n % 100 == 0:
                self.stdout.write(f"  {n} work orders")
        return orders

    def _items(self, customer) -> list[dict]:
        catalog = list(customer.catalog_items.all())
        picked = self.rng.sample(catalog, k=min(len(catalog), self.rng.randint(1, 2)))
        items = [
            {"description": c.description, "material": c.material, "colour": c.colour, "condition": c.condition,
             "size": c.size, "price": c.price, "quantity": 1, "catalog_item": c}
            for c in picked
        ]
        if self.rng.random() < 0.3:
            items.append(item_data(self.rng.randint(0, 20), price=self.rng.randint(40, 400)))
        return items

    def _advance(self, order, stage, date_in, manager) -> None:
        # Days between steps as a shop sees them: rush work jumps ahead, repairs and many pieces
        # hold an order up. The demo's prediction model learns from this, as it would in a shop.
        longest = 1 if order.firm_rush else 2 if order.rush else 3
        held_up = (self.rng.randint(6, 10) if order.repairs_needed else 0) + 4 * (order.items.count() - 1)
        day = date_in
        for n, step in enumerate(PATH[stage]):
            gap = self.rng.randint(0, longest) + (held_up if n == 0 else 0)
            day = min(day + datetime.timedelta(days=gap), datetime.date.today())
            location = f"Shelf {self.rng.randint(1, 30)}" if step == Stage.PACKAGED else ""
            order = change_work_order_stage(work_order=order, to_stage=step, on=day, final_location=location, changed_by=manager)

    def _repairs(self, customers, orders, manager) -> None:
        open_orders = [o for o in orders if o.repairs_needed]
        for n in range(80):
            customer = self.rng.choice(customers)
            repair = RepairOrderFactory(
                customer=customer, rush=self.rng.random() < 0.15, needs_cleaning=self.rng.random() < 0.3,
                created_by=manager,
            )
            if open_orders and n % 3 == 0:
                link_repair(repair_order=repair, work_order=open_orders.pop(), linked_by=manager)

    def _check_ins(self, customers, manager) -> None:
        for n in range(20):
            customer = self.rng.choice(customers)
            check_in = CheckInFactory(customer=customer, rush=self.rng.random() < 0.2, created_by=manager)
            if n % 4 == 0:
                convert_check_in(check_in=check_in, converted_by=manager)


def demo_password(role: str) -> str:
    return f"demo-{role.lower()}-2026"
