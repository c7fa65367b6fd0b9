"""The floor's pages: the cleaning queue, the board, an order's page with its one-tap stage
changes, and its photos. The technicians' side of the shop; the office works in the admin.

Views read through selectors and write through services; every rule the pages hide (who may
reorder, who may make which stage move) is enforced by the services, and refused here as 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from core.choices import Tier
from core.errors import DomainError
from files.attachments import stage_uploads
from workorders import services as work_orders
from workorders.models import WorkOrder, WorkOrderFile
from workorders.selectors import with_display_annotations
from workorders.stages import Stage, allowed_moves_for

from . import services
from .selectors import BOARD_TABS, get_queue_snapshot, list_board

VIEW_PERMISSION = "workorders.view_workorder"
ATTACH_PERMISSION = "workorders.add_workorderfile"
REPAIR_NOT_DONE = "Repair order {number} for this work order is not complete. Start cleaning anyway?"

# One-tap actions: URL name -> (target stage, button label).
ACTIONS = {
    "start": (Stage.IN_PROGRESS, "Start"),
    "back-to-queue": (Stage.QUEUED, "Back to queue"),
    "cleaned": (Stage.CLEANED, "Cleaned"),
    "treated": (Stage.TREATED, "Treated"),
    "packaged": (Stage.PACKAGED, "Packaged"),
    "complete": (Stage.COMPLETED, "Complete"),
}


def order_to_attach_to(request, number: int) -> WorkOrder:
    if not request.user.has_perm(ATTACH_PERMISSION):
        raise PermissionDenied
    return get_object_or_404(WorkOrder, number=number)


def home(request):
    """Office staff work in the admin; the floor starts at the queue."""
    if request.user.is_authenticated and request.user.is_staff:
        return HttpResponseRedirect(reverse("admin:index"))
    return HttpResponseRedirect(reverse("queue:queue"))


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def queue_page(request):
    search = request.GET.get("q", "").strip()
    hide_sail, hide_cushion = request.GET.get("hide_sail") == "1", request.GET.get("hide_cushion") == "1"
    version, entries = get_queue_snapshot(search=search, hide_sail=hide_sail, hide_cushion=hide_cushion)
    filtered = bool(search or hide_sail or hide_cushion)
    tiers = [entry.work_order.tier for entry in entries]
    return render(request, "floor/queue.html", {
        "entries": entries,
        "version": version,
        "search": search,
        "hide_sail": hide_sail,
        "hide_cushion": hide_cushion,
        "filtered": filtered,
        "can_reorder": request.user.has_perm(services.REORDER_PERMISSION),
        "counts": {tier.label: tiers.count(tier) for tier in Tier},
    })


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def board_page(request, tab: str = "recent"):
    if tab not in BOARD_TABS:
        raise Http404
    search = request.GET.get("q", "").strip()
    page = Paginator(list_board(tab=tab, search=search), 25).get_page(request.GET.get("page"))
    return render(request, "floor/board.html", {
        "tabs": [(key, label) for key, (label, _) in BOARD_TABS.items()],
        "tab": tab,
        "page": page,
        "search": search,
    })


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def order_page(request, number: int, *, warning: str = ""):
    order = get_object_or_404(
        with_display_annotations(WorkOrder.objects.select_related("customer", "ship_to", "repair_order")),
        number=number,
    )
    allowed = allowed_moves_for(request.user, order.stage)
    actions = [(name, label) for name, (stage, label) in ACTIONS.items() if stage in allowed]
    back = _safe_next(request, reverse("queue:queue"))
    return render(request, "floor/order.html", {
        "order": order,
        # Where the action forms return to: this page (keeping its Back link), also when it is
        # rendered from inside a refused action's POST.
        "here": f"{reverse('queue:order', args=[number])}?{urlencode({'next': back})}",
        "items": order.items.all(),
        "photos": order.files.all(),
        "actions": actions,
        "warning": warning,
        "next": back,
        "can_add_photos": request.user.has_perm(ATTACH_PERMISSION),
    }, status=409 if warning else 200)


@require_POST
@login_required
def order_action(request, number: int, action: str):
    if action not in ACTIONS:
        raise Http404
    order = get_object_or_404(WorkOrder.objects.select_related("repair_order"), number=number)
    stage = ACTIONS[action][0]
    repair = getattr(order, "repair_order", None)
    if stage == Stage.IN_PROGRESS and repair is not None and repair.is_open and request.POST.get("confirm_repair") != "1":
        return order_page(request, number, warning=REPAIR_NOT_DONE.format(number=repair.number))
    try:
        work_orders.change_work_order_stage(
            work_order=order, to_stage=stage, final_location=request.POST.get("final_location", ""),
            changed_by=request.user,
        )
    except (DomainError, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, f"Work order {number}: {Stage(stage).label.lower()}.")
    return HttpResponseRedirect(_safe_next(request, reverse("queue:order", args=[number])))


@require_POST
@login_required
def add_photos(request, number: int):
    order = order_to_attach_to(request, number)
    uploads = request.FILES.getlist("photos")
    try:
        staged = stage_uploads(uploads, model=WorkOrderFile)  # before the service: no lock waits on S3
        work_orders.add_work_order_files(work_order=order, staged=staged, uploaded_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if uploads:
            messages.success(request, f"{len(uploads)} photo(s) added to work order {number}.")
    return HttpResponseRedirect(reverse("queue:order", args=[number]))


@require_POST
@login_required
def reset_queue_view(request):
    services.reset_queue(reset_by=request.user)  # PermissionDenied -> 403 for everyone but managers
    messages.success(request, "The queue is back in the default order.")
    return HttpResponseRedirect(reverse("queue:queue"))


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default
