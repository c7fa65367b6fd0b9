import pytest
from django.db import IntegrityError, transaction

from cleaning_queue.models import QueueEntry
from testing.queue import bulk_queue


@pytest.mark.django_db(transaction=True)
def test_two_entries_can_never_share_a_position_once_committed():
    bulk_queue(2)
    second = QueueEntry.objects.get(position=2)
    # Deferred on PostgreSQL (checked when the transaction commits), immediate on SQLite.
    with pytest.raises(IntegrityError), transaction.atomic():
        QueueEntry.objects.filter(pk=second.pk).update(position=1)
    assert sorted(QueueEntry.objects.values_list("position", flat=True)) == [1, 2]


@pytest.mark.django_db
def test_positions_are_positive():
    bulk_queue(1)
    with pytest.raises(IntegrityError), transaction.atomic():
        QueueEntry.objects.update(position=0)
