"""Catalog pages. Each concern keeps its own url module; all share the `catalog` namespace."""

from django.urls import path

from catalog import admin_views, demand_urls, desk_views, excel_urls, quality_views, system_views, views

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
    path("resources/<int:pk>/quality/", quality_views.resource_quality, name="resource_quality"),
    path("resources/<int:pk>/quality/upload/", quality_views.quality_upload, name="quality_upload"),
    path("resources/<int:pk>/quality/database/", quality_views.quality_database, name="quality_database"),
    path("resources/<int:pk>/quality/rectify/", quality_views.quality_rectify, name="quality_rectify"),
    path("resources/<int:pk>/quality/datasets/<int:dataset_pk>/rerun/", quality_views.quality_rerun,
         name="quality_rerun"),
    path("quality/", quality_views.finding_list, name="finding_list"),
    path("quality/runs/<int:pk>/", quality_views.quality_run, name="quality_run"),
    path("quality/findings/<int:pk>/dismiss/", quality_views.finding_dismiss, name="finding_dismiss"),
    path("review/", admin_views.review_queue, name="review_queue"),
    path("cdo/", desk_views.cdo_view, name="cdo"),
    path("settings/", admin_views.settings_view, name="settings"),
    path("categories/", admin_views.categories_view, name="categories"),
]
urlpatterns += demand_urls.urlpatterns
urlpatterns += excel_urls.urlpatterns
