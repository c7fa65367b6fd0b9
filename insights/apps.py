from django.apps import AppConfig


class InsightsConfig(AppConfig):
    """The shop at a glance: the dashboard, manager analytics and the annual cleaning reminders."""

    name = "insights"
    verbose_name = "Dashboard, analytics and reminders"
