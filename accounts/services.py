"""Every write to users and their roles."""

import logging

from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from .models import User
from .roles import ROLES, STAFF_ROLES

USER_FIELDS = ("email", "first_name", "last_name", "is_active")
OWN_ROLE = "You cannot change your own role or deactivate yourself; ask another Admin."
UNKNOWN_ROLE = "Unknown role {role!r}; choose one of: {choices}."
USERNAME_TAKEN = "A user named {username!r} already exists."

logger = logging.getLogger(__name__)


@transaction.atomic
def create_user(
    *, username: str, email: str, password: str, role: str, check_password: bool = True
) -> User:
    """Create a user in exactly one role group. Office, Manager and Admin may use the admin site.

    Locks nothing (a new row; the username check is case-insensitive, the constraint decides a
    race). Schedules nothing after commit."""
    if role not in ROLES:
        raise ValidationError({"role": UNKNOWN_ROLE.format(role=role, choices=", ".join(ROLES))})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": USERNAME_TAKEN.format(username=username)})
    user = User(username=username, email=email, is_staff=role in STAFF_ROLES)
    if check_password:
        validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    set_role(user=user, role=role)
    return user


@transaction.atomic
def set_role(*, user: User, role: str) -> User:
    """Put the user in exactly one role group and align the admin-site flag with it.

    Locks nothing of its own (update_user calls it holding the user's row lock). Schedules nothing."""
    if role not in ROLES:
        raise ValidationError({"role": UNKNOWN_ROLE.format(role=role, choices=", ".join(ROLES))})
    user.groups.set([Group.objects.get(name=role)])
    User.objects.filter(pk=user.pk).update(is_staff=role in STAFF_ROLES)
    user.is_staff = role in STAFF_ROLES
    return user


@transaction.atomic
def update_user(*, user: User, fields: dict, role: str, updated_by: User | None) -> User:
    """Edit a user's details and role. Locks the user row; nobody demotes or locks out themselves."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if updated_by is not None and updated_by.pk == user.pk and (
        role != role_of(user) or fields.get("is_active", True) is False
    ):
        raise ValidationError(OWN_ROLE)
    for name, value in fields.items():
        if name not in USER_FIELDS:
            raise TypeError(f"User cannot set {name!r}")
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save()
    return set_role(user=user, role=role)


def role_of(user: User) -> str | None:
    names = {group.name for group in user.groups.all()}
    return next((role for role in reversed(ROLES) if role in names), None)


@transaction.atomic
def unlock_logins(*, user: User, unlocked_by: User) -> int:
    """Forget the user's failed logins from every address, so a locked-out user can log in again.

    Deletes the user's django-axes attempt rows (any spelling of the username an attacker or a
    caps-lock typed) in one statement; returns how many were removed. Locks only those rows;
    schedules nothing after commit.
    """
    removed, _ = AccessAttempt.objects.filter(username__iexact=user.username).delete()
    logger.info("Logins of %s unlocked by %s (%d attempt records removed)",
                user.username, unlocked_by.username, removed)
    return removed
