from django.conf import settings
from django.contrib import admin
from django.urls import path

admin.site.site_header = "Awning back office"
admin.site.site_title = "Awning back office"
admin.site.index_title = "Shop"

urlpatterns = [
    path("admin/", admin.site.urls),
]

if settings.AWNING_BENCH_ENDPOINTS:
    from .bench_views import bare_insert

    urlpatterns += [path("bench/bare/", bare_insert)]
