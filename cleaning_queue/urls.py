from django.urls import path

from . import views

app_name = "queue"

urlpatterns = [
    path("", views.queue_page, name="queue"),
    path("reset/", views.reset_queue_view, name="reset"),
    path("board/", views.board_page, name="board"),
    path("board/<slug:tab>/", views.board_page, name="board-tab"),
    path("orders/<int:number>/", views.order_page, name="order"),
    path("orders/<int:number>/photos/", views.add_photos, name="photos"),
    path("orders/<int:number>/<slug:action>/", views.order_action, name="action"),
    path("api/", views.api_queue, name="api"),
    path("api/reorder", views.api_reorder, name="api-reorder"),
    path("api/orders/<int:number>/move", views.api_move, name="api-move"),
    path("api/orders/<int:number>/files", views.api_add_files, name="api-files"),
]
