from django.apps import AppConfig


class MlmodelsConfig(AppConfig):
    name = "mlmodels"
    verbose_name = "Completion-time model"
