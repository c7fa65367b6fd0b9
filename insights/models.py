from django.db import models
from django.db.models import Q
from django.utils import timezone

from customers.models import Customer


class CleaningReminder(models.Model):
    """One attempt to send a customer the annual cleaning reminder (legacy ``email_reminders``).

    The row is written, as ``sending``, before the e-mail goes out: it is the claim that keeps a
    second, concurrent run from e-mailing the same customer (see insights.services).
    """

    class Status(models.TextChoices):
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="cleaning_reminders")
    email = models.EmailField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENDING)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    # The customer's last completion when the reminder was sent: why they were due.
    last_completed_on = models.DateField()

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=("customer", "-created_at"), name="reminder_customer_recent")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="cleaning_reminder_sent_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} to {self.email}"


class ReminderOptOut(models.Model):
    """A customer who unsubscribed from the reminders (CAN-SPAM): never e-mailed again."""

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="reminder_opt_out")
    unsubscribed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "reminder opt-out"

    def __str__(self) -> str:
        return f"{self.customer} unsubscribed"


class Analytics(models.Model):
    """No table: the series are read from work orders. It exists to own the permission to see
    them, so that permission lives with the app that shows them."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = (("view_analytics", "Can view analytics"),)
        verbose_name_plural = "analytics"

    def __str__(self) -> str:
        return "Analytics"
