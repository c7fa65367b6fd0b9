"""The work-order lifecycle: stages, legal moves and the date each move records.

The legacy system derived the stage from dates and flags (legacy-system.md Part A §2.1); here the
stage is stored and these rules decide which moves are legal:

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
