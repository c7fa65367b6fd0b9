"""services.complete_repair_order: who completes, the date, twice."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from core.errors import InvalidTransition
from repairs import services
from repairs.models import RepairOrder
from repairs.tests.factories import RepairOrderFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def test_a_manager_completes_a_repair_order(manager):
    repair = RepairOrderFactory()
    on = TODAY - datetime.timedelta(days=1)

    services.complete_repair_order(repair_order=repair, on=on, completed_by=manager)

    row = RepairOrder.objects.get(pk=repair.pk)
    assert (row.completed_on, row.version, row.updated_by) == (on, 2, manager)
    assert not row.is_open


def test_completing_without_a_date_stamps_today(manager):
    repair = RepairOrderFactory()

    services.complete_repair_order(repair_order=repair, completed_by=manager)

    assert RepairOrder.objects.get(pk=repair.pk).completed_on == timezone.localdate()


@pytest.mark.parametrize("role_fixture", ["office_user", "technician"])
def test_only_managers_complete_repair_orders(request, role_fixture):
    user = request.getfixturevalue(role_fixture)
    repair = RepairOrderFactory()

    with pytest.raises(PermissionDenied) as caught:
        services.complete_repair_order(repair_order=repair, completed_by=user)

    assert str(caught.value) == services.ONLY_MANAGERS_COMPLETE
    assert RepairOrder.objects.get(pk=repair.pk).completed_on is None


def test_completing_a_repair_order_twice_is_refused(manager):
    repair = RepairOrderFactory()
    first_day = TODAY - datetime.timedelta(days=2)
    services.complete_repair_order(repair_order=repair, on=first_day, completed_by=manager)

    with pytest.raises(InvalidTransition) as caught:
        services.complete_repair_order(repair_order=repair, completed_by=manager)

    assert str(caught.value) == services.ALREADY_COMPLETED.format(number=repair.number)
    row = RepairOrder.objects.get(pk=repair.pk)
    assert (row.completed_on, row.version) == (first_day, 2)
