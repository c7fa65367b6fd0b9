"""Attachments on S3 (moto's server over real HTTP), with tasks eager and with a real Celery
worker on the local Redis."""

import datetime
import io
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection, transaction

from awning.celery import app as celery_app
from files.tasks import promote_attachment
from files.views import download_url
from testing.files import pdf, photo, stage
from testing.s3 import Bucket, use_bucket
from workorders import services
from workorders.models import WorkOrderFile
from workorders.tests.factories import WorkOrderFactory

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.django_db]
ROOT = Path(__file__).resolve().parents[2]


def promoted_upload(order, upload, capture):
    with capture(execute=True):
        attachment = services.add_work_order_file(work_order=order, staged=stage(upload), uploaded_by=None)
    attachment.refresh_from_db()
    return attachment


def test_upload_is_promoted_to_its_final_key_with_a_thumbnail(bucket, django_capture_on_commit_callbacks):
    order = WorkOrderFactory()
    attachment = promoted_upload(order, photo(), django_capture_on_commit_callbacks)
    prefix = f"work-orders/{order.number}/"
    assert bucket.object_keys() == [prefix + "IMG_0001.jpg", prefix + "thumbnails/IMG_0001.jpg.thumb.jpg"]
    assert attachment.file.name == prefix + "IMG_0001.jpg"


def test_objects_are_private(bucket, django_capture_on_commit_callbacks):
    promoted_upload(WorkOrderFactory(), photo(), django_capture_on_commit_callbacks)
    for key in bucket.object_keys():
        grants = bucket.client.get_object_acl(Bucket=bucket.name, Key=key)["Grants"]
        assert all("URI" not in grant["Grantee"] for grant in grants), grants  # no AllUsers / AuthenticatedUsers
        public = f"{bucket.endpoint}/{bucket.name}/{key}"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(public)
        assert refused.value.code == 403


def test_a_rolled_back_upload_leaves_no_final_object_and_reconcile_sweeps_the_staged_one(bucket):
    order = WorkOrderFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.add_work_order_file(work_order=order, staged=stage(photo()), uploaded_by=None)
        raise RuntimeError("the order's save failed")
    assert bucket.object_keys("work-orders/") == []
    assert len(bucket.object_keys("staging/")) == 1
    call_command("reconcile_storage", "--delete", stdout=io.StringIO())
    assert len(bucket.object_keys("staging/")) == 1  # younger than a day: left alone
    call_command("reconcile_storage", "--delete", "--staged-hours", "0", stdout=io.StringIO())
    assert bucket.object_keys() == []


def test_promoting_twice_leaves_one_object_and_one_thumbnail(bucket, django_capture_on_commit_callbacks):
    order = WorkOrderFactory()
    attachment = services.add_work_order_file(work_order=order, staged=stage(photo()), uploaded_by=None)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            promote_attachment(attachment._meta.label, attachment.pk)
    assert len(bucket.object_keys("work-orders/")) == 2 and bucket.object_keys("staging/") == []


def test_deleting_the_order_deletes_its_objects_after_commit(bucket, django_capture_on_commit_callbacks):
    order = WorkOrderFactory()
    for upload in (photo(), pdf()):
        promoted_upload(order, upload, django_capture_on_commit_callbacks)
    assert len(bucket.object_keys()) == 3
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.delete_work_order(work_order=order)
    assert len(bucket.object_keys()) == 3
    for callback in callbacks:
        callback()
    assert bucket.object_keys() == []


