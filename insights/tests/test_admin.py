import pytest
from django.urls import reverse

from customers.tests.factories import CustomerFactory
from insights import services
from insights.models import CleaningReminder
from testing.orders import days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(manager):
    customer = CustomerFactory(name="Pat Rowe")
    services.unsubscribe_customer(customer=customer)
    return CleaningReminder.objects.create(customer=customer, email=customer.email, status="failed", error="bounced",
                                           last_completed_on=days_ago(340))


@pytest.mark.parametrize("model", ["cleaningreminder", "reminderoptout"])
def test_admins_search_and_filter_the_reminder_log(client, admin_role_user, logged, model):
    client.force_login(admin_role_user)
    url = reverse(f"admin:insights_{model}_changelist")
    assert b"Pat Rowe" in client.get(url, {"q": "Pat Rowe"}).content
    assert b"Pat Rowe" not in client.get(url, {"q": "nobody-at-all"}).content
    assert client.get(reverse(f"admin:insights_{model}_add")).status_code == 403


def test_the_log_is_admin_only(client, manager, logged):
    client.force_login(manager)
    assert client.get(reverse("admin:insights_cleaningreminder_changelist")).status_code == 403
