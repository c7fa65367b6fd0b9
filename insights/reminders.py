"""Annual cleaning reminders, the reads: who is due, the e-mail, the unsubscribe link's token.
The writes (sending, unsubscribing) are in insights.services.

Rule: a customer with an e-mail address whose most recent completed
work order finished 335 to 365 days ago, who has not unsubscribed and was not reminded (sent, or
being sent) in the last 60 days.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer

from .models import CleaningReminder, ReminderOptOut

DUE_FROM_DAYS = 335
DUE_UNTIL_DAYS = 365
QUIET_DAYS = 60
SUBJECT = "Time for your annual awning cleaning"
UNSUBSCRIBE_SALT = "insights.reminders.unsubscribe"
BAD_UNSUBSCRIBE_LINK = "This unsubscribe link is not valid. Reply to the reminder and we will take you off the list."


def due_customers(*, today: date | None = None) -> QuerySet[Customer]:
    """Customers due a reminder today, annotated with ``last_completed_on``, by customer number."""
    today = today or timezone.localdate()
    recently_reminded = CleaningReminder.objects.filter(
        customer=OuterRef("pk"),
        status__in=(CleaningReminder.Status.SENDING, CleaningReminder.Status.SENT),
        created_at__gt=timezone.now() - timedelta(days=QUIET_DAYS),
    )
    return (
        Customer.objects.exclude(email="")
        .exclude(Exists(ReminderOptOut.objects.filter(customer=OuterRef("pk"))))
        .exclude(Exists(recently_reminded))
        .annotate(last_completed_on=Max("work_orders__completed_on"))
        .filter(last_completed_on__range=(today - timedelta(days=DUE_UNTIL_DAYS), today - timedelta(days=DUE_FROM_DAYS)))
        .order_by("number")
    )


def build_reminder_email(reminder: CleaningReminder) -> EmailMultiAlternatives:
    unsubscribe_url = settings.AWNING_SITE_URL.rstrip("/") + reverse(
        "insights:unsubscribe", args=[unsubscribe_token(reminder.customer_id)]
    )
    context = {
        "customer": reminder.customer,
        "last_completed_on": reminder.last_completed_on,
        "shop_name": settings.AWNING_SHOP_NAME,
        "unsubscribe_url": unsubscribe_url,
    }
    message = EmailMultiAlternatives(
        subject=SUBJECT,
        body=render_to_string("insights/emails/cleaning_reminder.txt", context),
        to=[reminder.email],
        reply_to=[settings.DEFAULT_FROM_EMAIL],
        # One-click unsubscribe from the mail client (RFC 8058), besides the link in the body.
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    message.attach_alternative(render_to_string("insights/emails/cleaning_reminder.html", context), "text/html")
    return message


def unsubscribe_token(customer_id: int) -> str:
    """Signed with SECRET_KEY, no expiry: a reminder read a year later must still unsubscribe."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(customer_id))


def customer_for_token(token: str) -> Customer | None:
    try:
        customer_id = int(signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    return Customer.objects.filter(pk=customer_id).first()
