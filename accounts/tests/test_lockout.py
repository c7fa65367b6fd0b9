"""Repeated failed logins lock a user out from that address until the cool-off or an Admin."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from accounts import services
from accounts.roles import MANAGER
from accounts.tests.factories import make_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PASSWORD = "tarp-Harbor-41-mildew"
SHOP_IP, HOME_IP = "203.0.113.9", "198.51.100.4"


@pytest.fixture
def ana(db):
    user = make_user(MANAGER, username="ana")
    user.set_password(PASSWORD)
    user.save()
    return user


def attempt(client, username: str, password: str, ip: str = SHOP_IP, **headers):
    client.cookies.clear()
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **headers)


def fail(client, username: str, times: int, ip: str = SHOP_IP, **headers) -> list[int]:
    return [attempt(client, username, "wrong", ip, **headers).status_code for _ in range(times)]


def logged_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.wsgi_request.session


def test_the_fifth_wrong_password_locks_the_user_out_even_with_the_right_one(client, settings, ana):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert fail(client, "ana", 4) == [200] * 4  # the form again, with its error

    assert fail(client, "ana", 1) == [429]
    response = attempt(client, "ana", PASSWORD)
    assert response.status_code == 429 and not logged_in(response)
    assert "Too many failed logins" in response.content.decode()


def test_fewer_failures_than_the_limit_still_log_in_and_start_the_count_again(client, ana):
    fail(client, "ana", 4)
    assert logged_in(attempt(client, "ana", PASSWORD))
    assert not AccessAttempt.objects.exists()
    assert fail(client, "ana", 4) == [200] * 4


def test_the_lockout_is_per_user_and_address(client, ana):
    bea = make_user(MANAGER, username="bea")
    bea.set_password(PASSWORD)
    bea.save()
    fail(client, "ana", 5)

    # A colleague in the same shop, and Ana at home, are not locked out by it.
    assert logged_in(attempt(client, "bea", PASSWORD))
    assert logged_in(attempt(client, "ana", PASSWORD, ip=HOME_IP))
    assert attempt(client, "ana", PASSWORD).status_code == 429


def test_the_admin_login_page_is_guarded_too(client, ana):
    for _ in range(5):
        client.post(reverse("admin:login"), {"username": "ana", "password": "wrong"}, REMOTE_ADDR=SHOP_IP)
    response = client.post(reverse("admin:login"), {"username": "ana", "password": PASSWORD}, REMOTE_ADDR=SHOP_IP)
    assert response.status_code == 429


def test_a_forged_forwarded_for_does_not_escape_the_lockout(client, settings, ana):
    settings.AWNING_TRUSTED_PROXY_COUNT = 2  # as on Elastic Beanstalk: ALB, then nginx
    behind_lb = {"ip": "127.0.0.1"}
    for n in range(5):
        attempt(client, "ana", "wrong", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, {SHOP_IP}, 10.0.1.20", **behind_lb)

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {SHOP_IP}
    response = attempt(client, "ana", PASSWORD, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {SHOP_IP}, 10.0.1.20", **behind_lb)
    assert response.status_code == 429


def test_an_admin_unlocks_a_user_from_the_users_page(client, admin_role_user, ana):
    fail(client, "ana", 5)
    fail(client, "ANA", 2)  # the same person with caps lock on
    client.force_login(admin_role_user)
    changelist = reverse("admin:accounts_user_changelist")
    assert client.get(changelist).context["cl"].queryset.get(pk=ana.pk).failures == 7

    response = client.post(changelist, {"action": "unlock_logins", "_selected_action": [ana.pk]}, follow=True)

    assert "Unlocked: ana." in [str(m) for m in response.context["messages"]]
    client.logout()
    assert logged_in(attempt(client, "ana", PASSWORD))


def test_only_admins_may_unlock(client, office_user, ana):
    fail(client, "ana", 5)
    client.force_login(office_user)
    client.post(reverse("admin:accounts_user_changelist"), {"action": "unlock_logins", "_selected_action": [ana.pk]})
    assert AccessAttempt.objects.filter(username="ana").exists()


def test_unlock_logins_service_forgets_every_spelling_and_nothing_else(ana, admin_role_user):
    AccessAttempt.objects.create(username="ana", ip_address=SHOP_IP, user_agent="", failures_since_start=5)
    AccessAttempt.objects.create(username="Ana", ip_address=HOME_IP, user_agent="", failures_since_start=1)
    AccessAttempt.objects.create(username="bea", ip_address=SHOP_IP, user_agent="", failures_since_start=5)

    assert services.unlock_logins(user=ana, unlocked_by=admin_role_user) == 2
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["bea"]
