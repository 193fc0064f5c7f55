"""One table from the service's exceptions to HTTP statuses, and the handlers that answer with it.

Under /api/ every error is JSON in SPEC.md's shape {"error": {"code", "message", "fields"}};
elsewhere a person gets a short page in their language.
"""

from __future__ import annotations

from flask import Flask, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from service.errors import (
    CohortClosed,
    CohortFull,
    Conflict,
    Forbidden,
    InvalidInput,
    InvalidJson,
    NotFound,
    PhaseClosed,
    ServiceError,
    StoredDataError,
    Unauthorized,
    Unavailable,
)
from service.observability import logger
from service.web import validation_messages

STATUS = {
    InvalidInput: 422,
    InvalidJson: 400,
    Unauthorized: 401,
    Forbidden: 403,
    PhaseClosed: 403,
    NotFound: 404,
    Conflict: 409,
    CohortClosed: 409,
    CohortFull: 429,
    Unavailable: 503,
    StoredDataError: 500,
}
RETRY_AFTER_SECONDS = 5
_LOCATIONS = ("json", "query", "form", "headers", "view_args", "files")
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}


def status_of(error: ServiceError) -> int:
    """The status for a service error (the closest listed class), logging the ones that are ours to fix."""
    status = next((STATUS[cls] for cls in type(error).__mro__ if cls in STATUS), 400)
    if status >= 500:
        detail = getattr(error, "detail", None) or error.message
        log = logger.error if status == 500 else logger.warning
        what = "unreadable stored item" if isinstance(error, StoredDataError) else "request failed"
        log(what, extra={"error_code": error.code, "status": status, "problem": detail})
    return status


def error_response(status: int, code: str, message: str, fields: dict | None = None):
    """A JSON error in SPEC.md's shape for /api/, an HTML page elsewhere."""
    if request.path.startswith("/api/"):
        response = jsonify(error={"code": code, "message": message, "fields": fields or {}})
    else:
        response = make_response(render_template("error.html", status=status, message=message))
    response.status_code = status
    return with_retry_after(response) if status == 503 else response


def with_retry_after(response, seconds: int = RETRY_AFTER_SECONDS):
    """`response` telling the client when to ask again (a 503, a throttled login, a pending job)."""
    response.headers["Retry-After"] = str(seconds)
    return response


def translated_message(error: ServiceError) -> str:
    """The error's message in the request's language, its placeholders filled."""
    return _(error.message, **error.params)


def translated_fields(error: ServiceError) -> dict[str, str]:
    """The error's field messages in the request's language (messages marked with N_ have translations)."""
    return {name: _(problem) for name, problem in error.fields.items()}


def init_app(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError):
        return error_response(status_of(error), error.code, translated_message(error), translated_fields(error))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        data = getattr(error, "data", None) or {}
        fields = _flatten(data.get("messages") or data.get("errors") or {})
        message = _message_for(status, fields)
        response = error_response(status, _HTTP_CODES.get(status, "error"), message, fields)
        for name, value in error.get_headers():  # e.g. Allow on 405, as RFC 9110 asks
            if name.lower() != "content-type":
                response.headers[name] = value
        return response


def _message_for(status: int, fields: dict) -> str:
    if status == 422 and fields:
        return _("Some fields are not valid: %(names)s", names=", ".join(sorted(fields)))
    messages = {
        400: _("The request could not be read."),
        401: _("A valid token is needed."),
        403: _("This is not allowed."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        413: _("The request is too large."),
        415: _("Send JSON with Content-Type: application/json."),
        422: _("Some fields are not valid."),
        429: _("Too many requests; please wait a moment."),
        500: _("Something went wrong on our side."),
    }
    return messages.get(status, _("The request failed."))


def _flatten(messages: dict, prefix: str = "") -> dict[str, str]:
    """webargs nests errors by location and field ({"json": {"answers": [...]}}); flatten to dotted names."""
    flat: dict[str, str] = {}
    for key, value in messages.items():
        top_location = not prefix and key in _LOCATIONS
        name = "" if top_location else f"{prefix}.{key}".lstrip(".")
        if isinstance(value, dict):
            flat.update(_flatten(value, name))
        elif isinstance(value, list):
            flat[name] = "; ".join(validation_messages.translate(str(item)) for item in value)
        else:
            flat[name] = validation_messages.translate(str(value))
    return flat
