"""Hidden-suite helpers: the public test kit, plus thread races against the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from _deskbook_testkit import Client, FakeClock, booking_request, make_app

__all__ = ["Client", "FakeClock", "booking_request", "db_path", "make_app", "race"]


def db_path(tmp_path: Path) -> Path:
    """Where ``make_app`` keeps the database for a test's ``tmp_path``."""
    return tmp_path / "bookings.db"


def race(
    action: Any,
    workers: int,
    *,
    busy_database: Path | None = None,
    busy_for: float = 0.05,
    timeout: float = 10.0,
) -> list[Any]:
    """Run ``action(i)`` on ``workers`` threads released together; return results in order.

    With ``busy_database``, another connection holds that SQLite file's write
    lock for ``busy_for`` seconds after the threads start, the way a slow
    writer or a checkpoint would: every request gets as far as it can before
    it needs to write, then they all proceed.
    """
    import sqlite3
    import threading
    import time

    barrier = threading.Barrier(workers)
    results: list[Any] = [None] * workers
    failures: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=timeout)
            results[index] = action(index)
        except BaseException as exc:  # reported to the test below
            failures.append(exc)

    blocker = None
    if busy_database is not None:
        blocker = sqlite3.connect(busy_database, isolation_level=None, timeout=timeout)
        blocker.execute("BEGIN IMMEDIATE")
    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(workers)]
    try:
        for thread in threads:
            thread.start()
        if blocker is not None:
            time.sleep(busy_for)
    finally:
        if blocker is not None:
            blocker.execute("ROLLBACK")
            blocker.close()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    assert not any(t.is_alive() for t in threads), "requests did not finish in time"
    assert not failures, failures
    return results
