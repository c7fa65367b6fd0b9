"""What the work-order services announce, so the apps above workorders (the cleaning queue, the
completion model) can follow an order without workorders importing them.

Each signal is sent synchronously inside the service's transaction, while the work order's row
is locked: a receiver that writes takes its own locks after that one (core/locks.py) and defers
anything outside the database with ``core.after_commit``.
"""

from django.dispatch import Signal

# The order's stage changed, or it was created (from_stage ""). Arguments: work_order, from_stage, actor.
stage_changed = Signal()
# The order was created or edited; ``before`` is the row as it was locked, None on creation.
# Arguments: work_order, before, actor.
work_order_saved = Signal()
# The order is about to be deleted (its row is locked). Arguments: work_order, actor.
work_order_deleting = Signal()
