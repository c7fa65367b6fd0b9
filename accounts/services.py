"""Every write to users and their roles."""

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from .models import User
from .roles import ROLES, STAFF_ROLES

UNKNOWN_ROLE = "Unknown role {role!r}; choose one of: {choices}."
USERNAME_TAKEN = "A user named {username!r} already exists."


@transaction.atomic
def create_user(
    *, username: str, email: str, password: str, role: str, check_password: bool = True
) -> User:
    """Create a user in exactly one role group. Office, Manager and Admin may use the admin site."""
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
    """Put the user in exactly one role group and align the admin-site flag with it."""
    if role not in ROLES:
        raise ValidationError({"role": UNKNOWN_ROLE.format(role=role, choices=", ".join(ROLES))})
    user.groups.set([Group.objects.get(name=role)])
    User.objects.filter(pk=user.pk).update(is_staff=role in STAFF_ROLES)
    user.is_staff = role in STAFF_ROLES
    return user


def role_of(user: User) -> str | None:
    names = {group.name for group in user.groups.all()}
    return next((role for role in reversed(ROLES) if role in names), None)
