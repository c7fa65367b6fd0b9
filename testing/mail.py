"""E-mail backends for tests of what happens when sending fails."""

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    """Every send fails as a refused SMTP/SES connection does. Settings name it by its dotted path."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("SES said no")
