from django.urls import path

from . import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("w/<slug:slug>/", views.workspace_page, name="workspace"),
    path("w/<slug:slug>/chart/<slug:chart_id>/", views.chart_fragment, name="chart"),
]
