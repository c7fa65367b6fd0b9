from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from cleaning_queue.floor_views import home

admin.site.site_header = "Awning back office"
admin.site.site_title = "Awning back office"
admin.site.index_title = "Shop"

urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("queue/", include("cleaning_queue.urls")),
    path("tickets/", include("tickets.urls")),
    path("ml/", include("mlmodels.urls")),
    path("", include("insights.urls")),
    path("files/", include("files.urls")),
]

if settings.AWNING_BENCH_ENDPOINTS:
    from demo.bench_views import bare_insert

    urlpatterns += [path("bench/bare/", bare_insert)]
