from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("analytics/", views.analytics, name="analytics"),
    path("analytics/<slug:series>.csv", views.analytics_csv, name="analytics-csv"),
    path("reminders/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
