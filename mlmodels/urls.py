from django.urls import path

from . import views

app_name = "mlmodels"

urlpatterns = [path("predict/<int:number>/", views.prediction, name="predict")]
