"""Refusals raised by services.

Field-level problems are django.core.exceptions.ValidationError (forms show them next to the
field). Everything else a service refuses is a DomainError: the admin and views turn it into a
message or a 4xx, never a 500. Message texts are constants so tests can assert on them.
"""


class DomainError(Exception):
    """A business rule refused the operation; ``str(error)`` is fit to show the user."""


class StaleEditError(DomainError):
    """The row changed since the form that is being saved was loaded."""


class DeletedMeanwhile(DomainError):
    """The row being edited was deleted by someone else: locking it found nothing.

    Carries the model and primary key, so the admin can tell "the object on this page is gone"
    from "a row it refers to is gone".
    """

    def __init__(self, message: str, *, model: type, pk) -> None:
        super().__init__(message)
        self.model, self.pk = model, pk


class InvalidTransition(DomainError):
    """The requested stage change is not allowed from the order's current stage."""


class AlreadyProcessed(DomainError):
    """A one-time operation (e.g. converting a check-in) was already done."""


class AlreadyLinked(DomainError):
    """A repair order is linked to another work order and the user did not ask to relink."""
