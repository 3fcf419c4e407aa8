"""Hidden-suite helpers: fake clock, in-process WSGI client, thread races."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from wsgiref.util import setup_testing_defaults

from deskbook import create_app
from deskbook.models import Space, SpaceKind

NOW = datetime(2030, 3, 4, 8, 0, tzinfo=timezone.utc)

SPACES = (
    Space("rm-orion", "Orion", SpaceKind.ROOM, 6),
    Space("rm-vega", "Vega", SpaceKind.ROOM, 4),
    Space("dp-third-floor", "Third floor desks", SpaceKind.DESK_POOL, 20),
    Space("dp-quiet", "Quiet zone", SpaceKind.DESK_POOL, 2),
)


class FakeClock:
    def __init__(self, now: datetime = NOW) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Client:
    app: Any
    account: str | None = "acct-ada"
    extra_headers: dict[str, str] = field(default_factory=dict)

    def request(
        self,
        method: str,
        path: str,
        *,
        payload: Any = None,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        account: str | None = "",
    ) -> Reply:
        query = ""
        if "?" in path:
            path, query = path.split("?", 1)
        if body is None and payload is not None:
            body = json.dumps(payload).encode()
        body = body or b""
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
        }
        if body:
            environ["CONTENT_TYPE"] = "application/json"
        who = self.account if account == "" else account
        merged = dict(self.extra_headers, **(headers or {}))
        if who is not None:
            merged["X-Account-Id"] = who
        for name, value in merged.items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        setup_testing_defaults(environ)
        captured: dict[str, Any] = {}

        def start_response(status: str, response_headers: list[tuple[str, str]], exc_info=None):
            captured["status"] = int(status.split(" ", 1)[0])
            captured["headers"] = {k.lower(): v for k, v in response_headers}

        chunks = self.app(environ, start_response)
        try:
            data = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        return Reply(captured["status"], captured["headers"], data)

    def create(self, payload: Any, **kwargs: Any) -> Reply:
        return self.request("POST", "/v1/bookings", payload=payload, **kwargs)


def db_path(tmp_path: Path) -> Path:
    return tmp_path / "bookings.db"


def make_app(tmp_path: Path, clock: FakeClock | None = None) -> tuple[Any, FakeClock]:
    clock = clock or FakeClock()
    app = create_app(db_path(tmp_path), clock=clock, spaces=SPACES)
    return app, clock


def at(day: int, hour: int, minute: int = 0) -> str:
    """An ISO timestamp ``day`` days after NOW's date, at ``hour:minute`` UTC."""
    moment = NOW.replace(hour=hour, minute=minute) + timedelta(days=day)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def booking_request(
    space_id: str = "rm-orion",
    *,
    day: int = 1,
    hour: int = 9,
    hours: int = 1,
    title: str = "Sprint planning",
    attendees: int = 3,
) -> dict[str, Any]:
    return {
        "space_id": space_id,
        "title": title,
        "start": at(day, hour),
        "end": at(day, hour + hours),
        "attendees": attendees,
    }


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
