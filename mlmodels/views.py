"""A live prediction for one order as JSON, for staff (and the multi-worker test)."""

import os

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from workorders.models import WorkOrder

from .selectors import predict_work_order
from .serving import ModelUnavailable


@require_GET
@login_required
def prediction(request, number: int):
    if not request.user.has_perm("workorders.view_workorder"):
        return JsonResponse({"error": "Not allowed."}, status=403)
    order = get_object_or_404(WorkOrder, number=number)
    try:
        live = predict_work_order(order)
    except ModelUnavailable as error:
        return JsonResponse({"error": str(error)}, status=503)
    return JsonResponse({
        "work_order": live.work_order_number,
        "model_version": live.version_id,
        "predicted_days": live.predicted_days,
        "predicted_completion": live.predicted_completion.isoformat(),
        "worker": os.getpid(),  # which process answered: the multi-worker test needs to see them all
    })
