"""Domain errors raised by the service layer.

Each error carries a stable, machine-readable ``code`` that clients switch on.
The HTTP layer decides which status code an error maps to; nothing below it
knows about HTTP.
"""

from __future__ import annotations


class DomainError(Exception):
    code = "domain_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    code = "not_found"


class InvalidBooking(DomainError):
    """The request is well-formed but breaks a booking rule."""

    code = "invalid_booking"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class OverCapacity(InvalidBooking):
    code = "over_capacity"


class SlotUnavailable(DomainError):
    """A room already has a confirmed booking overlapping the requested window."""

    code = "slot_unavailable"


class SpaceFull(DomainError):
    """Every desk in a pool is taken for part of the requested window."""

    code = "space_full"


class InvalidTransition(DomainError):
    """The booking cannot move from its current status to the requested one."""

    code = "invalid_transition"


class IdempotencyKeyInUse(DomainError):
    """A request with this key is still being processed."""

    code = "idempotency_key_in_use"


class IdempotencyKeyReused(DomainError):
    """The key was already used by this account for a different request."""

    code = "idempotency_key_reused"
