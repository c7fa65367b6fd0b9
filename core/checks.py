from django.core.checks import Error, Tags, register
from django.db import DatabaseError

from .numbering import sequence_states

SEQUENCE_BEHIND = "E001"


@register(Tags.database)
def check_sequences_not_behind(app_configs=None, databases=None, **kwargs):
    """A sequence behind its table's highest number would make the next creation fail.

    Runs with ``manage.py check --database default`` (and before ``migrate``); silent while the
    tables do not exist yet.
    """
    if not databases:
        return []
    try:
        states = sequence_states()
    except DatabaseError:
        return []  # not migrated yet
    return [
        Error(
            f"Sequence {state.name!r} is at {state.last} but {state.model_label} already has number {state.highest}.",
            hint="Run `manage.py check_sequences --fix`.",
            id=f"core.{SEQUENCE_BEHIND}",
        )
        for state in states
        if state.behind
    ]
