"""What follows the tables: the soft links between work and repair orders, the cleaning queue,
the user accounts, and the legacy tables that have no home here."""

from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts import roles
from accounts.hashers import from_werkzeug
from accounts.models import User
from accounts.services import role_of, set_role
from cleaning_queue.models import QUEUE_PK, Queue, QueueEntry
from cleaning_queue.services import bump_version, default_key
from core.locks import lock_queue, lock_repair_orders, lock_rows
from customers.models import Customer
from repairs.models import RepairOrder
from workorders.models import WorkOrder
from workorders.stages import QUEUE_STAGES

from . import cleaning, mappers
from .tables import Run
from .writers import char_limits, fit

# Legacy roles: admin = everything, manager = all business work, user = the cleaning room.
ROLE_MAP = {"admin": roles.ADMIN, "manager": roles.MANAGER, "user": roles.TECHNICIAN, "staff": roles.OFFICE}


@transaction.atomic
def link_orders(run: Run) -> None:
    """``seerepair`` / ``seeclean`` → RepairOrder.work_order wherever both orders exist.

    Locks the work orders and repair orders whose links change, in the order of core/locks.py
    (_lock_links). Schedules nothing after commit."""
    table, lookups = "links", run.lookups
    stats = run.report.table(table)
    wo_links, ro_links = {}, {}
    for number, target in run.source.pairs("tblcustworkorderdetail", "workorderno", "seerepair"):
        number, (target, _) = cleaning.legacy_number(number), cleaning.link_target(target)
        if number and target in lookups.legacy_repair_orders:
            wo_links[number] = target
    for number, target in run.source.pairs("tblrepairworkorderdetail", "repairorderno", "seeclean"):
        number, (target, _) = cleaning.legacy_number(number), cleaning.link_target(target)
        if number and target in lookups.legacy_work_orders:
            ro_links[number] = target
    stats.read = len(wo_links) + len(ro_links)
    chosen, conflicts = mappers.link_pairs(wo_links, ro_links)
    for ro, wo in conflicts:
        run.report.altered(table, f"RO {ro}", "link_conflict_kept_first", f"WO {wo}")
    work_orders = dict(WorkOrder.objects.values_list("number", "pk").iterator(5000))
    wanted = {}
    for number, pk in RepairOrder.objects.filter(number__in=lookups.legacy_repair_orders).values_list("number", "pk"):
        wanted[pk] = work_orders.get(chosen.get(number))
    current = dict(RepairOrder.objects.filter(pk__in=list(wanted)).values_list("pk", "work_order_id"))
    changed = [pk for pk, work_order in wanted.items() if current.get(pk) != work_order]
    if not changed:
        return
    _lock_links(changed, wanted)
    # Unlink first: a link moving from one repair order to another must not meet itself.
    RepairOrder.objects.filter(pk__in=changed).update(work_order=None)
    relinked = [RepairOrder(pk=pk, work_order_id=wanted[pk]) for pk in changed if wanted[pk] is not None]
    RepairOrder.objects.bulk_update(relinked, ["work_order"], batch_size=run.batch_size)
    stats.updated = len(changed)


def _lock_links(changed: list[int], wanted: dict) -> None:
    """The lock order of core/locks.py, as link_repair takes it: the work orders the changed repair
    orders link to now or will link to (pk order), then those repair orders (full lock: their unique
    link moves), so an office delete of one of these work orders waits instead of deadlocking."""
    linked_now = RepairOrder.objects.filter(pk__in=changed, work_order__isnull=False).values_list("work_order", flat=True)
    work_orders = {*linked_now, *(wanted[pk] for pk in changed if wanted[pk] is not None)}
    lock_rows(WorkOrder.objects.filter(pk__in=work_orders))
    lock_repair_orders(RepairOrder.objects.filter(pk__in=changed), key_change=True)


@transaction.atomic
def rebuild_queue(run: Run) -> None:
    """Queued orders keep the legacy positions' order; unpositioned ones (newcomers of the last
    day) are slotted by the queue's own rule, after the last entry the default order puts first.

    Locks the queue row only (the queued orders are read, not written). Schedules nothing after
    commit."""
    stats = run.report.table("queue")
    queue = lock_queue(Queue, pk=QUEUE_PK)
    members = list(WorkOrder.objects.filter(stage__in=QUEUE_STAGES).only(
        "number", "rush", "firm_rush", "date_required", "date_in", "legacy_data"
    ))
    stats.read = len(members)
    positioned = sorted(
        (m for m in members if m.legacy_data.get("queue_position") is not None),
        key=lambda m: (m.legacy_data["queue_position"], default_key(m)),
    )
    ordered = list(positioned)
    for newcomer in sorted((m for m in members if m.legacy_data.get("queue_position") is None), key=default_key):
        key = default_key(newcomer)
        index = 1 + max((i for i, entry in enumerate(ordered) if default_key(entry) < key), default=-1)
        ordered.insert(index, newcomer)
    wanted = [(order.pk, position) for position, order in enumerate(ordered, start=1)]
    current = list(QueueEntry.objects.order_by("position").values_list("work_order_id", "position"))
    if wanted == current:
        return
    stats.deleted = QueueEntry.objects.all().delete()[0]
    QueueEntry.objects.bulk_create([QueueEntry(work_order_id=pk, position=position) for pk, position in wanted])
    stats.created = len(wanted)
    bump_version(queue, None)  # open queue pages are stale now: their next move is refused


