"""Maps domain errors to HTTP responses, identically for every API version."""

from __future__ import annotations

from http import HTTPStatus

from deskbook.errors import (
    DomainError,
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    InvalidBooking,
    InvalidTransition,
    NotFound,
    SlotUnavailable,
    SpaceFull,
)
from deskbook.http import HttpError

_STATUS: tuple[tuple[type[DomainError], HTTPStatus], ...] = (
    (NotFound, HTTPStatus.NOT_FOUND),
    (InvalidBooking, HTTPStatus.UNPROCESSABLE_ENTITY),
    (SlotUnavailable, HTTPStatus.CONFLICT),
    (SpaceFull, HTTPStatus.CONFLICT),
    (InvalidTransition, HTTPStatus.CONFLICT),
    (IdempotencyKeyReused, HTTPStatus.UNPROCESSABLE_ENTITY),
    (IdempotencyKeyInUse, HTTPStatus.CONFLICT),
)


def http_error_for(exc: DomainError) -> HttpError:
    status = next(
        (status for kind, status in _STATUS if isinstance(exc, kind)),
        HTTPStatus.BAD_REQUEST,
    )
    details = {"field": exc.field} if isinstance(exc, InvalidBooking) and exc.field else None
    return HttpError(status, exc.code, exc.message, details=details)
