from django.urls import path

from . import alert_views, outbox_views, views

urlpatterns = [
    path("w/<slug:slug>/chart/<slug:chart_id>.csv", views.chart_csv, name="chart_csv"),
    path("w/campaigns/export.pdf", views.export_scenario_pdf, name="export_scenario_pdf"),
    path("w/<slug:slug>/export.pdf", views.export_pdf, name="export_pdf"),
    path("w/<slug:slug>/subscribe/", views.subscribe, name="subscribe"),
    path("exports/<uuid:job_id>/", views.export_job, name="export_job"),
    path("exports/<uuid:job_id>/status.json", views.export_status, name="export_status"),
    path("exports/<uuid:job_id>/download", views.export_download, name="export_download"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path("subscriptions/<int:sub_id>/<slug:action>/", views.subscription_action, name="subscription_action"),
    path("unsubscribe/<str:token>/", views.unsubscribe_link, name="unsubscribe"),
    path("w/<slug:slug>/alert/", alert_views.alert_create, name="alert_create"),
    path("alerts/", alert_views.alerts, name="alerts"),
    path("outbox/", outbox_views.outbox_list, name="outbox"),
    path("outbox/<str:name>/", outbox_views.outbox_mail, name="outbox_mail"),
    path("alerts/<int:alert_id>/<slug:action>/", alert_views.alert_action, name="alert_action"),
]
