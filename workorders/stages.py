"""The work-order lifecycle: stages, legal moves and the date each move records.

The legacy system derived the stage from dates and flags (legacy_import.mappers.work_order_stage
replays that derivation on import); here the stage is stored and these rules decide which moves are legal:

* the quote decides between "awaiting quote" and "queued" (only approved quotes enter the queue);
* treating needs a cleaned order; packaging needs a final location and may skip cleaning or
  treating (the legacy app only warned); completing is possible from any open stage;
* technicians may take an order out of "in progress" back to the queue (the legacy checkbox).
"""

from django.db import models


class Stage(models.TextChoices):
    AWAITING_QUOTE = "awaiting_quote", "Awaiting quote"
    QUEUED = "queued", "Queued"
    IN_PROGRESS = "in_progress", "In progress"
    CLEANED = "cleaned", "Cleaned"
    TREATED = "treated", "Treated"
    PACKAGED = "packaged", "Packaged"
    COMPLETED = "completed", "Completed"


ALLOWED_MOVES: dict[str, frozenset[str]] = {
    Stage.AWAITING_QUOTE: frozenset({Stage.QUEUED, Stage.COMPLETED}),
    Stage.QUEUED: frozenset(
        {Stage.AWAITING_QUOTE, Stage.IN_PROGRESS, Stage.CLEANED, Stage.PACKAGED, Stage.COMPLETED}
    ),
    Stage.IN_PROGRESS: frozenset({Stage.QUEUED, Stage.CLEANED, Stage.PACKAGED, Stage.COMPLETED}),
    Stage.CLEANED: frozenset({Stage.TREATED, Stage.PACKAGED, Stage.COMPLETED}),
    Stage.TREATED: frozenset({Stage.PACKAGED, Stage.COMPLETED}),
    Stage.PACKAGED: frozenset({Stage.COMPLETED}),
    Stage.COMPLETED: frozenset(),
}

# The date field a move into the stage stamps.
STAGE_DATE_FIELD: dict[str, str] = {
    Stage.IN_PROGRESS: "started_on",
    Stage.CLEANED: "cleaned_on",
    Stage.TREATED: "treated_on",
    Stage.PACKAGED: "packaged_on",
    Stage.COMPLETED: "completed_on",
}

# Stages in which the order sits in the cleaning queue (approved, not yet cleaned or treated).
QUEUE_STAGES = frozenset({Stage.QUEUED, Stage.IN_PROGRESS})


def can_move(from_stage: str, to_stage: str) -> bool:
    return to_stage in ALLOWED_MOVES[from_stage]


# Who may make a move: completing is for managers; approving or withdrawing a quote (a move into or
# out of "awaiting quote") is office work; the floor moves (start, back to the queue, cleaned,
# treated, packaged) are the technicians'. The services enforce it, the floor pages show only the
# buttons it allows: both ask permission_for_move.
COMPLETE_PERMISSION = "workorders.complete_workorder"
DECIDE_QUOTES_PERMISSION = "workorders.change_workorder"
ADVANCE_PERMISSION = "workorders.advance_workorder"
ONLY_MANAGERS_COMPLETE = "Only managers can complete work orders."
NOT_ALLOWED_TO_DECIDE_QUOTES = "You are not allowed to approve or withdraw quotes."
NOT_ALLOWED_TO_MOVE = "You are not allowed to move work orders through the cleaning stages."


def permission_for_move(from_stage: str, to_stage: str) -> tuple[str, str]:
    """The permission a move from ``from_stage`` to ``to_stage`` needs, and the refusal without it."""
    if to_stage == Stage.COMPLETED:
        return COMPLETE_PERMISSION, ONLY_MANAGERS_COMPLETE
    if Stage.AWAITING_QUOTE in (from_stage, to_stage):
        return DECIDE_QUOTES_PERMISSION, NOT_ALLOWED_TO_DECIDE_QUOTES
    return ADVANCE_PERMISSION, NOT_ALLOWED_TO_MOVE


def allowed_moves_for(user, stage: str) -> frozenset[str]:
    """The stages ``user`` may move an order in ``stage`` to: legal moves they hold the permission for."""
    return frozenset(to for to in ALLOWED_MOVES[stage] if user.has_perm(permission_for_move(stage, to)[0]))
