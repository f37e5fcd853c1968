"""Excel round-trip of the four lists: templates, exports, imports and the annotated error workbook."""

from django.urls import path

from catalog import excel_views

urlpatterns = [
    path("excel/template/", excel_views.excel_template, name="excel_template"),
    path("excel/export/", excel_views.excel_export, name="excel_export"),
    path("excel/import/", excel_views.excel_import, name="excel_import"),
    path("excel/import/errors/<str:token>/", excel_views.excel_import_errors, name="excel_import_errors"),
]
