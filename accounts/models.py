from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """The shop's users; roles are the groups defined in accounts.roles."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username
