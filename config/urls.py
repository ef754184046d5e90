from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),  # password reset, TOTP (the portal's own sign-in first)
    path("", include("exports.urls")),
    path("", include("dashboards.ask.urls")),
    path("", include("dashboards.urls")),
]
