"""The attachment inline and the several-files field that order and check-in admins share."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import format_html

from .storage import is_staged
from .uploads import check_upload
from .views import download_url


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (a phone's photos); each is checked as an upload, so a bad
    one is a form error naming it and nothing is saved."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data if isinstance(data, (list, tuple)) else [data]) if upload]
        errors = []
        for upload in uploads:
            try:
                super().clean(upload, initial)
                check_upload(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return uploads


def upload_help() -> str:
    return f"Photos, PDF, Word, Excel, text or CSV, up to {settings.UPLOAD_MAX_BYTES / 2**20:g} MB each; pick several at once."


class AttachmentInlineForm(forms.ModelForm):
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and not self.instance.pk:  # a stored file is not re-checked
            check_upload(upload)
        return upload


class AttachmentInline(admin.TabularInline):
    """Attachments: upload new ones, tick to delete; the stored file is a link through our
    download view (never a public storage URL), with its thumbnail once it has one."""

    form = AttachmentInlineForm
    fields = ("file", "stored", "original_name", "size_bytes", "uploaded_at")
    readonly_fields = ("stored", "original_name", "size_bytes", "uploaded_at")
    formfield_overrides = {models.FileField: {"widget": forms.FileInput}}
    extra = 0

    @admin.display(description="Stored file")
    def stored(self, obj):
        if not obj.pk:
            return "—"
        link = download_url(obj)
        if obj.thumbnail:
            return format_html('<a href="{}"><img src="{}" alt="{}" width="100" height="100"></a>',
                               link, download_url(obj, thumbnail=True), obj.original_name)
        note = " (being processed)" if is_staged(obj.file.name) else ""
        return format_html('<a href="{}">Download</a>{}', link, note)


def file_inline(file_model: type[models.Model]) -> type[admin.TabularInline]:
    return type(f"{file_model.__name__}Inline", (AttachmentInline,), {"model": file_model})
