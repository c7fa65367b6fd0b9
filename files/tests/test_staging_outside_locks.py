"""No lock waits for an upload: files are staged before the number sequence and the queue lock are
taken (files.attachments.stage_upload), so while one upload hangs in storage another work order
is created with an approved quote (number sequence + queue lock) and a technician finishes
cleaning an order (in progress -> cleaned: it leaves the queue, so the queue lock; queued ->
in progress stays in the queue and takes no queue lock). Real threads; the storage stub holds the upload inside ``storage.save``."""

import threading
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from accounts.roles import OFFICE, TECHNICIAN
from accounts.tests.factories import make_user
from core.choices import QuoteStatus
from customers.tests.factories import CustomerFactory
from files.attachments import stage_upload
from files.storage import is_staged
from testing.admin_forms import AWNING, WORK_ORDER_ADD_URL, work_order_post
from testing.files import photo
from workorders.models import WorkOrder, WorkOrderFile
from workorders.services import add_work_order_file, change_work_order_stage, create_work_order
from workorders.stages import Stage
from workorders.tests.factories import WorkOrderFactory, item_data

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

# Generous: a creation or a stage move takes milliseconds, but five engineers share two cores.
FINISHES_WITHIN = 20
# The negative control: a creation queued behind the held upload is still waiting after this.
STILL_BLOCKED_AFTER = 1.5


class HeldUpload:
    """``storage.save`` that holds the first save under staging/ until released."""

    def __init__(self, storage):
        self.entered, self.release = threading.Event(), threading.Event()
        self._save = storage.save

    def save(self, name, content, max_length=None):
        if is_staged(name) and not self.entered.is_set():
            self.entered.set()
            assert self.release.wait(60), "the test never released the upload"
        return self._save(name, content, max_length=max_length)


