from django.urls import path

from zhengtong.api import api

urlpatterns = [path("", api.urls)]
