import pytest
from django.urls import reverse

from mlmodels import services
from mlmodels.models import ModelVersion
from testing.ml_models import small_model

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:mlmodels_modelversion_changelist")


@pytest.fixture
def second_version(active_version):
    return services.train_completion_model(trained_via="test", make_estimator=small_model).version


def test_managers_see_versions_metrics_and_the_predicted_vs_actual_plot(client, manager, active_version):
    client.force_login(manager)

    listing = client.get(CHANGELIST, {"q": active_version.pk})
    page = client.get(reverse("admin:mlmodels_modelversion_change", args=[active_version.pk])).content.decode()

    assert listing.status_code == 200 and str(active_version.metrics["mae"]) in listing.content.decode()
    assert "<svg" in page and page.count("<circle") == len(active_version.holdout_points) > 0
    assert "baseline mae" in page and "Roll back to the previous version" in page
    for name in ("admin:mlmodels_trainingrun_changelist", "admin:mlmodels_prediction_changelist"):
        assert client.get(reverse(name)).status_code == 200


def test_a_manager_activates_a_version_and_rolls_back_from_the_admin(client, manager, active_version, second_version):
    client.force_login(manager)
    page = client.get(reverse("admin:mlmodels_modelversion_change", args=[second_version.pk])).content.decode()
    assert "Activate this version" in page

    client.post(reverse("admin:mlmodels_modelversion_activate", args=[second_version.pk]))
    assert ModelVersion.objects.get(is_active=True) == second_version

    response = client.post(reverse("admin:mlmodels_modelversion_rollback"), follow=True)
    assert ModelVersion.objects.get(is_active=True) == active_version
    assert f"Version {active_version.pk} is now active" in response.content.decode()


def test_office_staff_and_technicians_cannot_see_or_activate_versions(client, office_user, technician, second_version):
    for user in (office_user, technician):
        client.force_login(user)
        assert client.get(CHANGELIST).status_code in (302, 403)
        response = client.post(reverse("admin:mlmodels_modelversion_activate", args=[second_version.pk]))
        assert response.status_code in (302, 403)
    assert not ModelVersion.objects.get(pk=second_version.pk).is_active


def test_the_prediction_endpoint_answers_staff_with_the_serving_version(client, technician, active_version):
    from workorders.tests.factories import WorkOrderFactory

    order = WorkOrderFactory()
    url = reverse("mlmodels:predict", args=[order.number])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(technician)

    body = client.get(url).json()

    assert body["model_version"] == active_version.pk and body["work_order"] == order.number
    assert body["predicted_completion"] >= order.date_in.isoformat()


def test_the_prediction_endpoint_says_when_no_model_is_active(client, technician):
    from workorders.tests.factories import WorkOrderFactory

    client.force_login(technician)
    response = client.get(reverse("mlmodels:predict", args=[WorkOrderFactory().number]))
    assert response.status_code == 503 and "No completion-time model is active" in response.json()["error"]


def test_activating_from_the_admin_re_predicts_the_open_orders_after_commit(
    client, manager, active_version, second_version, celery_eager, django_capture_on_commit_callbacks
):
    from mlmodels.models import Prediction
    from workorders.tests.factories import WorkOrderFactory

    order = WorkOrderFactory()
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:mlmodels_modelversion_activate", args=[second_version.pk]))

    assert Prediction.objects.get(work_order=order).model_version == second_version


@pytest.mark.parametrize("role", ["manager", "admin_role_user"])
def test_every_model_page_answers_managers_and_admins(client, request, active_version, role):
    from mlmodels.models import Prediction, TrainingRun
    from workorders.tests.factories import WorkOrderFactory

    WorkOrderFactory()
    services.refresh_predictions()
    client.force_login(request.getfixturevalue(role))
    for model in (ModelVersion, TrainingRun, Prediction):
        name = f"admin:mlmodels_{model._meta.model_name}"
        assert client.get(reverse(f"{name}_changelist"), {"q": "1"}).status_code == 200
        assert client.get(reverse(f"{name}_change", args=[model.objects.first().pk])).status_code == 200
        assert client.get(reverse(f"{name}_add")).status_code == 403  # written by the services only
