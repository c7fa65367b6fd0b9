from django.urls import path

from . import api_views, floor_views

app_name = "queue"

urlpatterns = [
    path("", floor_views.queue_page, name="queue"),
    path("reset/", floor_views.reset_queue_view, name="reset"),
    path("board/", floor_views.board_page, name="board"),
    path("board/<slug:tab>/", floor_views.board_page, name="board-tab"),
    path("orders/<int:number>/", floor_views.order_page, name="order"),
    path("orders/<int:number>/photos/", floor_views.add_photos, name="photos"),
    path("orders/<int:number>/<slug:action>/", floor_views.order_action, name="action"),
    path("api/", api_views.api_queue, name="api"),
    path("api/reorder", api_views.api_reorder, name="api-reorder"),
    path("api/orders/<int:number>/move", api_views.api_move, name="api-move"),
    path("api/orders/<int:number>/files", api_views.api_add_files, name="api-files"),
]