def start(work):
    """Run ``work`` in a thread with its own connection; its result or exception lands in the box."""
    box = {}

    def run():
        try:
            box["result"] = work()
        except BaseException as error:  # noqa: BLE001 — handed back to the test
            box["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, box


def result_of(thread, box):
    assert not thread.is_alive(), "thread still running"
    if "error" in box:
        raise box["error"]
    return box["result"]


@pytest.fixture
def shop():
    office, other_office, technician = make_user(OFFICE), make_user(OFFICE), make_user(TECHNICIAN)
    return {
        "customer": CustomerFactory(),
        "office": office,
        "other_office": other_office,
        "technician": technician,
        "started": started_order(technician),  # in the queue, for the technician to finish
    }


def started_order(technician):
    order = WorkOrderFactory(quote=QuoteStatus.APPROVED)
    return change_work_order_stage(work_order=order, to_stage=Stage.IN_PROGRESS, changed_by=technician)


def other_work(shop):
    """Another office creating an approved order, and a technician finishing the started one."""
    creation = start(lambda: create_work_order(
        customer=shop["customer"], fields={"quote": QuoteStatus.APPROVED}, items=[item_data()],
        created_by=shop["other_office"],
    ))
    move = start(lambda: change_work_order_stage(
        work_order=WorkOrder.objects.get(pk=shop["started"].pk), to_stage=Stage.CLEANED, changed_by=shop["technician"],
    ))
    return creation, move


def run_while_upload_held(shop, upload_work):
    """Start ``upload_work``, wait until its upload is inside storage.save, then run the other
    work; return (creation, move, upload) thread/box pairs once the upload was released."""
    held = HeldUpload(default_storage)
    with mock.patch.object(default_storage, "save", held.save):
        upload = start(upload_work)
        try:
            assert held.entered.wait(FINISHES_WITHIN), "the upload never reached storage"
            creation, move = other_work(shop)
            for thread, _ in (creation, move):
                thread.join(FINISHES_WITHIN)
            finished_while_held = not creation[0].is_alive() and not move[0].is_alive()
            assert not held.release.is_set()
        finally:
            held.release.set()
            upload[0].join(FINISHES_WITHIN)
    for thread, _ in (creation, move):
        thread.join(FINISHES_WITHIN)
    return finished_while_held, creation, move, upload


def assert_other_work_done(shop, creation, move):
    created = result_of(*creation)
    assert created.stage == Stage.QUEUED
    assert result_of(*move).stage == Stage.CLEANED
    return created


def test_an_admin_upload_held_in_storage_blocks_no_creation_and_no_stage_move(shop):
    if connection.vendor == "sqlite":
        # The admin opens its transaction before the form's validation stages the files, and on
        # SQLite every transaction is BEGIN IMMEDIATE: it holds the one database write lock from
        # its first statement, whatever the order inside. Only PostgreSQL has row locks to spare.
        pytest.skip("SQLite: the admin's open transaction is the database's single write lock")
    client = Client()
    client.force_login(shop["office"])
    body = work_order_post(shop["customer"], items=[AWNING], quote=QuoteStatus.APPROVED, add_files=[photo("held.jpg")])

    finished_while_held, creation, move, upload = run_while_upload_held(shop, lambda: client.post(WORK_ORDER_ADD_URL, body))

    assert finished_while_held, "a creation or a stage move waited for the office's upload"
    created = assert_other_work_done(shop, creation, move)
    assert result_of(*upload).status_code == 302
    uploaded = WorkOrder.objects.get(files__original_name="held.jpg")
    # The admin's order took its number only after the upload: the sequence was free meanwhile.
    assert created.number < uploaded.number
    assert uploaded.files.get().file.name == f"work-orders/{uploaded.number}/held.jpg"  # promoted after commit


def test_a_floor_photo_held_in_storage_blocks_no_creation_and_no_stage_move(shop):
    # The photo view stages before the service's transaction, so this holds on SQLite as well.
    photographed = WorkOrderFactory(quote=QuoteStatus.APPROVED)
    client = Client()
    client.force_login(shop["technician"])
    url = reverse("queue:photos", args=[photographed.number])

    finished_while_held, creation, move, upload = run_while_upload_held(
        shop, lambda: client.post(url, {"photos": [photo("held.jpg")]})
    )

    assert finished_while_held, "a creation or a stage move waited for the technician's photo"
    assert_other_work_done(shop, creation, move)
    assert result_of(*upload).status_code == 302
    assert photographed.files.get().file.name == f"work-orders/{photographed.number}/held.jpg"


def test_negative_control_staging_after_the_order_was_created_blocks_the_others(shop):
    """The old ordering: the upload staged inside the creating transaction, after the number and
    the queue lock were taken. The same harness must see the other work wait."""

    def old_ordering():
        with transaction.atomic():
            order = create_work_order(
                customer=shop["customer"], fields={"quote": QuoteStatus.APPROVED}, items=[item_data()],
                created_by=shop["office"],
            )
            staged = stage_upload(photo("held.jpg"), model=WorkOrderFile)  # under the order's locks
            add_work_order_file(work_order=order, staged=staged, uploaded_by=shop["office"])
        return order

    held = HeldUpload(default_storage)
    with mock.patch.object(default_storage, "save", held.save):
        upload = start(old_ordering)
        try:
            assert held.entered.wait(FINISHES_WITHIN), "the upload never reached storage"
            creation, move = other_work(shop)
            creation[0].join(STILL_BLOCKED_AFTER)
            move[0].join(0.5)
            blocked = creation[0].is_alive(), move[0].is_alive()
        finally:
            held.release.set()
            upload[0].join(FINISHES_WITHIN)
    for thread, _ in (creation, move):
        thread.join(FINISHES_WITHIN)

    assert blocked == (True, True), "the harness did not see the held upload block the others"
    # Once released, everyone finishes: it was waiting, not a deadlock.
    assert_other_work_done(shop, creation, move)
    assert result_of(*upload).number < result_of(*creation).number
