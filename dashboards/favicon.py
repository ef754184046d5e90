"""GET /favicon.ico: browsers ask for it on a tab whose document names no icon (a JSON answer, a PDF).

It sends them to the portal's icon instead of a 404 and a warning line in the log. Temporary (302), so a
new icon (a new hashed static name) is picked up."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    response = HttpResponseRedirect(static("favicon.svg"))
    patch_cache_control(response, public=True, max_age=24 * 3600)
    return response
