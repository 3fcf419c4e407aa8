"""A small method + path router with JSON requests and responses."""

import dataclasses
import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from catalog.errors import CatalogError, InvalidRequest, MethodNotAllowed, NotFound

logger = logging.getLogger(__name__)

_PARAM = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: Mapping[str, list[str]] = field(default_factory=dict)
    body: bytes = b""
    params: Mapping[str, int] = field(default_factory=dict)

    def query_value(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None

    def json(self) -> dict[str, Any]:
        try:
            payload = json.loads(self.body) if self.body else None
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise InvalidRequest("request body is not valid JSON") from None
        if not isinstance(payload, dict):
            raise InvalidRequest("request body must be a JSON object")
        return payload


@dataclass(frozen=True)
class Response:
    status: int
    body: Any = None

    def encode(self) -> bytes:
        return b"" if self.body is None else json.dumps(self.body, separators=(",", ":")).encode()


Handler = Callable[[Request], Response]


class Router:
    """Matches method and path; ``{name}`` in a template captures a numeric id."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []

    def add(self, method: str, template: str, handler: Handler) -> None:
        pattern = _PARAM.sub(lambda m: rf"(?P<{m.group(1)}>\d+)", template)
        self._routes.append((method.upper(), re.compile(f"^{pattern}$"), handler))

    def dispatch(self, request: Request) -> Response:
        try:
            handler, params = self._resolve(request.method, request.path)
            return handler(dataclasses.replace(request, params=params))
        except CatalogError as exc:
            return error_response(exc)
        except Exception:
            logger.exception("unhandled error in %s %s", request.method, request.path)
            return Response(500, {"error": "internal_error", "detail": "internal error"})

    def _resolve(self, method: str, path: str) -> tuple[Handler, dict[str, int]]:
        path_matched = False
        for route_method, pattern, handler in self._routes:
            if match := pattern.match(path):
                if route_method == method:
                    return handler, {name: int(value) for name, value in match.groupdict().items()}
                path_matched = True
        if path_matched:
            raise MethodNotAllowed(f"{method} is not supported on {path}")
        raise NotFound(f"no route for {path}")


def error_response(exc: CatalogError) -> Response:
    return Response(exc.status, {"error": exc.code, "detail": exc.detail})