def test_the_download_link_works_and_expires(bucket, settings, client, office_user, django_capture_on_commit_callbacks):
    use_bucket(settings, bucket, expire=120)
    attachment = promoted_upload(WorkOrderFactory(), pdf(), django_capture_on_commit_callbacks)
    client.force_login(office_user)
    asked_at = datetime.datetime.now(datetime.UTC)
    response = client.get(download_url(attachment))
    assert response.status_code == 302
    link = response["Location"]
    assert link.startswith(f"{bucket.endpoint}/{bucket.name}/work-orders/")
    with urllib.request.urlopen(link) as fetched:
        assert fetched.read().startswith(b"%PDF")
        assert fetched.headers["Content-Disposition"] == 'inline; filename="quote.pdf"'
    # moto serves expired links (it does not check signatures), so check what S3 enforces: the
    # signed query says the link dies two minutes after it was made.
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
    signed_at = datetime.datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)
    assert query["X-Amz-Expires"] == ["120"] and "X-Amz-Signature" in query
    assert abs((signed_at - asked_at).total_seconds()) < 5
    client.logout()
    assert client.get(download_url(attachment)).status_code == 302  # to the login page, not S3
    assert "login" in client.get(download_url(attachment))["Location"]


def test_reconcile_on_a_seeded_bucket_deletes_exactly_the_unreferenced_objects(bucket, django_capture_on_commit_callbacks):
    order = WorkOrderFactory()
    referenced = promoted_upload(order, photo(), django_capture_on_commit_callbacks)
    kept = sorted([referenced.file.name, referenced.thumbnail.name, bucket.put("ml-models/v1.skops")])
    for key in (f"work-orders/{order.number}/stray.jpg", "repair-orders/8/old.pdf", "staging/ab12/rolled-back.jpg"):
        bucket.put(key)
    out = io.StringIO()
    call_command("reconcile_storage", "--staged-hours", "0", "--grace-minutes", "0", stdout=out)
    assert "Would delete 3 orphan(s)" in out.getvalue() and len(bucket.object_keys()) == 6
    call_command("reconcile_storage", "--delete", "--staged-hours", "0", "--grace-minutes", "0", stdout=io.StringIO())
    assert bucket.object_keys() == kept


# --- a real worker -----------------------------------------------------------------------------


@pytest.fixture
def celery_worker(moto_endpoint, settings):
    """A `celery worker` process on the test database, the local Redis and a moto bucket."""
    if connection.vendor != "postgresql" or not django_settings.REDIS_URL:
        pytest.skip("the worker test needs PostgreSQL and Redis (the SQLite pass runs tasks eagerly)")
    worker_bucket = Bucket(moto_endpoint, f"awning-worker-{os.getpid()}-{time.monotonic_ns()}")
    use_bucket(settings, worker_bucket)
    db = connection.settings_dict
    env = {
        **os.environ, **worker_bucket.environment(),
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": django_settings.REDIS_URL, "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "awning", "worker", "--pool", "solo", "--without-gossip",
         "--without-mingle", "--without-heartbeat", "--loglevel", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    celery_app.conf.task_always_eager = False
    try:
        yield worker_bucket
    finally:
        celery_app.conf.task_always_eager = True
        process.terminate()
        _, errors = process.communicate(timeout=30)
        assert b"Traceback" not in errors, errors.decode()[-3000:]


def wait_for(condition, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.2)
    raise AssertionError("timed out waiting for the worker")


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_promotes_after_commit_and_deletes_after_delete(celery_worker):
    order = WorkOrderFactory()
    attachment = services.add_work_order_file(work_order=order, staged=stage(photo()), uploaded_by=None)  # commits
    prefix = f"work-orders/{order.number}/"
    promoted = wait_for(lambda: WorkOrderFile.objects.filter(pk=attachment.pk, thumbnail__startswith=prefix).first())
    assert promoted.file.name == prefix + "IMG_0001.jpg"
    wait_for(lambda: celery_worker.object_keys("staging/") == [])
    assert celery_worker.object_keys() == [prefix + "IMG_0001.jpg", prefix + "thumbnails/IMG_0001.jpg.thumb.jpg"]

    with pytest.raises(RuntimeError), transaction.atomic():
        services.add_work_order_file(work_order=order, staged=stage(photo("rolled-back.jpg")), uploaded_by=None)
        raise RuntimeError
    services.delete_work_order(work_order=order)
    wait_for(lambda: celery_worker.object_keys("work-orders/") == [])
    assert len(celery_worker.object_keys("staging/")) == 1  # the rolled-back upload's, never promoted
