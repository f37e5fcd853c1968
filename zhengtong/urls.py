from django.urls import URLPattern, URLResolver, include, path

from catalog import ckan_urls

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("core.urls")),
    path("plan/", include("plan.urls")),
    path("indicators/", include("indicators.urls")),
    path("catalog/", include("catalog.urls")),
    path("content/", include("content.urls")),
    path("api/v1/", include("zhengtong.api_urls")),
    path("api/3/", include("catalog.ckan_urls")),
    path("api/", include(ckan_urls.unversioned_urlpatterns)),  # ckanapi calls /api/action/<name>
]
# No route to MEDIA_ROOT, not even under DEBUG: every stored file (稿件附件, 佐证材料, 质量检查的数据)
# is served by a view that checks who asks, and an unpublished attachment must not be one URL away.
