"""Queue membership follows the work order's stage: the work-order services send the signals,
these receivers run inside their transaction, after the work order's row lock (core/locks.py)."""

from workorders.stages import QUEUE_STAGES

from . import services


def follow_stage(sender, *, work_order, from_stage: str, actor, **kwargs) -> None:
    if from_stage in QUEUE_STAGES and work_order.stage not in QUEUE_STAGES:
        services.remove_from_queue(work_order=work_order, actor=actor)
    elif work_order.stage in QUEUE_STAGES and from_stage not in QUEUE_STAGES:
        services.add_to_queue(work_order=work_order, actor=actor)


def follow_edit(sender, *, work_order, before, actor, **kwargs) -> None:
    """A queued order whose priority or dates changed is slotted again (a stage move in the same
    edit already placed it)."""
    if before is None or before.stage != work_order.stage:
        return
    if services.default_key(before) != services.default_key(work_order):
        services.reslot(work_order=work_order, actor=actor)


def leave_before_delete(sender, *, work_order, **kwargs) -> None:
    services.remove_from_queue(work_order=work_order)
