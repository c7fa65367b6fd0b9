import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cleaning_queue.tests.factories import queued
from mlmodels import services, tasks
from mlmodels.models import Prediction, TrainingRun
from workorders import services as work_orders
from workorders.models import WorkOrder
from workorders.stages import Stage
from workorders.tests.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:workorders_workorder_changelist")


def test_refresh_predicts_every_open_order_with_the_active_version(active_version):
    open_orders = [WorkOrderFactory() for _ in range(3)]

    assert services.refresh_predictions() == 3

    rows = Prediction.objects.filter(work_order__in=open_orders)
    assert rows.count() == 3 and {p.model_version_id for p in rows} == {active_version.pk}
    for prediction in rows:
        # Never before today for an order that is still open.
        assert prediction.predicted_completion >= datetime.date.today() - datetime.timedelta(days=1)
    assert not Prediction.objects.filter(work_order__completed_on__isnull=False).exists()


def test_pruning_keeps_each_order_s_newest_and_the_last_90_days(active_version):
    first, second = WorkOrderFactory(), WorkOrderFactory()
    now = timezone.now()

    def predicted(order, days_ago):
        return Prediction.objects.create(
            work_order=order, model_version=active_version, predicted_days=3,
            predicted_completion=datetime.date(2030, 1, 1), made_at=now - datetime.timedelta(days=days_ago),
        ).pk

    superseded_long_ago = predicted(first, 200)
    kept = [predicted(first, 60), predicted(first, 1), predicted(second, 300)]  # recent, newest, only one
    assert services.prune_predictions(now=now) == 1
    assert sorted(Prediction.objects.values_list("pk", flat=True)) == sorted(kept)
    assert superseded_long_ago not in kept


def test_a_batch_is_stamped_with_the_time_it_read_its_facts(active_version, monkeypatch):
    # An edit committed while the batch runs predicts from newer facts; its row, made after the
    # batch read, must stay the newest, so the batch's rows carry the time of their read.
    WorkOrderFactory()
    read_at = []
    load = services.load_order_facts
    monkeypatch.setattr(services, "load_order_facts", lambda orders: read_at.append(timezone.now()) or load(orders))
    services.refresh_predictions()
    assert Prediction.objects.get().made_at <= read_at[0]


def test_the_newest_prediction_is_the_one_shown_in_the_admin_list_and_page(active_version, office_client, manager):
    order, done = WorkOrderFactory(), WorkOrderFactory()
    services.refresh_predictions()
    Prediction.objects.filter(work_order=order).update(predicted_completion=datetime.date(2031, 5, 4))
    services.refresh_predictions(orders=WorkOrder.objects.filter(pk=done.pk))
    work_orders.change_work_order_stage(work_order=done, to_stage=Stage.COMPLETED, changed_by=manager)
    newest = Prediction.objects.create(
        work_order=order, model_version=active_version, predicted_days=9, predicted_completion=datetime.date(2031, 6, 7),
        made_at=Prediction.objects.filter(work_order=order).get().made_at + datetime.timedelta(seconds=1),
    )

    listing = office_client.get(LIST_URL).content.decode()
    page = office_client.get(reverse("admin:workorders_workorder_change", args=[order.pk])).content.decode()

    assert "Predicted done" in listing and "June 7, 2031" in listing and "May 4, 2031" not in listing
    assert "June 7, 2031" in page and newest.work_order == order


def test_predictions_add_no_query_per_row_to_the_work_order_list(active_version, office_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert office_client.get(LIST_URL).status_code == 200
        return len(captured)

    WorkOrderFactory()
    services.refresh_predictions()
    queries()  # warm the shared cache
    one = queries()
    for _ in range(15):
        WorkOrderFactory()
    services.refresh_predictions()
    assert queries() == one <= 12


def test_the_queue_page_shows_when_each_order_will_likely_be_done(active_version, client, technician):
    order = queued()
    Prediction.objects.create(
        work_order=order, model_version=active_version, predicted_days=4, predicted_completion=datetime.date(2030, 3, 9),
        made_at=datetime.datetime(2030, 3, 5, tzinfo=datetime.UTC),
    )
    client.force_login(technician)

    assert "Likely done 03/09/2030" in client.get(reverse("queue:queue")).content.decode()
    assert "Likely done 03/09/2030" in client.get(reverse("queue:order", args=[order.number])).content.decode()
    WorkOrder.objects.filter(pk=order.pk).update(stage=Stage.COMPLETED, completed_on=datetime.date(2030, 3, 8))
    assert "Likely done" not in client.get(reverse("queue:order", args=[order.number])).content.decode()


def test_creating_and_editing_an_order_re_predicts_it_after_commit(
    active_version, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = WorkOrderFactory()
        assert not Prediction.objects.filter(work_order=order).exists()  # not before commit
    assert Prediction.objects.filter(work_order=order).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        work_orders.update_work_order(work_order=order, fields={"rush": True}, expected_version=None, updated_by=None)
    assert Prediction.objects.filter(work_order=order, model_version=active_version).count() == 2


def test_without_an_active_model_edits_enqueue_nothing(db, monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(tasks.refresh_work_order_prediction, "delay", sent.append)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        WorkOrderFactory()

    assert callbacks and sent == []


def test_daily_task_refreshes_open_orders_and_nightly_task_skips_while_a_run_holds_the_lease(active_version):
    WorkOrderFactory()
    assert tasks.refresh_open_predictions.apply().get() == 1

    services._take_lease(trained_via="command", trained_by=None)
    assert "Another training run" in tasks.train_completion_model_nightly.apply().get()
    assert TrainingRun.objects.filter(status=TrainingRun.Status.RUNNING).count() == 1


def test_beat_runs_the_nightly_training_and_the_daily_refresh():
    from awning.celery import app

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"mlmodels.tasks.train_completion_model_nightly", "mlmodels.tasks.refresh_open_predictions"} <= scheduled
    app.loader.import_default_modules()
    assert {"mlmodels.tasks.train_completion_model_nightly", "mlmodels.tasks.refresh_open_predictions"} <= set(app.tasks)