@transaction.atomic
def import_users(run: Run) -> None:
    """Users keep their Werkzeug password hashes, verified and upgraded at first login by
    accounts.hashers. A password already changed here is never overwritten by a re-import."""
    table = "user"
    stats = run.report.table(table)
    for row in run.read(table):
        username = cleaning.text(row["username"])
        legacy_role = cleaning.text(row["role"])
        role = ROLE_MAP.get(legacy_role.lower())
        if role is None:
            run.report.altered(table, username, "role_unknown_made_technician", row["role"])
            role = roles.TECHNICIAN
        elif legacy_role != legacy_role.lower():
            run.report.altered(table, username, "role_case", row["role"])
        encoded, verifiable = from_werkzeug(row["password_hash"])
        if not verifiable:
            run.report.altered(table, username, "password_format_unverifiable", row["password_hash"].split("$")[0])
        if encoded is None:
            run.report.altered(table, username, "password_too_long_must_reset", row["password_hash"].split("$")[0])
            encoded = make_password(None)
        email = cleaning.text(row["email"])
        user = User.objects.select_for_update().filter(username__iexact=username).first()
        if user is None:
            user = User.objects.create(username=username, email=email, password=encoded)
            set_role(user=user, role=role)
            stats.created += 1
            continue
        fields = {"email": email}
        # Only a legacy hash nobody has logged in with yet follows the export; a password set
        # here, or one an Admin disabled, stays as it is.
        if user.password.startswith("werkzeug$"):
            fields["password"] = encoded
        changed = {name: value for name, value in fields.items() if getattr(user, name) != value}
        if changed:
            User.objects.filter(pk=user.pk).update(**changed)
        if role_of(user) != role:
            set_role(user=user, role=role)
            changed["role"] = role
        stats.updated += bool(changed)


@transaction.atomic
def import_reminders(run: Run) -> None:
    """The reminder log, so customers reminded lately by the legacy app are not e-mailed again.

    Log rows never change once written; a row is known by its customer and send time, and only
    rows not yet here are added.
    """
    from insights.models import CleaningReminder  # the reminders app is optional here

    table, lookups = "email_reminders", run.lookups
    if not lookups.customer:
        lookups.customer = dict(Customer.objects.values_list("number", "pk").iterator(5000))
    existing = set(CleaningReminder.objects.values_list("customer_id", "created_at"))
    status_map = {"sent": CleaningReminder.Status.SENT, "failed": CleaningReminder.Status.FAILED,
                  "bounced": CleaningReminder.Status.FAILED}
    pending = []
    for row in run.read(table):
        try:
            customer_id = mappers.customer_pk(row, lookups)
        except mappers.Skip as skip:
            run.report.skipped(table, row["id"], skip.reason, skip.value)
            continue
        legacy_status = cleaning.text(row["status"]).lower()
        status = status_map.get(legacy_status, CleaningReminder.Status.FAILED)
        if legacy_status not in ("sent", "failed"):
            run.report.altered(table, row["id"], f"status_{legacy_status or 'missing'}_as_failed", row["status"])
        sent = mappers.aware(row["date_sent"])
        values = {
            "customer_id": customer_id,
            "email": cleaning.email(row["email_address"])[0],
            "status": status,
            "created_at": sent,
            "sent_at": sent if status == CleaningReminder.Status.SENT else None,
            "error": (row["error_message"] or "").strip() or ("bounced" if legacy_status == "bounced" else ""),
            "message_id": cleaning.text(row["message_id"]),
            "last_completed_on": row["last_work_order_date"] or sent.date(),
        }
        if (customer_id, sent) not in existing:
            existing.add((customer_id, sent))
            pending.append(CleaningReminder(**fit(values, char_limits(CleaningReminder),
                                                  run.noter(table, row["id"]))))
    CleaningReminder.objects.bulk_create(pending, batch_size=run.batch_size)
    run.report.table(table).created += len(pending)


def skip_table(run: Run, table: str, reason: str) -> None:
    """Read for the record, then listed as skipped: the new system has no model for these rows."""
    key_column = "id"
    for row in run.read(table):
        run.report.skipped(table, row[key_column], reason)
