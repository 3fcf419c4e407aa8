"""Version 1 of the bookings API.

    POST /v1/bookings
    GET  /v1/bookings[?space_id=...&status=confirmed|cancelled]
    GET  /v1/bookings/{booking_id}
    POST /v1/bookings/{booking_id}/cancel

Callers are authenticated by the gateway, which forwards the account in
``X-Account-Id``. Everything a caller sees is scoped to that account.

``POST /v1/bookings`` accepts an optional ``Idempotency-Key`` header. A retry
with the same key and the same booking request gets the booking the first
attempt created (200, marked ``Idempotent-Replayed: true``); the same key
with a different request is refused with 422 ``idempotency_key_reused``.
Keys are scoped to the account and expire after 24 hours.
"""

from __future__ import annotations

import re
from http import HTTPStatus

from deskbook.api.schema import booking_json, parse_new_booking
from deskbook.http import HttpError, Request, Response, Router
from deskbook.models import BookingStatus
from deskbook.service import BookingService

ACCOUNT_HEADER = "X-Account-Id"
IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
_VALID_KEY = re.compile(r"[\x21-\x7e]{1,255}")


class BookingsApiV1:
    def __init__(self, service: BookingService) -> None:
        self._service = service

    def register(self, router: Router) -> None:
        router.add("POST", "/v1/bookings", self.create_booking)
        router.add("GET", "/v1/bookings", self.list_bookings)
        router.add("GET", "/v1/bookings/{booking_id}", self.get_booking)
        router.add("POST", "/v1/bookings/{booking_id}/cancel", self.cancel_booking)

    def create_booking(self, request: Request) -> Response:
        account_id = _account(request)
        key = _idempotency_key(request)
        new_booking = parse_new_booking(request.json())
        created = self._service.create_booking(account_id, new_booking, idempotency_key=key)
        booking = created.booking
        if created.replayed:
            return Response.json(
                HTTPStatus.OK, booking_json(booking), headers={REPLAYED_HEADER: "true"}
            )
        return Response.json(
            HTTPStatus.CREATED,
            booking_json(booking),
            headers={"Location": f"/v1/bookings/{booking.id}"},
        )

    def list_bookings(self, request: Request) -> Response:
        account_id = _account(request)
        status = request.query.get("status")
        try:
            status_filter = BookingStatus(status) if status else None
        except ValueError:
            raise HttpError(
                HTTPStatus.BAD_REQUEST, "invalid_query", f"unknown status {status!r}"
            ) from None
        bookings = self._service.list_bookings(
            account_id, space_id=request.query.get("space_id"), status=status_filter
        )
        return Response.json(HTTPStatus.OK, {"bookings": [booking_json(b) for b in bookings]})

    def get_booking(self, request: Request, booking_id: str) -> Response:
        booking = self._service.get_booking(_account(request), booking_id)
        return Response.json(HTTPStatus.OK, booking_json(booking))

    def cancel_booking(self, request: Request, booking_id: str) -> Response:
        booking = self._service.cancel_booking(_account(request), booking_id)
        return Response.json(HTTPStatus.OK, booking_json(booking))


def _account(request: Request) -> str:
    account_id = (request.header(ACCOUNT_HEADER) or "").strip()
    if not account_id:
        raise HttpError(HTTPStatus.UNAUTHORIZED, "unauthenticated", f"{ACCOUNT_HEADER} is missing")
    return account_id


def _idempotency_key(request: Request) -> str | None:
    key = request.header(IDEMPOTENCY_KEY_HEADER)
    if key is None:
        return None
    if not _VALID_KEY.fullmatch(key):
        raise HttpError(
            HTTPStatus.BAD_REQUEST,
            "invalid_idempotency_key",
            f"{IDEMPOTENCY_KEY_HEADER} must be 1-255 printable ASCII characters without spaces",
        )
    return key
