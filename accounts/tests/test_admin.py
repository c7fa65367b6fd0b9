import pytest
from django.urls import reverse

from accounts.models import User
from accounts.roles import ADMIN, OFFICE, TECHNICIAN
from accounts.services import OWN_ROLE, role_of

pytestmark = pytest.mark.django_db

ADD = reverse("admin:accounts_user_add")


def change_url(user) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def change_post(user, **fields) -> dict:
    data = {"username": user.username, "email": user.email, "first_name": "", "last_name": "",
            "is_active": "on", "role": role_of(user)}
    return {name: value for name, value in (data | fields).items() if value is not None}


def test_an_admin_adds_a_technician_who_gets_one_role_and_no_admin_site(client, admin_role_user):
    client.force_login(admin_role_user)
    response = client.post(ADD, {"username": "sam", "email": "sam@example.com", "role": TECHNICIAN,
                                 "password1": "Cl3aning-room!", "password2": "Cl3aning-room!"})
    assert response.status_code == 302
    sam = User.objects.get(username="sam")
    assert [g.name for g in sam.groups.all()] == [TECHNICIAN] and not sam.is_staff
    assert sam.check_password("Cl3aning-room!")


def test_changing_the_role_keeps_groups_and_admin_access_in_step(client, admin_role_user, technician):
    client.force_login(admin_role_user)
    assert client.post(change_url(technician), change_post(technician, role=OFFICE)).status_code == 302
    technician.refresh_from_db()
    assert [g.name for g in technician.groups.all()] == [OFFICE] and technician.is_staff


def test_an_admin_cannot_demote_or_delete_themselves(client, admin_role_user):
    client.force_login(admin_role_user)
    response = client.post(change_url(admin_role_user), change_post(admin_role_user, role=OFFICE), follow=True)
    assert OWN_ROLE in response.content.decode()
    assert role_of(User.objects.get(pk=admin_role_user.pk)) == ADMIN
    delete = reverse("admin:accounts_user_delete", args=[admin_role_user.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
