"""Routes of the 需求清单, the 共享清单 and the per-unit demand scores (namespace `catalog`)."""

from django.urls import path

from catalog import demand_views

urlpatterns = [
    path("demands/", demand_views.demand_list, name="demand_list"),
    path("demands/new/", demand_views.demand_create, name="demand_create"),
    path("demands/scores/", demand_views.demand_scores, name="demand_scores"),
    path("demands/<int:pk>/", demand_views.demand_detail, name="demand_detail"),
    path("demands/<int:pk>/answer/", demand_views.demand_answer, name="demand_answer"),
    path("demands/<int:pk>/deliver/", demand_views.demand_deliver, name="demand_deliver"),
    path("demands/<int:pk>/rate/", demand_views.demand_rate, name="demand_rate"),
    path("demands/<int:pk>/withdraw/", demand_views.demand_withdraw, name="demand_withdraw"),
    path("sharing/", demand_views.sharing_list, name="sharing_list"),
]
