"""Domain types shared by every layer."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class SpaceKind(str, enum.Enum):
    """What a space is, which decides how concurrent bookings are counted."""

    #: A meeting room: one booking at a time, ``capacity`` is the number of seats.
    ROOM = "room"
    #: A hot-desk area: ``capacity`` desks, each attendee takes one of them.
    DESK_POOL = "desk_pool"


class BookingStatus(str, enum.Enum):
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Space:
    id: str
    name: str
    kind: SpaceKind
    capacity: int


@dataclass(frozen=True)
class NewBooking:
    """A validated booking request, before it has an id or an owner."""

    space_id: str
    title: str
    start: datetime
    end: datetime
    attendees: int = 1


@dataclass(frozen=True)
class Booking:
    id: str
    account_id: str
    space_id: str
    title: str
    start: datetime
    end: datetime
    attendees: int
    status: BookingStatus
    created_at: datetime
    cancelled_at: datetime | None = None

    @property
    def is_active(self) -> bool:
        return self.status is BookingStatus.CONFIRMED


@dataclass(frozen=True)
class IdempotencyRecord:
    """What a client's ``Idempotency-Key`` bought them: one booking.

    A record is written before the booking is attempted, with no
    ``booking_id``, so a concurrent retry can see the key is taken. Only the
    fingerprint of the request is kept, never the body itself.
    """

    account_id: str
    key: str
    fingerprint: str
    booking_id: str | None
    created_at: datetime
