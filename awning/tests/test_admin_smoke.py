"""Every registered ModelAdmin answers its list, search, add and change pages."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import User
from customers.tests.factories import CatalogItemFactory, SourceFactory
from repairs.tests.factories import RepairOrderFactory
from workorders.models import WorkOrder
from workorders.tests.factories import CheckInFactory, WorkOrderFactory

pytestmark = pytest.mark.django_db

ADMIN_ONLY = (User, Group)
# The completion-time model's pages are for Managers and Admins: mlmodels/tests/test_admin.py.
MODEL_PAGES = tuple(apps.get_app_config("mlmodels").get_models())
# The reminder log is for Admins only, and read-only: insights/tests/test_admin.py.
MODEL_PAGES += tuple(apps.get_app_config("insights").get_models())
BUSINESS_MODELS = [model for model in admin.site._registry if model not in ADMIN_ONLY + MODEL_PAGES]


@pytest.fixture
def one_of_each(office_user):
    item = CatalogItemFactory(customer__source=SourceFactory())
    order = WorkOrderFactory(customer=item.customer)
    RepairOrderFactory(customer=item.customer, work_order=order)
    CheckInFactory(customer=item.customer)
    return order


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", BUSINESS_MODELS, ids=lambda m: m._meta.label)
def test_office_user_can_list_search_add_and_change(client, office_user, one_of_each, model):
    client.force_login(office_user)
    model_admin = admin.site._registry[model]
    assert client.get(_url(model, "changelist")).status_code == 200
    assert client.get(_url(model, "changelist"), {"q": "1"}).status_code == 200
    assert client.get(_url(model, "changelist"), {"q": "Smith's 8'9\""}).status_code == 200
    request = client.get(_url(model, "changelist")).wsgi_request
    if model_admin.has_add_permission(request):
        assert client.get(_url(model, "add")).status_code == 200
    obj = model.objects.first()
    # follow: the quotes list hands its change page to the work order's own page
    assert client.get(_url(model, "change", obj.pk), follow=True).status_code == 200


@pytest.mark.parametrize("model", [m for m in admin.site._registry if m not in MODEL_PAGES], ids=lambda m: m._meta.label)
def test_admin_role_sees_every_page(client, admin_role_user, one_of_each, model):
    client.force_login(admin_role_user)
    assert client.get(_url(model, "changelist")).status_code == 200
    obj = model.objects.first()
    assert client.get(_url(model, "change", obj.pk), follow=True).status_code == 200


@pytest.mark.parametrize("model", ADMIN_ONLY, ids=lambda m: m._meta.label)
def test_office_user_cannot_manage_users_or_roles(client, office_user, model):
    client.force_login(office_user)
    assert client.get(_url(model, "changelist")).status_code == 403


def test_technician_gets_no_admin_access(client, technician, one_of_each):
    client.force_login(technician)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    response = client.get(_url(WorkOrder, "changelist"))
    assert response.status_code == 302
