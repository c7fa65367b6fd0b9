"""The attachment inline and the several-files field that order and check-in admins share."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import format_html

from .attachments import StagedFile, is_pending, stage_upload
from .uploads import check_upload
from .views import download_url


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (a phone's photos); each is checked as an upload, so a bad
    one is a form error naming it and nothing is saved.

    Once all are accepted they are staged here, in the form's validation, so ``cleaned_data``
    holds StagedFile objects: the admin's transaction is open by then, but no row lock is taken
    before the save (VersionedForm.clean only reads), so the number sequence and the queue lock
    never wait for the upload.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data if isinstance(data, (list, tuple)) else [data]) if upload]
        checked, errors = [], []
        for upload in uploads:
            try:
                super().clean(upload, initial)
                checked.append((upload, check_upload(upload)))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return [stage_upload(upload, content_type=content_type) for upload, content_type in checked]


def upload_help() -> str:
    return f"Photos, PDF, Word, Excel, text or CSV, up to {settings.UPLOAD_MAX_BYTES / 2**20:g} MB each; pick several at once."


class AttachmentInlineForm(forms.ModelForm):
    """A new row's upload is checked and staged in validation (see MultipleFileField), so
    ``cleaned_data["file"]`` is a StagedFile for ``AggregateAdmin.attach``."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and not self.instance.pk:  # a stored file is not re-checked
            return stage_upload(upload, model=self._meta.model)
        return upload

    def _post_clean(self):
        # The model's FileField takes a name, not a StagedFile: the instance (validated, never
        # saved: the service writes the row) names the staged object; cleaned_data keeps the
        # StagedFile for the service.
        staged = self.cleaned_data.get("file")
        if isinstance(staged, StagedFile):
            self.cleaned_data["file"] = staged.name
            super()._post_clean()
            self.cleaned_data["file"] = staged
        else:
            super()._post_clean()


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
        note = " (being processed)" if is_pending(obj) else ""
        return format_html('<a href="{}">Download</a>{}', link, note)


def file_inline(file_model: type[models.Model]) -> type[admin.TabularInline]:
    return type(f"{file_model.__name__}Inline", (AttachmentInline,), {"model": file_model})
