"""The abstract attachment row; each owner app defines its concrete model (files.registry)."""

from django.conf import settings
from django.db import models


class Attachment(models.Model):
    """A file attached to an order or check-in. Subclasses add the owner FK and ``file`` with its
    per-owner key layout.

    ``file`` first names an object under ``staging/``; after the row commits, a task copies it to
    its final key (and makes the thumbnail), so storage never holds a final object for a row that
    was rolled back (files.attachments).
    """

    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    thumbnail = models.FileField(max_length=500, blank=True, editable=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ("uploaded_at", "pk")

    def __str__(self) -> str:
        return self.original_name
