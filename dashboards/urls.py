from django.urls import path

from . import adoption, customers, favicon, feedback, freshness, health, presets, views
from .campaigns import views as campaigns
from .churn import views as churn

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", favicon.favicon, name="favicon"),
    path("data-version", freshness.data_version, name="data_version"),
    path("feedback/", feedback.give_feedback, name="feedback"),
    path("adoption/", adoption.adoption_page, name="adoption"),
    path("w/campaigns/", campaigns.simulator, name="campaigns"),
    path("w/campaigns/csv", campaigns.simulator_csv, name="campaigns_csv"),
    path("w/campaigns/save", campaigns.save_scenario, name="campaigns_save"),
    path("w/campaigns/compare", campaigns.compare, name="campaigns_compare"),
    path("models/churn/", churn.model_card, name="churn_model_card"),
    path("w/<slug:slug>/", views.workspace_page, name="workspace"),
    path("w/<slug:slug>/chart/<slug:chart_id>/", views.chart_fragment, name="chart"),
    path("w/<slug:slug>/chart/<slug:chart_id>/<slug:view>/", views.chart_fragment, name="chart_view"),
    path("w/<slug:slug>/matches/", views.matches_fragment, name="matches"),
    path("w/<slug:slug>/kpis/", views.kpis_fragment, name="kpis"),
    path("presets/save", presets.save_preset, name="preset_save"),
    path("presets/<int:preset_id>/apply", presets.apply_preset, name="preset_apply"),
    path("presets/<int:preset_id>/rename", presets.rename_preset, name="preset_rename"),
    path("presets/<int:preset_id>/delete", presets.delete_preset, name="preset_delete"),
    path("preferences/", presets.preferences, name="preferences"),
    path("customers/", customers.customer_search, name="customer_search"),
    path("customers/suggest", customers.customer_suggest, name="customer_suggest"),
    path("customers/<str:customer_id>/", customers.customer, name="customer"),
]
