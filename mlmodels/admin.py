from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from core.admin_base import refusal_text
from core.errors import DomainError

from .models import ModelVersion, Prediction, TrainingRun
from .plots import predicted_vs_actual_svg


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the services (training, activation, predictions)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ModelVersion)
class ModelVersionAdmin(ReadOnlyAdmin):
    list_display = (
        "__str__", "created_at", "is_active", "mae", "median_error", "baseline_mae", "beats_baseline",
        "sample_count", "trained_via", "last_activated_at",
    )
    list_filter = ("is_active", "beats_baseline", "trained_via")
    search_fields = ("=id", "code_version", "trained_via", "trained_by__username")
    list_select_related = ("trained_by",)
    readonly_fields = (
        "created_at", "is_active", "last_activated_at", "metrics_table", "plot", "sample_count",
        "estimator", "feature_list", "code_version", "artifact", "sha256", "trained_by", "trained_via",
    )
    fieldsets = (
        (None, {"fields": ("is_active", ("created_at", "last_activated_at"), ("trained_via", "trained_by"))}),
        ("How well it does", {"fields": ("metrics_table", "plot")}),
        ("What it is", {"fields": ("sample_count", "estimator", "feature_list", "code_version", "artifact", "sha256")}),
    )

    @admin.display(description="MAE (days)")
    def mae(self, obj):
        return obj.metrics.get("mae")

    @admin.display(description="Median abs. error")
    def median_error(self, obj):
        return obj.metrics.get("median_absolute_error")

    @admin.display(description="Baseline MAE")
    def baseline_mae(self, obj):
        return obj.metrics.get("baseline_mae")

    @admin.display(description="Metrics (time-ordered holdout)")
    def metrics_table(self, obj):
        rows = format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", ((k.replace("_", " "), v) for k, v in obj.metrics.items()))
        return format_html("<table>{}</table>", rows) if obj.metrics else "—"

    @admin.display(description="Predicted against actual days (holdout)")
    def plot(self, obj):
        return predicted_vs_actual_svg(obj.holdout_points)

    @admin.display(description="Features")
    def feature_list(self, obj):
        return ", ".join(obj.feature_names)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The buttons live in the object tools (change_form.html), outside the admin's own form.
        extra = {"can_activate": request.user.has_perm("mlmodels.activate_modelversion")}
        return super().change_view(request, object_id, form_url, extra | (extra_context or {}))

    def get_urls(self):
        activate = self.admin_site.admin_view(require_POST(self.activate_view))
        rollback = self.admin_site.admin_view(require_POST(self.rollback_view))
        return [
            path("<int:pk>/activate/", activate, name="mlmodels_modelversion_activate"),
            path("rollback/", rollback, name="mlmodels_modelversion_rollback"),
            *super().get_urls(),
        ]

    def activate_view(self, request, pk: int):
        from . import services  # scikit-learn loads on first use, not with the admin

        version = get_object_or_404(ModelVersion, pk=pk)
        return self._answer(request, lambda: services.activate_model_version(version=version, activated_by=request.user))

    def rollback_view(self, request):
        from . import services

        return self._answer(request, lambda: services.roll_back_model_version(rolled_back_by=request.user))

    def _answer(self, request, change):
        if not request.user.has_perm("mlmodels.activate_modelversion"):
            raise PermissionDenied
        try:
            version = change()
        except DomainError as error:
            self.message_user(request, refusal_text(error), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:mlmodels_modelversion_changelist"))
        self.message_user(
            request, f"Version {version.pk} is now active; every worker switches on its next prediction, "
            "and the open orders are being predicted again.", messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:mlmodels_modelversion_change", args=[version.pk]))


@admin.register(TrainingRun)
class TrainingRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "finished_at", "status", "trained_via", "model_version", "message")
    list_filter = ("status", "trained_via")
    search_fields = ("message", "trained_via")
    list_select_related = ("model_version",)


@admin.register(Prediction)
class PredictionAdmin(ReadOnlyAdmin):
    list_display = ("work_order", "predicted_completion", "predicted_days", "model_version", "made_at")
    list_filter = ("model_version", "made_at")
    search_fields = ("=work_order__number", "work_order__customer__name")
    list_select_related = ("work_order", "model_version")
    show_full_result_count = False
