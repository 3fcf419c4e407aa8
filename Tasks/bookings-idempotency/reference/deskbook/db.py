"""SQLite access: connections, transactions and schema migrations.

Each thread gets its own connection, opened on first use and kept for the
life of the thread: SQLite connections must not be shared between threads,
and the WSGI server runs every request on a pooled worker thread. The
database runs in WAL mode so readers never wait for the writer; writers are
serialised by ``BEGIN IMMEDIATE`` in :meth:`Database.transaction`.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)

#: Ordered schema migrations. ``PRAGMA user_version`` records how many have
#: been applied; append new ones, never edit a released one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE spaces (
        id        TEXT PRIMARY KEY,
        name      TEXT NOT NULL,
        kind      TEXT NOT NULL CHECK (kind IN ('room', 'desk_pool')),
        capacity  INTEGER NOT NULL CHECK (capacity > 0)
    );
    CREATE TABLE bookings (
        id            TEXT PRIMARY KEY,
        account_id    TEXT NOT NULL,
        space_id      TEXT NOT NULL REFERENCES spaces (id),
        title         TEXT NOT NULL,
        starts_at     TEXT NOT NULL,
        ends_at       TEXT NOT NULL,
        attendees     INTEGER NOT NULL,
        status        TEXT NOT NULL,
        created_at    TEXT NOT NULL,
        cancelled_at  TEXT
    );
    CREATE INDEX bookings_by_space ON bookings (space_id, starts_at);
    """,
    """
    CREATE INDEX bookings_by_account ON bookings (account_id, starts_at);
    """,
    """
    CREATE TABLE idempotency_keys (
        account_id       TEXT NOT NULL,
        idempotency_key  TEXT NOT NULL,
        fingerprint      TEXT NOT NULL,
        booking_id       TEXT NOT NULL REFERENCES bookings (id),
        created_at       TEXT NOT NULL,
        PRIMARY KEY (account_id, idempotency_key)
    );
    CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
    """,
)


class Database:
    def __init__(self, path: str | os.PathLike[str], *, busy_timeout: float = 10.0) -> None:
        self.path = os.fspath(path)
        self.busy_timeout = busy_timeout
        self._local = threading.local()

    def connect(self) -> sqlite3.Connection:
        """Open a new connection; most callers want :meth:`read` or :meth:`transaction`."""
        # isolation_level=None: we issue BEGIN/COMMIT ourselves.
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        return conn

    def _thread_connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self.connect()
        return conn

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A connection for reads; each statement sees the latest commit."""
        yield self._thread_connection()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction holding the database write lock from the start.

        ``BEGIN IMMEDIATE`` takes the lock up front, so check-then-write
        sequences inside the block cannot interleave with another writer.
        """
        conn = self._thread_connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def migrate(self) -> None:
        self._thread_connection().execute("PRAGMA journal_mode = WAL")
        with self.transaction() as conn:
            (applied,) = conn.execute("PRAGMA user_version").fetchone()
            for version, script in enumerate(MIGRATIONS[applied:], start=applied + 1):
                log.info("applying migration %d", version)
                for statement in _statements(script):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version}")


def _statements(script: str) -> Iterator[str]:
    # executescript() would COMMIT our transaction, so split by hand. The
    # migrations contain no string literals with semicolons.
    for statement in script.split(";"):
        if statement.strip():
            yield statement
