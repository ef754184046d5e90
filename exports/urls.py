from django.urls import path

from . import views

urlpatterns = [
    path("w/<slug:slug>/chart/<slug:chart_id>.csv", views.chart_csv, name="chart_csv"),
]
