"""Document numbers: customer, work-order and repair-order numbers, from django-sequences.

``next_number`` runs inside the transaction that inserts the row. On PostgreSQL django-sequences
increments the sequence row with INSERT .. ON CONFLICT DO UPDATE, which keeps that row locked until
commit; on SQLite the IMMEDIATE transaction holds the database write lock. Either way a value is
never handed out twice, and a rollback gives it back, so numbers have no gaps.

A sequence must never be behind the highest number in its table (after a legacy import, say):
the next creation would then fail on the unique constraint. ``sequence_states`` reports that, the
``check_sequences`` command and a system check use it, and ``fix_sequences`` moves them forward.
"""

import re
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.db.models import Max
from sequences import get_next_value
from sequences.models import Sequence

CUSTOMER_NUMBER = "customer_number"
WORK_ORDER_NUMBER = "work_order_number"
REPAIR_ORDER_NUMBER = "repair_order_number"

NUMBERED_MODELS = {
    CUSTOMER_NUMBER: "customers.Customer",
    WORK_ORDER_NUMBER: "workorders.WorkOrder",
    REPAIR_ORDER_NUMBER: "repairs.RepairOrder",
}


def next_number(sequence: str) -> int:
    """The next document number. Call inside the transaction that inserts the row."""
    return get_next_value(sequence)


@dataclass(frozen=True)
class SequenceState:
    name: str
    model_label: str
    last: int  # the last number handed out (0 before the first)
    highest: int  # the highest number in the table (0 when empty)

    @property
    def behind(self) -> bool:
        return self.last < self.highest


def sequence_states() -> list[SequenceState]:
    lasts = dict(Sequence.objects.filter(name__in=NUMBERED_MODELS).values_list("name", "last"))
    return [
        SequenceState(
            name=name,
            model_label=label,
            last=lasts.get(name, 0),
            highest=apps.get_model(label).objects.aggregate(highest=Max("number"))["highest"] or 0,
        )
        for name, label in NUMBERED_MODELS.items()
    ]


@transaction.atomic
def fix_sequences() -> list[SequenceState]:
    """Move every sequence that is behind up to the highest number in its table.

    Locks each sequence row (creating it if missing) so that no number is handed out while it
    moves; never moves a sequence backwards. Returns the states before the fix.
    """
    states = sequence_states()
    for state in states:
        if not state.behind:
            continue
        sequence, _ = Sequence.objects.select_for_update().get_or_create(name=state.name, defaults={"last": 0})
        highest = apps.get_model(state.model_label).objects.aggregate(highest=Max("number"))["highest"] or 0
        if sequence.last < highest:
            Sequence.objects.filter(name=state.name).update(last=highest)
    return states


DIGITS = re.compile(r"^[0-9]{1,12}$")


def is_number(text: str) -> bool:
    """Plain ASCII digits, short enough for an integer column (str.isdigit accepts '²')."""
    return bool(DIGITS.match(text))
