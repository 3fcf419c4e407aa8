"""Repositories over a SQLite connection.

A repository wraps one connection and never commits: the caller owns the
transaction (see :meth:`deskbook.db.Database.transaction`), so several
repositories can take part in the same unit of work.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

from deskbook.models import Booking, BookingStatus, IdempotencyRecord, Space, SpaceKind

_TS_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def to_db_time(value: datetime) -> str:
    """Fixed-width UTC text, so that string order is time order in SQL."""
    return value.astimezone(timezone.utc).strftime(_TS_FORMAT)


def from_db_time(value: str) -> datetime:
    return datetime.strptime(value, _TS_FORMAT).replace(tzinfo=timezone.utc)


class SpaceRepository:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def get(self, space_id: str) -> Space | None:
        row = self._conn.execute(
            "SELECT id, name, kind, capacity FROM spaces WHERE id = ?", (space_id,)
        ).fetchone()
        return _space(row) if row else None

    def upsert(self, space: Space) -> None:
        self._conn.execute(
            """
            INSERT INTO spaces (id, name, kind, capacity) VALUES (?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE
               SET name = excluded.name, kind = excluded.kind, capacity = excluded.capacity
            """,
            (space.id, space.name, space.kind.value, space.capacity),
        )


class BookingRepository:
    _COLUMNS = (
        "id, account_id, space_id, title, starts_at, ends_at, attendees,"
        " status, created_at, cancelled_at"
    )

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def add(self, booking: Booking) -> None:
        self._conn.execute(
            f"INSERT INTO bookings ({self._COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                booking.id,
                booking.account_id,
                booking.space_id,
                booking.title,
                to_db_time(booking.start),
                to_db_time(booking.end),
                booking.attendees,
                booking.status.value,
                to_db_time(booking.created_at),
                to_db_time(booking.cancelled_at) if booking.cancelled_at else None,
            ),
        )

    def get(self, booking_id: str) -> Booking | None:
        row = self._conn.execute(
            f"SELECT {self._COLUMNS} FROM bookings WHERE id = ?", (booking_id,)
        ).fetchone()
        return _booking(row) if row else None

    def list_for_account(
        self,
        account_id: str,
        *,
        space_id: str | None = None,
        status: BookingStatus | None = None,
    ) -> list[Booking]:
        sql = f"SELECT {self._COLUMNS} FROM bookings WHERE account_id = ?"
        params: list[object] = [account_id]
        if space_id is not None:
            sql += " AND space_id = ?"
            params.append(space_id)
        if status is not None:
            sql += " AND status = ?"
            params.append(status.value)
        sql += " ORDER BY starts_at, id"
        return [_booking(row) for row in self._conn.execute(sql, params)]

    def active_overlapping(self, space_id: str, start: datetime, end: datetime) -> list[Booking]:
        """Confirmed bookings of ``space_id`` that intersect ``[start, end)``."""
        rows = self._conn.execute(
            f"""
            SELECT {self._COLUMNS} FROM bookings
             WHERE space_id = ? AND status = ? AND starts_at < ? AND ends_at > ?
             ORDER BY starts_at
            """,
            (space_id, BookingStatus.CONFIRMED.value, to_db_time(end), to_db_time(start)),
        )
        return [_booking(row) for row in rows]

    def mark_cancelled(self, booking_id: str, at: datetime) -> None:
        self._conn.execute(
            "UPDATE bookings SET status = ?, cancelled_at = ? WHERE id = ?",
            (BookingStatus.CANCELLED.value, to_db_time(at), booking_id),
        )


class IdempotencyRepository:
    """Idempotency keys, unique per ``(account_id, key)``.

    The primary key is the last line of defence: a second live record for
    the same key cannot be inserted, whatever the caller did before.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def find(self, account_id: str, key: str) -> IdempotencyRecord | None:
        row = self._conn.execute(
            """
            SELECT account_id, idempotency_key, fingerprint, booking_id, created_at
              FROM idempotency_keys
             WHERE account_id = ? AND idempotency_key = ?
            """,
            (account_id, key),
        ).fetchone()
        if row is None:
            return None
        return IdempotencyRecord(
            account_id=row["account_id"],
            key=row["idempotency_key"],
            fingerprint=row["fingerprint"],
            booking_id=row["booking_id"],
            created_at=from_db_time(row["created_at"]),
        )

    def add(self, record: IdempotencyRecord) -> None:
        """Record a key, replacing an expired record of the same key."""
        self._conn.execute(
            """
            INSERT OR REPLACE INTO idempotency_keys
                   (account_id, idempotency_key, fingerprint, booking_id, created_at)
            VALUES (?, ?, ?, ?, ?)
            """,
            (
                record.account_id,
                record.key,
                record.fingerprint,
                record.booking_id,
                to_db_time(record.created_at),
            ),
        )

    def discard(self, account_id: str, key: str) -> None:
        self._conn.execute(
            "DELETE FROM idempotency_keys WHERE account_id = ? AND idempotency_key = ?",
            (account_id, key),
        )

    def purge_created_before(self, cutoff: datetime) -> int:
        cursor = self._conn.execute(
            "DELETE FROM idempotency_keys WHERE created_at < ?", (to_db_time(cutoff),)
        )
        return cursor.rowcount


def _space(row: sqlite3.Row) -> Space:
    return Space(
        id=row["id"], name=row["name"], kind=SpaceKind(row["kind"]), capacity=row["capacity"]
    )


def _booking(row: sqlite3.Row) -> Booking:
    return Booking(
        id=row["id"],
        account_id=row["account_id"],
        space_id=row["space_id"],
        title=row["title"],
        start=from_db_time(row["starts_at"]),
        end=from_db_time(row["ends_at"]),
        attendees=row["attendees"],
        status=BookingStatus(row["status"]),
        created_at=from_db_time(row["created_at"]),
        cancelled_at=from_db_time(row["cancelled_at"]) if row["cancelled_at"] else None,
    )
