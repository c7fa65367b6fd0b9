"""Reads: the current prediction of each order, and a live prediction for one order."""

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from workorders.models import WorkOrder

from .models import Prediction


def with_predicted_completion(queryset: QuerySet, *, order_ref: str = "pk") -> QuerySet:
    """Annotate ``predicted_completion`` (the newest prediction's date) on each row.

    A correlated subquery, not a join or a prefetch: list pages keep their query count, and it
    is evaluated only for the rows a page shows. ``order_ref`` names the work-order id on the
    annotated model (``work_order_id`` for queue entries).
    """
    newest = Prediction.objects.filter(work_order_id=OuterRef(order_ref)).order_by("-made_at", "-pk")
    return queryset.annotate(predicted_completion=Subquery(newest.values("predicted_completion")[:1]))


@dataclass(frozen=True)
class LivePrediction:
    work_order_number: int
    version_id: int
    predicted_days: float
    predicted_completion: datetime.date


def predict_work_order(work_order: WorkOrder) -> LivePrediction:
    """Predict one order now with the active version, without storing anything.

    Raises serving.ModelUnavailable when no version is active.
    """
    # Imported here: list pages use this module, and scikit-learn is a heavy import.
    from .features import OrderHistory, feature_matrix, load_order_facts
    from .serving import current_model
    from .training import predicted_completion

    model = current_model()
    facts = load_order_facts(WorkOrder.objects.filter(pk=work_order.pk))
    days = float(model.estimator.predict(feature_matrix(facts, OrderHistory(facts[0])))[0])
    return LivePrediction(
        work_order_number=work_order.number, version_id=model.version_id, predicted_days=round(days, 2),
        predicted_completion=predicted_completion(work_order.date_in, days, today=timezone.localdate()),
    )
