"""Shared fixtures for the hidden catalog tests (not a test module)."""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from catalog.app import create_app
from catalog.config import Settings
from catalog.server import make_server

REAL_CONNECT = sqlite3.connect
_TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "ROLLBACK", "END", "SAVEPOINT", "RELEASE", "PRAGMA"}


def settings_for(tmp_path: Path, **env: object) -> Settings:
    values = {"CATALOG_DB_PATH": str(tmp_path / "catalog.db")}
    values.update({name: str(value) for name, value in env.items()})
    return Settings.from_env(values)


def build_app(tmp_path: Path, **env: object) -> Any:
    return create_app(settings_for(tmp_path, **env))


def db_path(tmp_path: Path) -> str:
    return str(tmp_path / "catalog.db")


# -- data ------------------------------------------------------------------


def seed(
    tmp_path: Path,
    *,
    products: int,
    categories: int = 3,
    reviews_per_product: int = 2,
    stock: int = 100,
) -> list[int]:
    """Insert a deterministic catalog straight into SQLite; returns product ids."""
    conn = REAL_CONNECT(db_path(tmp_path))
    conn.execute("PRAGMA synchronous = OFF")
    try:
        with conn:
            conn.executemany(
                "INSERT INTO categories (slug, name) VALUES (?, ?)",
                [(f"cat-{n}", f"Category {n}") for n in range(categories)],
            )
            category_ids = [row[0] for row in conn.execute("SELECT id FROM categories ORDER BY id")]
            conn.executemany(
                "INSERT INTO products (sku, name, category_id, price_cents, stock) VALUES (?, ?, ?, ?, ?)",
                [
                    (f"SKU-{n:04d}", f"Product {n}", category_ids[n % categories], 1000 + n, stock)
                    for n in range(products)
                ],
            )
            product_ids = [row[0] for row in conn.execute("SELECT id FROM products ORDER BY id")]
            conn.executemany(
                "INSERT INTO reviews (product_id, rating, author, body) VALUES (?, ?, ?, '')",
                [
                    (pid, 1 + (pid + k) % 5, f"reviewer{k}")
                    for pid in product_ids
                    for k in range(reviews_per_product)
                ],
            )
        return product_ids
    finally:
        conn.close()


def stock_ledger(tmp_path: Path, product_id: int) -> tuple[int, int]:
    """(stock left, units held by active reservations) for one product."""
    conn = REAL_CONNECT(db_path(tmp_path))
    try:
        stock = conn.execute("SELECT stock FROM products WHERE id = ?", (product_id,)).fetchone()[0]
        held = conn.execute(
            "SELECT COALESCE(SUM(quantity), 0) FROM reservations"
            " WHERE product_id = ? AND status = 'active'",
            (product_id,),
        ).fetchone()[0]
        return int(stock), int(held)
    finally:
        conn.close()


# -- statement counting ---------------------------------------------------


class StatementLog:
    """Records the SQL run on every connection opened after ``install``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.statements: list[str] = []

    def install(self, monkeypatch: Any) -> StatementLog:
        monkeypatch.setattr(sqlite3, "connect", self._connect)
        return self

    def _connect(self, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = REAL_CONNECT(*args, **kwargs)
        conn.set_trace_callback(self._trace)
        return conn

    def _trace(self, sql: str) -> None:
        words = sql.split(None, 1)
        if not words or words[0].upper() in _TRANSACTION_CONTROL:
            return
        with self._lock:
            self.statements.append(sql)

    @contextlib.contextmanager
    def measure(self) -> Iterator[list[str]]:
        """Yields a list that holds, afterwards, the statements run inside the block."""
        with self._lock:
            start = len(self.statements)
        seen: list[str] = []
        yield seen
        with self._lock:
            seen.extend(self.statements[start:])


# -- HTTP ------------------------------------------------------------------


class Client:
    """A keep-alive JSON client for one thread."""

    def __init__(self, port: int, timeout: float = 5.0) -> None:
        self.port = port
        self.timeout = timeout
        self._conn: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, body: Any = None, *, timeout: float | None = None
    ) -> tuple[int, Any]:
        if self._conn is None:
            self._conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        if timeout is not None:
            self._conn.timeout = timeout
            if self._conn.sock is not None:
                self._conn.sock.settimeout(timeout)
        payload = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if payload is not None else {}
        try:
            self._conn.request(method, path, body=payload, headers=headers)
            response = self._conn.getresponse()
            raw = response.read()
        except BaseException:
            self.close()
            raise
        data = json.loads(raw) if raw else None
        return response.status, data

    def get(self, path: str, **kwargs: Any) -> tuple[int, Any]:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any, **kwargs: Any) -> tuple[int, Any]:
        return self.request("POST", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> tuple[int, Any]:
        return self.request("DELETE", path, **kwargs)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class RunningServer:
    def __init__(self, app: Any) -> None:
        self.app = app
        self._server = make_server(app, "127.0.0.1", 0)
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.005}, daemon=True
        )
        self._clients: list[Client] = []

    def client(self, timeout: float = 5.0) -> Client:
        client = Client(self.port, timeout)
        self._clients.append(client)
        return client

    def __enter__(self) -> RunningServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for client in self._clients:
            client.close()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(2)


# -- downstream stubs -----------------------------------------------------


class HangingUpstream:
    """Accepts TCP connections and never sends a byte back."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self._listener.settimeout(0.05)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            self._held.append(conn)

    def __enter__(self) -> HangingUpstream:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(1)
        for conn in self._held:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()
        self._listener.close()


class _StubServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64


class PricingStub:
    """A well-behaved pricing service answering every SKU under the 'HOLIDAY' promotion."""

    def __init__(self, prices: dict[str, int] | None = None, default_cents: int = 900) -> None:
        prices_ref = prices or {}

        class Handler(BaseHTTPRequestHandler):
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                sku = self.path.rsplit("/", 1)[-1]
                body = json.dumps(
                    {
                        "sku": sku,
                        "price_cents": prices_ref.get(sku, default_cents),
                        "currency": "USD",
                        "promotion": "HOLIDAY",
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = _StubServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.005}, daemon=True
        )

    def __enter__(self) -> PricingStub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def refused_url() -> str:
    """A loopback URL nobody listens on."""
    with socket.create_server(("127.0.0.1", 0)) as sock:
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def run_threads(count: int, target: Any, *, deadline: float = 10.0) -> list[Any]:
    """Run ``target(i)`` on ``count`` threads released together; returns their results."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def body(index: int) -> None:
        try:
            barrier.wait(5)
            results[index] = target(index)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=body, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    give_up = time.monotonic() + deadline
    for thread in threads:
        thread.join(max(0.0, give_up - time.monotonic()))
    assert not any(thread.is_alive() for thread in threads), "worker threads did not finish in time"
    if errors:
        raise errors[0]
    return results
