"""Downloads of attachments: behind the login and the model's view permission, always.

On S3 the answer is a redirect to a presigned link that expires after a few minutes
(AWNING_DOWNLOAD_LINK_SECONDS); on local disk the bytes come through this view. No object is
ever public, so a link copied out of a page stops working and a logged-out visitor gets nothing.
"""

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET

from .registry import BY_KIND, BY_MODEL
from .storage import download_response


def download_url(attachment, *, thumbnail: bool = False) -> str:
    name = "files:thumbnail" if thumbnail else "files:download"
    return reverse(name, args=[BY_MODEL[attachment._meta.label].kind, attachment.pk])


@require_GET
@login_required
def download(request, kind: str, pk: int):
    attachment = _attachment(request, kind, pk)
    inline = attachment.content_type.startswith("image/") or attachment.content_type == "application/pdf"
    return download_response(attachment.file, filename=attachment.original_name, inline=inline)


@require_GET
@login_required
def thumbnail(request, kind: str, pk: int):
    attachment = _attachment(request, kind, pk)
    if not attachment.thumbnail:
        raise Http404("No thumbnail (yet).")
    return download_response(attachment.thumbnail, filename=f"thumbnail-{attachment.pk}.jpg", inline=True)


def _attachment(request, kind: str, pk: int):
    if kind not in BY_KIND:
        raise Http404
    model = apps.get_model(BY_KIND[kind].model)
    if not request.user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
        raise PermissionDenied
    return get_object_or_404(model, pk=pk)
