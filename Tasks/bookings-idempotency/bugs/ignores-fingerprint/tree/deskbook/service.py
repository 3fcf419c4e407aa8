"""Booking rules.

The service is the only place that decides whether a booking may exist. It
works in domain types and raises :mod:`deskbook.errors`; it knows nothing
about HTTP or JSON.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from deskbook.clock import Clock
from deskbook.db import Database
from deskbook.errors import (
    InvalidBooking,
    InvalidTransition,
    NotFound,
    OverCapacity,
    SlotUnavailable,
    SpaceFull,
)
from deskbook.models import (
    Booking,
    BookingStatus,
    IdempotencyRecord,
    NewBooking,
    Space,
    SpaceKind,
)
from deskbook.repository import BookingRepository, IdempotencyRepository, SpaceRepository

log = logging.getLogger(__name__)

MAX_DURATION = timedelta(hours=10)
BOOKING_HORIZON = timedelta(days=180)
#: How long an idempotency key keeps answering with the booking it created.
IDEMPOTENCY_KEY_TTL = timedelta(hours=24)


def new_booking_id() -> str:
    return "bk_" + secrets.token_hex(8)


def request_fingerprint(request: NewBooking) -> str:
    """A digest of what was asked for, independent of how the JSON was spelt."""
    canonical = json.dumps(
        {
            "space_id": request.space_id,
            "title": request.title,
            "start": request.start.isoformat(),
            "end": request.end.isoformat(),
            "attendees": request.attendees,
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class CreatedBooking:
    booking: Booking
    #: True when an earlier request with the same idempotency key created it.
    replayed: bool = False


class BookingService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def sync_spaces(self, spaces: Iterable[Space]) -> None:
        """Create or update spaces from the facilities floor plan."""
        with self._db.transaction() as conn:
            repo = SpaceRepository(conn)
            for space in spaces:
                repo.upsert(space)

    def create_booking(
        self,
        account_id: str,
        request: NewBooking,
        *,
        idempotency_key: str | None = None,
    ) -> CreatedBooking:
        """Book a space, at most once per ``(account_id, idempotency_key)``.

        The key is looked up and recorded inside the same write transaction
        as the booking itself, so concurrent retries queue on the write lock
        and all but the first find the record. A replay skips the booking
        rules: they were checked when the booking was made, and the slot is
        now taken by that very booking. Rejected requests record nothing, so
        the client may retry them with the same key.
        """
        now = self._clock.now()
        with self._db.transaction() as conn:
            if idempotency_key is not None:
                previous = self._booking_for_key(conn, account_id, idempotency_key, request, now)
                if previous is not None:
                    log.info("replaying booking %s for key of %s", previous.id, account_id)
                    return CreatedBooking(previous, replayed=True)
            booking = self._book(conn, account_id, request, now)
            if idempotency_key is not None:
                IdempotencyRepository(conn).add(
                    IdempotencyRecord(
                        account_id=account_id,
                        key=idempotency_key,
                        fingerprint=request_fingerprint(request),
                        booking_id=booking.id,
                        created_at=now,
                    )
                )
        log.info("booking %s created for %s in %s", booking.id, account_id, booking.space_id)
        return CreatedBooking(booking)

    def purge_idempotency_keys(self) -> int:
        """Forget expired keys; run periodically, expiry does not depend on it."""
        with self._db.transaction() as conn:
            cutoff = self._clock.now() - IDEMPOTENCY_KEY_TTL
            return IdempotencyRepository(conn).purge_created_before(cutoff)

    def _booking_for_key(
        self,
        conn: sqlite3.Connection,
        account_id: str,
        key: str,
        request: NewBooking,
        now: datetime,
    ) -> Booking | None:
        """The booking ``key`` already created, or None if the key is unused or expired."""
        keys = IdempotencyRepository(conn)
        record = keys.find(account_id, key)
        if record is None:
            return None
        if record.created_at + IDEMPOTENCY_KEY_TTL <= now:
            keys.discard(account_id, key)
            return None
        booking = BookingRepository(conn).get(record.booking_id)
        if booking is None:
            raise LookupError(f"idempotency key points at missing booking {record.booking_id}")
        return booking

    def _book(
        self, conn: sqlite3.Connection, account_id: str, request: NewBooking, now: datetime
    ) -> Booking:
        self._check_window(request, now)
        space = SpaceRepository(conn).get(request.space_id)
        if space is None:
            raise NotFound(f"space {request.space_id!r} does not exist")
        bookings = BookingRepository(conn)
        overlapping = bookings.active_overlapping(space.id, request.start, request.end)
        self._check_capacity(space, request, overlapping)
        booking = Booking(
            id=new_booking_id(),
            account_id=account_id,
            space_id=space.id,
            title=request.title,
            start=request.start,
            end=request.end,
            attendees=request.attendees,
            status=BookingStatus.CONFIRMED,
            created_at=now,
        )
        bookings.add(booking)
        return booking

    def get_booking(self, account_id: str, booking_id: str) -> Booking:
        with self._db.read() as conn:
            booking = BookingRepository(conn).get(booking_id)
        # Another account's booking is reported as missing, not forbidden,
        # so ids cannot be probed.
        if booking is None or booking.account_id != account_id:
            raise NotFound(f"booking {booking_id!r} does not exist")
        return booking

    def list_bookings(
        self,
        account_id: str,
        *,
        space_id: str | None = None,
        status: BookingStatus | None = None,
    ) -> list[Booking]:
        with self._db.read() as conn:
            return BookingRepository(conn).list_for_account(
                account_id, space_id=space_id, status=status
            )

    def cancel_booking(self, account_id: str, booking_id: str) -> Booking:
        with self._db.transaction() as conn:
            bookings = BookingRepository(conn)
            booking = bookings.get(booking_id)
            if booking is None or booking.account_id != account_id:
                raise NotFound(f"booking {booking_id!r} does not exist")
            if not booking.is_active:
                raise InvalidTransition(f"booking {booking_id!r} is already cancelled")
            now = self._clock.now()
            if booking.start <= now:
                raise InvalidTransition(f"booking {booking_id!r} has already started")
            bookings.mark_cancelled(booking_id, now)
        log.info("booking %s cancelled by %s", booking_id, account_id)
        return replace(booking, status=BookingStatus.CANCELLED, cancelled_at=now)

    @staticmethod
    def _check_window(request: NewBooking, now: datetime) -> None:
        if request.end <= request.start:
            raise InvalidBooking("end must be after start", field="end")
        if request.end - request.start > MAX_DURATION:
            raise InvalidBooking("a booking may last at most 10 hours", field="end")
        if request.start < now:
            raise InvalidBooking("start is in the past", field="start")
        if request.start > now + BOOKING_HORIZON:
            raise InvalidBooking("bookings open 180 days ahead", field="start")

    @staticmethod
    def _check_capacity(space: Space, request: NewBooking, overlapping: Sequence[Booking]) -> None:
        if request.attendees > space.capacity:
            raise OverCapacity(
                f"{space.name} holds {space.capacity}, asked for {request.attendees}",
                field="attendees",
            )
        if space.kind is SpaceKind.ROOM:
            if overlapping:
                raise SlotUnavailable(f"{space.name} is already booked for part of that time")
            return
        # Desk pools: count every confirmed booking that touches the window.
        # This over-counts when two of them do not overlap each other, which
        # errs on the side of never promising a desk we do not have.
        taken = sum(b.attendees for b in overlapping)
        if taken + request.attendees > space.capacity:
            free = max(space.capacity - taken, 0)
            raise SpaceFull(f"{space.name} has {free} desk(s) free for that time")
