"""Catalog pages. Each concern keeps its own url module; all share the `catalog` namespace."""

from django.urls import path

from catalog import demand_urls, excel_urls, views

app_name = "catalog"
urlpatterns = [
    path("demands/<int:pk>/", views.demand_detail, name="demand_detail"),
]
urlpatterns += demand_urls.urlpatterns
urlpatterns += excel_urls.urlpatterns
