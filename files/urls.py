from django.urls import path

from . import views as file_views

app_name = "files"

urlpatterns = [
    path("<slug:kind>/<int:pk>/", file_views.download, name="download"),
    path("<slug:kind>/<int:pk>/thumbnail/", file_views.thumbnail, name="thumbnail"),
]
