from django.urls import path

from . import customers, health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("w/<slug:slug>/", views.workspace_page, name="workspace"),
    path("w/<slug:slug>/chart/<slug:chart_id>/", views.chart_fragment, name="chart"),
    path("customers/", customers.customer_search, name="customer_search"),
    path("customers/suggest", customers.customer_suggest, name="customer_suggest"),
    path("customers/<str:customer_id>/", customers.customer, name="customer"),
]
