"""The cleaning queue's JSON API (session-authenticated): read the queue, reorder it, move one
order, attach files. Refusals are JSON with the right status, never a redirect or an HTML page."""

import json
from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.views.decorators.http import require_GET, require_POST

from files.attachments import stage_uploads
from files.uploads import UploadTooLarge
from files.views import download_url
from workorders import services as work_orders
from workorders.models import WorkOrderFile

from . import services
from .floor_views import VIEW_PERMISSION, order_to_attach_to
from .selectors import get_queue_snapshot, queue_payload

LOGIN_REQUIRED = "Log in first."
BAD_JSON = "Send a JSON object."


def json_api(view):
    """Session-authenticated JSON endpoint: refusals are JSON with the right status, never a
    login redirect or an HTML error page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return JsonResponse({"error": LOGIN_REQUIRED}, status=401)
        try:
            if not request.user.has_perm(VIEW_PERMISSION):
                raise PermissionDenied
            return view(request, *args, **kwargs)
        except services.StaleQueueError as error:
            return JsonResponse({"error": str(error)}, status=409)
        except UploadTooLarge as error:
            return JsonResponse({"error": " ".join(error.messages)}, status=413)
        except PermissionDenied as error:
            return JsonResponse({"error": str(error) or "Not allowed."}, status=403)
        except ValidationError as error:
            return JsonResponse({"error": " ".join(error.messages)}, status=400)

    return wrapper


def _json_body(request, *fields: str) -> dict:
    try:
        body = json.loads(request.body or b"")
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValidationError(BAD_JSON) from error
    if not isinstance(body, dict):
        raise ValidationError(BAD_JSON)
    for name in fields:
        if name not in body:
            raise ValidationError(f"“{name}” is missing.")
    return body


def _integer(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"“{name}” must be a whole number.")
    return value


@require_GET
@json_api
def api_queue(request):
    return JsonResponse(queue_payload(*get_queue_snapshot()))


@require_POST
@json_api
def api_reorder(request):
    body = _json_body(request, "version", "order")
    if not isinstance(body["order"], list):
        raise ValidationError("“order” must be a list of work-order numbers.")
    order = [_integer(number, "order") for number in body["order"]]
    version = services.reorder_queue(
        order=order, expected_version=_integer(body["version"], "version"), reordered_by=request.user
    )
    return JsonResponse({"version": version})


@require_POST
@json_api
def api_move(request, number: int):
    body = _json_body(request, "version", "to_position")
    version = services.move_in_queue(
        number=number,
        to_position=_integer(body["to_position"], "to_position"),
        expected_version=_integer(body["version"], "version"),
        moved_by=request.user,
    )
    return JsonResponse({"version": version})


@require_POST
@json_api
def api_add_files(request, number: int):
    """Multipart ``files``: all attached, or none and the reason (413 when one is too large)."""
    order = order_to_attach_to(request, number)
    uploads = request.FILES.getlist("files")
    if not uploads:
        raise ValidationError("Send one or more files in the “files” field.")
    # Staged before the service: its transaction then only writes rows (no lock waits on S3).
    staged = stage_uploads(uploads, model=WorkOrderFile)
    added = work_orders.add_work_order_files(work_order=order, staged=staged, uploaded_by=request.user)
    return JsonResponse(
        {"files": [{"id": file.pk, "name": file.original_name, "url": download_url(file)} for file in added]}, status=201
    )
