import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from accounts import services
from accounts.models import User
from accounts.roles import ADMIN, MANAGER, OFFICE, ROLES, TECHNICIAN

pytestmark = pytest.mark.django_db

STRONG = "tarp-Harbor-41-mildew"


@pytest.mark.parametrize(
    ("role", "is_staff"), [(TECHNICIAN, False), (OFFICE, True), (MANAGER, True), (ADMIN, True)]
)
def test_create_user_puts_the_user_in_exactly_their_role_group(role, is_staff):
    user = services.create_user(username="ana", email="ana@example.com", password=STRONG, role=role)

    row = User.objects.get(pk=user.pk)
    assert list(row.groups.values_list("name", flat=True)) == [role]
    assert row.is_staff is is_staff
    assert not row.is_superuser
    assert services.role_of(row) == role
    # django-axes checks the lockout first, and needs the request to know the address
    assert authenticate(RequestFactory().post("/accounts/login/"), username="ana", password=STRONG) == row


def test_create_user_refuses_an_unknown_role():
    with pytest.raises(ValidationError) as caught:
        services.create_user(username="ana", email="ana@example.com", password=STRONG, role="Owner")

    assert caught.value.message_dict == {
        "role": [services.UNKNOWN_ROLE.format(role="Owner", choices=", ".join(ROLES))]
    }
    assert not User.objects.filter(username="ana").exists()


@pytest.mark.parametrize("again", ["ana", "ANA"])
def test_create_user_refuses_a_taken_username_whatever_its_case(again):
    services.create_user(username="ana", email="ana@example.com", password=STRONG, role=OFFICE)

    with pytest.raises(ValidationError) as caught:
        services.create_user(username=again, email="other@example.com", password=STRONG, role=MANAGER)

    assert caught.value.message_dict == {"username": [services.USERNAME_TAKEN.format(username=again)]}
    assert User.objects.count() == 1
    assert User.objects.get().email == "ana@example.com"


@pytest.mark.parametrize("weak", ["12345678", "password", "ab1"])
def test_create_user_refuses_a_weak_password(weak):
    with pytest.raises(ValidationError):
        services.create_user(username="ana", email="ana@example.com", password=weak, role=OFFICE)

    assert not User.objects.exists()


def test_create_user_skips_the_password_rules_only_when_told():
    user = services.create_user(
        username="ana", email="ana@example.com", password="12345678", role=OFFICE, check_password=False
    )

    assert User.objects.get(pk=user.pk).check_password("12345678")


def test_set_role_replaces_the_group_and_the_admin_site_flag(technician):
    services.set_role(user=technician, role=MANAGER)

    row = User.objects.get(pk=technician.pk)
    assert list(row.groups.values_list("name", flat=True)) == [MANAGER]
    assert row.is_staff is True

    services.set_role(user=row, role=TECHNICIAN)
    row = User.objects.get(pk=technician.pk)
    assert list(row.groups.values_list("name", flat=True)) == [TECHNICIAN]
    assert row.is_staff is False
