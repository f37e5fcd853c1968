from django.contrib.auth import views as auth_views
from django.urls import path

from core import admin_views, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("mode/elderly/", views.toggle_elderly, name="toggle_elderly"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/<int:pk>/", views.audit_detail, name="audit_detail"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("calendar/<int:pk>/delete/", views.calendar_delete, name="calendar_delete"),
    path("units/", admin_views.unit_list, name="unit_list"),
    path("units/new/", admin_views.unit_edit, name="unit_create"),
    path("units/<int:pk>/", admin_views.unit_edit, name="unit_edit"),
    path("people/", admin_views.person_list, name="person_list"),
    path("people/new/", admin_views.person_edit, name="person_create"),
    path("people/<int:pk>/", admin_views.person_edit, name="person_edit"),
    path("schedule/", admin_views.schedule, name="schedule"),
]
