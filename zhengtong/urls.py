from django.conf import settings
from django.conf.urls.static import static
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
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
