"""Application wiring and the WSGI entry point.

    from deskbook import create_app
    application = create_app("/var/lib/deskbook/bookings.db")

``application`` is a WSGI callable; ``App.handle`` takes a
:class:`~deskbook.http.Request` directly, which is what the tests use.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from deskbook.api.errors import http_error_for
from deskbook.api.v1 import BookingsApiV1
from deskbook.clock import Clock, SystemClock
from deskbook.db import Database
from deskbook.errors import DomainError
from deskbook.http import HttpError, Request, Response, Router, request_from_environ
from deskbook.models import Space
from deskbook.service import BookingService

log = logging.getLogger(__name__)

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


class App:
    def __init__(self, router: Router, service: BookingService) -> None:
        self.router = router
        self.service = service

    def handle(self, request: Request) -> Response:
        try:
            return self.router.dispatch(request)
        except HttpError as exc:
            return exc.to_response()
        except DomainError as exc:
            return http_error_for(exc).to_response()
        except Exception:
            log.exception("unhandled error in %s %s", request.method, request.path)
            return HttpError(
                HTTPStatus.INTERNAL_SERVER_ERROR, "internal_error", "something went wrong"
            ).to_response()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        response = self.handle(request_from_environ(environ))
        headers = [*response.headers.items(), ("Content-Length", str(len(response.body)))]
        status = HTTPStatus(response.status)
        start_response(f"{status.value} {status.phrase}", headers)
        return [response.body]


def create_app(
    database: str | os.PathLike[str],
    *,
    clock: Clock | None = None,
    spaces: Iterable[Space] = (),
) -> App:
    """Build the application over the SQLite file at ``database``.

    ``spaces`` are upserted at start-up (facilities exports the floor plan
    with each deploy).
    """
    db = Database(database)
    db.migrate()
    service = BookingService(db, clock or SystemClock())
    service.sync_spaces(spaces)
    router = Router()
    BookingsApiV1(service).register(router)
    return App(router, service)
