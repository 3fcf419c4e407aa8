"""Framework-free HTTP primitives: requests, responses, routing and WSGI.

We keep this deliberately small instead of pulling in a framework; the
service exposes a handful of JSON endpoints behind the company gateway.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

JSON_CONTENT_TYPE = "application/json"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    #: Header names are lower-cased; use :meth:`header` to look one up.
    headers: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> Any:
        if not self.body:
            raise HttpError(HTTPStatus.BAD_REQUEST, "invalid_json", "request body is empty")
        try:
            return json.loads(self.body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            msg = f"malformed JSON: {exc}"
            raise HttpError(HTTPStatus.BAD_REQUEST, "invalid_json", msg) from None


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, payload: Any, headers: Mapping[str, str] | None = None) -> Response:
        body = json.dumps(payload, separators=(",", ":")).encode()
        merged = {"Content-Type": JSON_CONTENT_TYPE, **(headers or {})}
        return cls(status=int(status), body=body, headers=merged)


class HttpError(Exception):
    """Raised anywhere in a handler to answer with a JSON error document."""

    def __init__(
        self, status: int, code: str, message: str, *, details: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = int(status)
        self.code = code
        self.message = message
        self.details = dict(details or {})

    def to_response(self) -> Response:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            error["details"] = self.details
        return Response.json(self.status, {"error": error})


Handler = Callable[..., Response]


class Router:
    """Maps ``(method, path template)`` to handlers.

    Templates use ``{name}`` placeholders for one path segment; the matched
    values are passed to the handler as keyword arguments.
    """

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []

    def add(self, method: str, template: str, handler: Handler) -> None:
        pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
        self._routes.append((method.upper(), re.compile(f"^{pattern}$"), handler))

    def dispatch(self, request: Request) -> Response:
        allowed: list[str] = []
        for method, pattern, handler in self._routes:
            match = pattern.match(request.path)
            if match is None:
                continue
            if method != request.method:
                allowed.append(method)
                continue
            return handler(request, **match.groupdict())
        if allowed:
            msg = f"{request.method} not allowed; use {', '.join(sorted(set(allowed)))}"
            raise HttpError(HTTPStatus.METHOD_NOT_ALLOWED, "method_not_allowed", msg)
        raise HttpError(HTTPStatus.NOT_FOUND, "not_found", f"no route for {request.path}")


def request_from_environ(environ: Mapping[str, Any]) -> Request:
    headers = {
        key[5:].replace("_", "-").lower(): value
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = environ["CONTENT_TYPE"]
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    return Request(
        method=environ.get("REQUEST_METHOD", "GET").upper(),
        path=environ.get("PATH_INFO") or "/",
        headers=headers,
        query=dict(parse_qsl(environ.get("QUERY_STRING", ""))),
        body=body,
    )
