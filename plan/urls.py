from django.urls import path

from plan import views

app_name = "plan"
urlpatterns = [
    path("tasks/", views.task_list, name="task_list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("import/", views.import_start, name="import_start"),
]
