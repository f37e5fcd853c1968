from django.urls import path

from indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.indicator_list, name="list"),
    path("<int:pk>/", views.indicator_detail, name="detail"),
    path("<int:pk>/record/", views.record, name="record"),
    path("measurements/<int:pk>/evidence/", views.evidence_download, name="evidence"),
]
