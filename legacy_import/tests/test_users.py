"""Legacy users keep their passwords and get their roles."""

import logging

import pytest

from accounts import roles
from accounts.hashers import WerkzeugPasswordHasher, from_werkzeug
from accounts.models import User
from accounts.services import role_of
from legacy_import.services import run_import

from .legacy_fixture import PASSWORDS, pbkdf2_hash, scrypt_hash

LEGACY_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "accounts.hashers.WerkzeugPasswordHasher"]


@pytest.fixture
def legacy_hashers(settings):
    # conftest switches every test to MD5 alone; the legacy hasher must be listed to be found.
    settings.PASSWORD_HASHERS = LEGACY_HASHERS


@pytest.mark.django_db
@pytest.mark.slow
def test_a_legacy_user_logs_in_through_the_admin_and_is_upgraded(legacy_db, legacy_hashers, client):
    run_import(dsn=legacy_db)
    assert User.objects.get(username="admin").password.startswith("werkzeug$pbkdf2:sha256:1000$")

    wrong = client.post("/admin/login/?next=/admin/", {"username": "admin", "password": "nope"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post("/admin/login/?next=/admin/", {"username": "admin", "password": PASSWORDS["admin"]})

    assert response.status_code == 302 and response.url == "/admin/"
    admin = User.objects.get(username="admin")
    assert admin.password.startswith("md5$")  # re-hashed with the preferred hasher at that login
    assert admin.check_password(PASSWORDS["admin"])


@pytest.mark.django_db
@pytest.mark.slow
def test_roles_and_other_formats(legacy_db, legacy_hashers, caplog):
    report = run_import(dsn=legacy_db)
    users = {user.username: user for user in User.objects.all()}
    assert {name: role_of(user) for name, user in users.items()} == {
        "admin": roles.ADMIN, "office": roles.MANAGER, "cleaning1": roles.TECHNICIAN, "marco": roles.MANAGER,
        "scrypt_user": roles.TECHNICIAN, "olduser": roles.TECHNICIAN,
    }
    assert users["office"].is_staff and not users["cleaning1"].is_staff and users["marco"].email == "Marco@Example.com"
    assert users["scrypt_user"].check_password(PASSWORDS["scrypt_user"])
    with caplog.at_level(logging.WARNING, logger="accounts.hashers"):
        assert not users["olduser"].check_password("anything")
    assert "cannot be verified" in caplog.text
    assert report.quirks[("user", "password_format_unverifiable")] == 1


@pytest.mark.django_db
@pytest.mark.slow
def test_a_password_changed_here_survives_a_reimport(legacy_db, legacy_hashers):
    run_import(dsn=legacy_db)
    marco = User.objects.get(username="marco")
    marco.set_password("new-password-2026")
    marco.save()
    run_import(dsn=legacy_db)
    assert User.objects.get(username="marco").check_password("new-password-2026")


@pytest.mark.django_db
@pytest.mark.slow
def test_a_password_an_admin_disabled_stays_disabled_after_a_reimport(legacy_db, legacy_hashers):
    run_import(dsn=legacy_db)
    marco = User.objects.get(username="marco")
    marco.set_unusable_password()  # what the admin's password form does
    marco.save()
    run_import(dsn=legacy_db)
    marco.refresh_from_db()
    assert not marco.has_usable_password() and not marco.check_password(PASSWORDS["marco"])


def test_hasher_verifies_werkzeug_formats():
    hasher = WerkzeugPasswordHasher()
    pbkdf2, ok = from_werkzeug(pbkdf2_hash("secret", "Salt1234Salt1234", iterations=60000))
    assert ok and hasher.verify("secret", pbkdf2) and not hasher.verify("Secret", pbkdf2)
    scrypt, ok = from_werkzeug(scrypt_hash("secret", "Salt1234Salt1234"))
    assert ok and len(scrypt) <= 128  # the 128-hex-digit scrypt digest stored in base64 to fit
    assert hasher.verify("secret", scrypt) and not hasher.verify("secrets", scrypt)
    assert hasher.verify("pw", hasher.encode("pw", "abcdefgh", iterations=1000))
    assert from_werkzeug("md5$ab$cd")[1] is False
    assert hasher.safe_summary(pbkdf2)["method"] == "pbkdf2:sha256:60000"


# Written by werkzeug.security.generate_password_hash 3.1.9, the legacy app's own function, and
# pasted as text: our hasher must agree with Werkzeug, not with our reading of its format.
WERKZEUG_PBKDF2 = "pbkdf2:sha256:1000$4wdHhYVLA3Jby0Pr$a55c640a57b56abfce903aa7fbe7074ed2226ac11c5de87d029c57d1cc116143"
WERKZEUG_SCRYPT = (
    "scrypt:32768:8:1$LYKP00sNhTd17GfV$45d439bd80383720d8a27e925eb7cb134d8dadf58ac4ec15a9f40f60da57aae04e53664d631f7f"
    "a85c06d98c6ddc3e70c3a4d78aecce9d9248bfa475c86c99df"
)


@pytest.mark.parametrize("legacy_hash", [WERKZEUG_PBKDF2, WERKZEUG_SCRYPT], ids=["pbkdf2", "scrypt"])
def test_hashes_written_by_werkzeug_itself_verify(legacy_hash):
    encoded, ok = from_werkzeug(legacy_hash)
    assert ok
    assert WerkzeugPasswordHasher().verify("tarp-Harbor-41", encoded)
    assert not WerkzeugPasswordHasher().verify("tarp-harbor-41", encoded)


@pytest.mark.parametrize("damaged", ["werkzeug$pbkdf2:sha256:1000$salt$zzé", "werkzeug$scrypt$salt$~not*base64"])
def test_a_damaged_hash_refuses_the_login_instead_of_failing(damaged):
    assert WerkzeugPasswordHasher().verify("anything", damaged) is False
