import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from sequences import get_last_value

from core.checks import check_sequences_not_behind
from core.numbering import CUSTOMER_NUMBER, WORK_ORDER_NUMBER, fix_sequences, sequence_states
from customers.models import Customer
from customers.services import create_customer
from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _import_legacy_customers(numbers) -> None:
    """Rows written the way an importer writes them: numbers given, no sequence taken."""
    Customer.objects.bulk_create(Customer(number=n, name=f"Legacy {n}") for n in numbers)


def test_sequences_in_step_pass_the_command_and_the_check(capsys):
    CustomerFactory.create_batch(3)
    call_command("check_sequences")
    assert "customer_number        last=3        highest=3        ok" in capsys.readouterr().out
    assert check_sequences_not_behind(databases=["default"]) == []


def test_a_sequence_behind_its_table_fails_the_command_and_the_system_check():
    _import_legacy_customers([5, 44321])
    with pytest.raises(CommandError, match="Behind: customer_number"):
        call_command("check_sequences")
    errors = check_sequences_not_behind(databases=["default"])
    assert [error.id for error in errors] == ["core.E001"]
    assert "44321" in errors[0].msg


def test_fix_moves_the_sequence_forward_and_creation_continues_after_the_highest_number():
    _import_legacy_customers([5, 44321])
    call_command("check_sequences", "--fix")
    assert [s.behind for s in sequence_states()] == [False, False, False]
    assert create_customer(fields={"name": "New"}, created_by=None).number == 44322


def test_fix_never_moves_a_sequence_backwards():
    CustomerFactory.create_batch(4)
    Customer.objects.filter(number__gt=2).delete()
    fix_sequences()
    assert get_last_value(CUSTOMER_NUMBER) == 4
    assert get_last_value(WORK_ORDER_NUMBER) is None
