from django.contrib import admin
from django.urls import include, path

from dashboards.api.site import api as portal_api
from dashboards.api.site import urls as api_urls
from exports.api import router as exports_api

portal_api.add_router("/v1", exports_api)  # exports -> dashboards: exports registers its endpoints

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),  # password reset, TOTP (the portal's own sign-in first)
    path("", include("dashboards.api.pages")),
    path("api/", include(api_urls(), namespace="api")),
    path("", include("exports.urls")),
    path("", include("dashboards.ask.urls")),
    path("", include("dashboards.urls")),
]
