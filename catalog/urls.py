"""Catalog pages. Each concern keeps its own url module; all share the `catalog` namespace."""

from django.urls import path

from catalog import admin_views, demand_urls, desk_views, excel_urls, system_views, views

app_name = "catalog"
urlpatterns = [
    path("resources/", views.resource_list, name="resource_list"),
    path("resources/new/", views.resource_create, name="resource_create"),
    path("resources/<int:pk>/", views.resource_detail, name="resource_detail"),
    path("resources/<int:pk>/edit/", views.resource_edit, name="resource_edit"),
    path("resources/<int:pk>/transition/", views.resource_transition, name="resource_transition"),
    path("systems/", system_views.system_list, name="system_list"),
    path("systems/new/", system_views.system_create, name="system_create"),
    path("systems/<int:pk>/", system_views.system_detail, name="system_detail"),
    path("systems/<int:pk>/edit/", system_views.system_edit, name="system_edit"),
    path("systems/<int:pk>/transition/", system_views.system_transition, name="system_transition"),
    path("review/", admin_views.review_queue, name="review_queue"),
    path("cdo/", desk_views.cdo_view, name="cdo"),
    path("settings/", admin_views.settings_view, name="settings"),
    path("categories/", admin_views.categories_view, name="categories"),
]
urlpatterns += demand_urls.urlpatterns
urlpatterns += excel_urls.urlpatterns
