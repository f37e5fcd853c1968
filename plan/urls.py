from django.urls import path

from plan import export_views, views

app_name = "plan"
urlpatterns = [
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/report/", views.report_submit, name="report_submit"),
    path("tasks/<int:pk>/assign/", views.task_assign, name="task_assign"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("import/", views.import_start, name="import_start"),
    path("import/<int:pk>/", views.import_review, name="import_review"),
    path("import/<int:pk>/map/", views.import_map, name="import_map"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/cancel/", views.import_cancel, name="import_cancel"),
    path("export/ledger.xlsx", export_views.ledger_xlsx, name="export_ledger"),
    path("export/bulletin.docx", export_views.bulletin_docx, name="export_bulletin"),
]
