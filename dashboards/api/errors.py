"""API errors: always JSON `{"code", "message", "param"}`, the parameter named; never a 500 for bad input."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from accounts.access import NoAccess

from ..customers import BadParameter
from ..filters import FilterError
from ..warehouse.client import WarehouseError


class Error(Schema):
    code: str
    message: str
    param: str | None = None


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, param: str | None = None, **headers: str
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.param, self.headers = status, code, message, param, headers


# Every operation may answer with these (declared in the schema, so clients and schemathesis know them).
ERRORS: dict[int, Any] = {400: Error, 401: Error, 403: Error, 404: Error, 429: Error, 503: Error}


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, param: str | None = None
) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "param": param}, status=status)


def _param_of(location: list[Any]) -> str | None:
    names = [str(part) for part in location if part not in ("query", "body", "path", "payload")]
    return names[0] if names else None


def install(api: NinjaAPI) -> None:
    """Map every failure the API can meet to a JSON error."""

    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        response = error_response(api, request, exc.status, exc.code, exc.message, exc.param)
        for name, value in exc.headers.items():
            response[name.replace("_", "-")] = value
        return response

    def bad_filter(request: HttpRequest, exc: FilterError) -> HttpResponse:
        return error_response(api, request, 400, "bad_parameter", str(exc), exc.param)

    def bad_parameter(request: HttpRequest, exc: BadParameter) -> HttpResponse:
        return error_response(api, request, 400, "bad_parameter", str(exc), getattr(exc, "param", None))

    def invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        first = exc.errors[0] if exc.errors else {}
        param = _param_of(list(first.get("loc", ())))
        message = (
            f"{param}: {first.get('msg', 'is not valid')}" if param else str(first.get("msg", "invalid"))
        )
        return error_response(api, request, 400, "bad_parameter", message, param)

    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = error_response(
            api,
            request,
            401,
            "unauthenticated",
            "Authorization: sign in, or send 'Authorization: Bearer <token>' with a valid API token",
            "Authorization",
        )
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    def no_access(request: HttpRequest, exc: NoAccess) -> HttpResponse:
        return error_response(api, request, 403, "no_access", "None of your groups grants a role any more.")

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, 404, "not_found", str(exc) or "Not found")

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = {403: "forbidden", 405: "method_not_allowed"}.get(exc.status_code, "error")
        return error_response(api, request, exc.status_code, code, str(exc))

    def warehouse_down(request: HttpRequest, exc: WarehouseError) -> HttpResponse:
        return error_response(api, request, 503, "warehouse_unavailable", str(exc))

    api.add_exception_handler(ApiError, api_error)  # type: ignore[arg-type]
    api.add_exception_handler(FilterError, bad_filter)  # type: ignore[arg-type]
    api.add_exception_handler(BadParameter, bad_parameter)  # type: ignore[arg-type]
    api.add_exception_handler(NinjaValidationError, invalid)  # type: ignore[arg-type]
    api.add_exception_handler(AuthenticationError, unauthenticated)  # type: ignore[arg-type]
    api.add_exception_handler(NoAccess, no_access)  # type: ignore[arg-type]
    api.add_exception_handler(Http404, not_found)  # type: ignore[arg-type]
    api.add_exception_handler(HttpError, http_error)  # type: ignore[arg-type]
    api.add_exception_handler(WarehouseError, warehouse_down)  # type: ignore[arg-type]
