from django.apps import AppConfig


class MlmodelsConfig(AppConfig):
    name = "mlmodels"
    verbose_name = "Completion-time model"

    def ready(self) -> None:
        from workorders import selectors, signals

        from .receivers import refresh_prediction
        from .selectors import with_predicted_completion

        signals.work_order_saved.connect(refresh_prediction, dispatch_uid="mlmodels-refresh-prediction")
        selectors.register_display_annotation(with_predicted_completion)
