"""The order page offers exactly the stage moves the service accepts from that user: both ask
workorders.stages.permission_for_move, so a button that is refused, or a move without a button,
cannot appear."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from core.choices import QuoteStatus
from core.errors import InvalidTransition
from workorders import services
from workorders.models import WorkOrder
from workorders.stages import ALLOWED_MOVES, Stage, allowed_moves_for, can_move, permission_for_move
from workorders.tests.factories import WorkOrderFactory

from ..floor_views import ACTIONS

pytestmark = pytest.mark.django_db

OPEN_STAGES = [stage for stage in Stage if stage != Stage.COMPLETED]
ROLES = ("technician", "office_user", "manager", "admin_role_user")


class Refused(Exception):
    pass


# How an order reaches each open stage through the services (the stage must agree with its
# dates and quote).
PATHS = {
    Stage.AWAITING_QUOTE: (),
    Stage.QUEUED: (Stage.QUEUED,),
    Stage.IN_PROGRESS: (Stage.QUEUED, Stage.IN_PROGRESS),
    Stage.CLEANED: (Stage.QUEUED, Stage.CLEANED),
    Stage.TREATED: (Stage.QUEUED, Stage.CLEANED, Stage.TREATED),
    Stage.PACKAGED: (Stage.QUEUED, Stage.PACKAGED),
}


def order_in(stage: str, mover) -> WorkOrder:
    order = WorkOrderFactory(quote=QuoteStatus.NEEDED)
    for step in PATHS[stage]:
        order = services.change_work_order_stage(work_order=order, to_stage=step, final_location="Shelf 1", changed_by=mover)
    assert order.stage == stage
    return order


def service_accepts(user, order: WorkOrder, stage: str) -> bool:
    """Try the move, then roll it back."""
    try:
        with transaction.atomic():
            services.change_work_order_stage(work_order=order, to_stage=stage, final_location="Shelf 1", changed_by=user)
            raise Refused  # undo: only the answer matters
    except Refused:
        return True
    except (PermissionDenied, InvalidTransition):
        return False


def buttons(client, user, order: WorkOrder) -> set[str]:
    client.force_login(user)
    response = client.get(reverse("queue:order", args=[order.number]))
    assert response.status_code == 200
    return {name for name, _ in response.context["actions"]}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("stage", OPEN_STAGES)
def test_the_buttons_are_exactly_the_moves_the_service_accepts(client, request, admin_role_user, role, stage):
    user = request.getfixturevalue(role)
    order = order_in(stage, admin_role_user)
    accepted = {name for name, (target, _) in ACTIONS.items() if service_accepts(user, order, target)}
    assert buttons(client, user, order) == accepted


def test_a_technician_is_not_offered_approving_a_quote(client, technician, admin_role_user):
    """"Back to queue" from awaiting quote approves the quote: office work, refused to technicians."""
    order = order_in(Stage.AWAITING_QUOTE, admin_role_user)
    assert "back-to-queue" not in buttons(client, technician, order)
    assert not service_accepts(technician, order, Stage.QUEUED)


def test_negative_control_the_old_filter_offered_a_button_the_service_refuses(technician):
    """The order page's own filter before permission_for_move (advance for every move but
    completing): on an order awaiting its quote it showed technicians "Back to queue", which the
    service refuses. The test above would fail on it."""

    def old_filter(user, stage):
        return {
            target for target in ALLOWED_MOVES[stage]
            if can_move(stage, target) and (target != Stage.COMPLETED or user.has_perm("workorders.complete_workorder"))
            and (target == Stage.COMPLETED or user.has_perm("workorders.advance_workorder"))
        }

    assert Stage.QUEUED in old_filter(technician, Stage.AWAITING_QUOTE)
    assert Stage.QUEUED not in allowed_moves_for(technician, Stage.AWAITING_QUOTE)


@pytest.mark.parametrize(("from_stage", "to_stage", "permission"), [
    (Stage.QUEUED, Stage.COMPLETED, "workorders.complete_workorder"),
    (Stage.AWAITING_QUOTE, Stage.COMPLETED, "workorders.complete_workorder"),
    (Stage.AWAITING_QUOTE, Stage.QUEUED, "workorders.change_workorder"),
    (Stage.QUEUED, Stage.AWAITING_QUOTE, "workorders.change_workorder"),
    (Stage.QUEUED, Stage.IN_PROGRESS, "workorders.advance_workorder"),
    (Stage.IN_PROGRESS, Stage.QUEUED, "workorders.advance_workorder"),
    (Stage.CLEANED, Stage.TREATED, "workorders.advance_workorder"),
    (Stage.TREATED, Stage.PACKAGED, "workorders.advance_workorder"),
])
def test_permission_for_move(from_stage, to_stage, permission):
    assert permission_for_move(from_stage, to_stage)[0] == permission
