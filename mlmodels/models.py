"""Versions of the completion-time model, the training runs that made them, and predictions.

Predictions live here, not on the work order: each row says which version made it, so accuracy
can be measured per version with a query, and re-predicting never touches the order's row (or
its optimistic-lock version).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ModelVersion(models.Model):
    """One trained artifact in storage (skops format) with what it was trained on and how well it did."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    artifact = models.CharField(max_length=255, help_text="Name of the skops file in the default storage.")
    sha256 = models.CharField(max_length=64)
    estimator = models.CharField(max_length=100)
    code_version = models.CharField(max_length=100, help_text="Feature code and library versions that trained it.")
    feature_names = models.JSONField(default=list)
    sample_count = models.PositiveIntegerField()
    metrics = models.JSONField(default=dict)
    # Holdout (actual, predicted) pairs for the admin's plot, thinned to a few hundred points.
    holdout_points = models.JSONField(default=list)
    beats_baseline = models.BooleanField(default=False)
    is_active = models.BooleanField(default=False, editable=False)
    last_activated_at = models.DateTimeField(null=True, blank=True, editable=False)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    trained_via = models.CharField(max_length=50, help_text="command, celery beat, test, ...")

    class Meta:
        ordering = ("-pk",)
        get_latest_by = "created_at"
        constraints = [
            models.UniqueConstraint(fields=("is_active",), condition=Q(is_active=True), name="one_active_model_version"),
        ]
        permissions = (("activate_modelversion", "Can activate or roll back model versions"),)

    def __str__(self) -> str:
        return f"v{self.pk}{' (active)' if self.is_active else ''}"

    @property
    def mae(self) -> float | None:
        return self.metrics.get("mae")

    @property
    def baseline_mae(self) -> float | None:
        return self.metrics.get("baseline_mae")


class TrainingRun(models.Model):
    """A training attempt. The row with status RUNNING is the lease: at most one can exist."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        ABANDONED = "abandoned", "Abandoned (its process died)"

    started_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    trained_via = models.CharField(max_length=50)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    model_version = models.ForeignKey(ModelVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    message = models.TextField(blank=True)

    class Meta:
        ordering = ("-started_at",)
        constraints = [
            models.UniqueConstraint(fields=("status",), condition=Q(status="running"), name="one_running_training"),
        ]

    def __str__(self) -> str:
        return f"Training {self.started_at:%Y-%m-%d %H:%M} ({self.get_status_display().lower()})"


class Prediction(models.Model):
    """A predicted completion for one work order, made by one model version. The newest row of
    an order is its current prediction; older rows are kept to measure accuracy later."""

    work_order = models.ForeignKey("workorders.WorkOrder", on_delete=models.CASCADE, related_name="completion_predictions")
    model_version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT, related_name="predictions")
    predicted_days = models.FloatField()
    predicted_completion = models.DateField()
    made_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ("-made_at", "-pk")
        indexes = [models.Index(fields=("work_order", "-made_at", "-id"), name="prediction_latest")]

    def __str__(self) -> str:
        return f"{self.work_order_id}: {self.predicted_completion} (v{self.model_version_id})"
