from django.urls import path

from . import views

urlpatterns = [
    path("ask/", views.ask_page, name="ask"),
    path("ask/new/", views.new_conversation, name="ask_new"),
    path("ask/answer.csv", views.ask_csv, name="ask_csv"),
]
