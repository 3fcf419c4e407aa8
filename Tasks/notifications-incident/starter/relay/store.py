"""The job queue, kept in SQLite.

A job is ``pending`` until a worker leases it. A lease is a promise to finish
the job (deliver, reschedule or dead-letter it) before ``lease_expires_at``;
if the worker dies first, the job becomes available to other workers again.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Any

from .clock import Clock
from .models import Job, JobStatus

log = logging.getLogger("relay.store")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id        TEXT    NOT NULL,
    event_type       TEXT    NOT NULL,
    payload          TEXT    NOT NULL,
    idempotency_key  TEXT    NOT NULL,
    status           TEXT    NOT NULL DEFAULT 'pending',
    attempts         INTEGER NOT NULL DEFAULT 0,
    available_at     REAL    NOT NULL,
    created_at       REAL    NOT NULL,
    lease_expires_at REAL,
    leased_by        TEXT,
    last_error       TEXT,
    finished_at      REAL,
    UNIQUE (tenant_id, idempotency_key)
);
CREATE INDEX IF NOT EXISTS jobs_by_due ON jobs (status, available_at, id);
"""

_CLEAR_LEASE = "lease_expires_at = NULL, leased_by = NULL"

#: Lock waits longer than this are logged; they usually mean write contention.
_SLOW_LOCK_SECONDS = 0.25


def _dt(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, timezone.utc)


class JobStore:
    """SQLite-backed job queue. One connection, serialised by a lock."""

    def __init__(self, clock: Clock, path: str = ":memory:") -> None:
        self._clock = clock
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()

    @contextmanager
    def _transaction(self, op: str) -> Iterator[sqlite3.Connection]:
        started = self._clock.monotonic()
        with self._lock:
            waited = self._clock.monotonic() - started
            if waited > _SLOW_LOCK_SECONDS:
                log.warning("store.lock_wait", extra={"op": op, "waited_ms": round(waited * 1000)})
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def enqueue(
        self,
        tenant_id: str,
        event_type: str,
        payload: Mapping[str, Any],
        *,
        idempotency_key: str | None = None,
        delay: timedelta = timedelta(0),
    ) -> int:
        """Queue a webhook. Enqueueing the same idempotency key twice is a no-op."""
        key = idempotency_key or uuid.uuid4().hex
        now = self._clock.now()
        with self._transaction("enqueue") as db:
            db.execute(
                "INSERT INTO jobs (tenant_id, event_type, payload, idempotency_key, available_at,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (tenant_id, event_type, json.dumps(payload), key,
                 (now + delay).timestamp(), now.timestamp()),
            )
            row = db.execute(
                "SELECT id FROM jobs WHERE tenant_id = ? AND idempotency_key = ?", (tenant_id, key)
            ).fetchone()
        return int(row["id"])

    def lease(self, worker_id: str, limit: int, lease_for: timedelta) -> list[Job]:
        """Claim up to ``limit`` due jobs, oldest first, including expired leases."""
        now = self._clock.now().timestamp()
        with self._transaction("lease") as db:
            ids = [row["id"] for row in db.execute(
                "SELECT id FROM jobs WHERE (status = 'pending' AND available_at <= :now)"
                " OR (status = 'leased' AND lease_expires_at <= :now)"
                " ORDER BY available_at, id LIMIT :limit",
                {"now": now, "limit": limit},
            )]
            db.executemany(
                "UPDATE jobs SET status = 'leased', lease_expires_at = ?, leased_by = ? WHERE id = ?",
                [(now + lease_for.total_seconds(), worker_id, job_id) for job_id in ids],
            )
            return [self._load(db, job_id) for job_id in ids]

    def complete(self, job_id: int) -> None:
        """Mark a leased job delivered."""
        self._finish(job_id, JobStatus.DELIVERED, error=None, attempted=True)

    def dead_letter(self, job_id: int, *, error: str, attempted: bool) -> None:
        """Give up on a job. ``attempted`` says whether it was actually sent."""
        self._finish(job_id, JobStatus.DEAD, error=error, attempted=attempted)

    def retry(self, job_id: int, *, available_at: datetime, error: str) -> None:
        """Record a failed attempt and make the job due again at ``available_at``."""
        self._update_leased(
            job_id,
            f"status = 'pending', attempts = attempts + 1, available_at = ?, last_error = ?, {_CLEAR_LEASE}",
            (available_at.timestamp(), error),
        )

    def defer(self, job_id: int, *, available_at: datetime) -> None:
        """Push a job back without counting an attempt (rate limits, paused tenants)."""
        self._update_leased(
            job_id, f"status = 'pending', available_at = ?, {_CLEAR_LEASE}", (available_at.timestamp(),)
        )

    def release(self, job_id: int) -> None:
        """Hand a leased job back untouched, e.g. when a worker is shutting down."""
        self._update_leased(job_id, f"status = 'pending', {_CLEAR_LEASE}", ())

    def get(self, job_id: int) -> Job:
        with self._transaction("get") as db:
            return self._load(db, job_id)

    def stats(self) -> dict[str, int]:
        """Job counts by status, plus ``due``: pending jobs whose time has come."""
        now = self._clock.now().timestamp()
        counts = {status.value: 0 for status in JobStatus}
        with self._transaction("stats") as db:
            counts.update(db.execute("SELECT status, COUNT(*) FROM jobs GROUP BY status").fetchall())
            counts["due"] = db.execute(
                "SELECT COUNT(*) FROM jobs WHERE status = 'pending' AND available_at <= ?", (now,)
            ).fetchone()[0]
        return counts

    def _finish(self, job_id: int, status: JobStatus, *, error: str | None, attempted: bool) -> None:
        self._update_leased(
            job_id,
            f"status = ?, attempts = attempts + ?, last_error = ?, finished_at = ?, {_CLEAR_LEASE}",
            (status.value, int(attempted), error, self._clock.now().timestamp()),
        )

    def _update_leased(self, job_id: int, assignments: str, params: tuple[Any, ...]) -> None:
        with self._transaction("update") as db:
            cursor = db.execute(
                f"UPDATE jobs SET {assignments} WHERE id = ? AND status = 'leased'", (*params, job_id)
            )
            if cursor.rowcount == 0:
                self._load(db, job_id)  # raises KeyError for an unknown id
                raise ValueError(f"job {job_id} is not leased")

    @staticmethod
    def _load(db: sqlite3.Connection, job_id: int) -> Job:
        row = db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise KeyError(job_id)
        return Job(
            id=row["id"],
            tenant_id=row["tenant_id"],
            event_type=row["event_type"],
            payload=json.loads(row["payload"]),
            idempotency_key=row["idempotency_key"],
            status=JobStatus(row["status"]),
            attempts=row["attempts"],
            available_at=datetime.fromtimestamp(row["available_at"], timezone.utc),
            created_at=datetime.fromtimestamp(row["created_at"], timezone.utc),
            lease_expires_at=_dt(row["lease_expires_at"]),
            leased_by=row["leased_by"],
            last_error=row["last_error"],
        )
