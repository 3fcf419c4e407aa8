"""A small HTTP/1.1 JSON service with switchable defects, the target of the load-probe tests.

``PORT=8000 python probe_target.py``, from a writable folder: it builds ``probe_target.db``
there at startup. Environment:

``PORT`` (required; 0 picks a free port), ``HOST`` (default 127.0.0.1)
``DOWNSTREAM_URL``
    base URL of the price service ``GET /quote`` calls, e.g. ``http://127.0.0.1:9123``
``DEFECTS``
    comma-separated defects to switch on; with none the service behaves well:

    ``n-plus-one``       ``/items`` runs one query for the page, then one per item for its category
    ``unbounded-cache``  ``/lookup`` caches every key forever instead of the 1000 most recent
    ``no-timeout``       ``/quote`` waits on the downstream as long as it takes, with no cooldown
    ``timeout-500``      ``/quote`` times out, but the timeout escapes as a 500
    ``blocking``         ``/slow`` sleeps with ``time.sleep``, stalling the event loop
    ``race``             ``POST /counter`` yields between reading and writing the counter

Endpoints (JSON bodies, always with Content-Length): ``GET /health``, ``GET /items?limit=N``
(1..200, default 20), ``GET /lookup?key=K``, ``GET /quote``, ``GET /slow``, ``GET /counter``
and ``POST /counter``. Unknown paths get 404, other methods 405, bad query values 400.

Nothing is written to stdout; a ``listening on`` line and errors go to stderr.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import signal
import socket
import sqlite3
import sys
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

logger = logging.getLogger("probe_target")

KNOWN_DEFECTS = frozenset(
    {"n-plus-one", "unbounded-cache", "no-timeout", "timeout-500", "blocking", "race"}
)
DB_NAME = "probe_target.db"
ITEM_COUNT = 300
CATEGORY_COUNT = 12
REVIEWS_PER_ITEM = 3
MAX_ITEMS_LIMIT = 200
DEFAULT_ITEMS_LIMIT = 20
LOOKUP_CACHE_SIZE = 1000
MAX_KEY_LENGTH = 256
QUOTE_TIMEOUT = 0.3
QUOTE_COOLDOWN = 1.0
SLOW_SECONDS = 0.05

MAX_LINE = 16 * 1024
MAX_HEADERS = 100
MAX_BODY = 64 * 1024
MAX_DOWNSTREAM_BODY = 64 * 1024


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class Downstream:
    host: str
    port: int
    path: str

    @classmethod
    def parse(cls, url: str) -> Downstream:
        parts = urlsplit(url)
        try:
            port = parts.port or 80
        except ValueError:
            raise ConfigError(f"DOWNSTREAM_URL has a bad port: {url!r}") from None
        if parts.scheme != "http" or not parts.hostname:
            raise ConfigError(f"DOWNSTREAM_URL must be an http:// URL, got {url!r}")
        return cls(parts.hostname, port, parts.path.rstrip("/") + "/price")

    @property
    def host_header(self) -> str:
        return self.host if self.port == 80 else f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Config:
    host: str
    port: int
    downstream: Downstream | None
    defects: frozenset[str]

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Config:
        raw_port = env.get("PORT", "")
        if not (raw_port.isascii() and raw_port.isdigit()) or int(raw_port) > 65535:
            raise ConfigError(f"PORT must be a port number, got {raw_port!r}")
        names = (name.strip() for name in env.get("DEFECTS", "").split(","))
        defects = frozenset(name for name in names if name)
        if unknown := defects - KNOWN_DEFECTS:
            raise ConfigError(
                f"unknown DEFECTS {', '.join(sorted(unknown))};"
                f" known: {', '.join(sorted(KNOWN_DEFECTS))}"
            )
        url = env.get("DOWNSTREAM_URL", "")
        return cls(
            host=env.get("HOST") or "127.0.0.1",
            port=int(raw_port),
            downstream=Downstream.parse(url) if url else None,
            defects=defects,
        )


# -- HTTP ---------------------------------------------------------------------------------


class HttpError(Exception):
    """A request the server answers with ``status`` and then closes the connection on."""

    def __init__(self, status: HTTPStatus, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]] | None  # None: not a valid query string
    version: str
    headers: dict[str, str]
    body: bytes

    @property
    def keep_alive(self) -> bool:
        tokens = {token.strip().lower() for token in self.headers.get("connection", "").split(",")}
        if self.version == "HTTP/1.0":
            return "keep-alive" in tokens
        return "close" not in tokens

    def query_value(self, name: str) -> str | None:
        values = self.query.get(name) if self.query else None
        return values[-1] if values else None


@dataclass(frozen=True)
class Response:
    status: int
    body: Any
    headers: tuple[tuple[str, str], ...] = field(default=())

    def encode(self, *, keep_alive: bool, version: str) -> bytes:
        payload = json.dumps(self.body, separators=(",", ":")).encode()
        lines = [
            f"HTTP/1.1 {self.status} {HTTPStatus(self.status).phrase}",
            "Content-Type: application/json",
            f"Content-Length: {len(payload)}",
            *(f"{name}: {value}" for name, value in self.headers),
        ]
        if not keep_alive:
            lines.append("Connection: close")
        elif version == "HTTP/1.0":
            lines.append("Connection: keep-alive")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + payload


async def read_line(reader: asyncio.StreamReader) -> bytes:
    try:
        line = await reader.readuntil(b"\n")
    except asyncio.LimitOverrunError:
        raise HttpError(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "line too long") from None
    return line.rstrip(b"\r\n")


async def read_request(reader: asyncio.StreamReader) -> Request | None:
    """The next request on the connection, or ``None`` if the client closed it between requests."""
    try:
        request_line = await read_line(reader)
    except asyncio.IncompleteReadError as exc:
        if exc.partial.strip():
            raise
        return None
    parts = request_line.decode("latin-1").split(" ")
    if len(parts) != 3 or not parts[0].isalpha() or not parts[1].startswith("/"):
        raise HttpError(HTTPStatus.BAD_REQUEST, "malformed request line")
    method, target, version = parts
    if version not in ("HTTP/1.0", "HTTP/1.1"):
        raise HttpError(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, f"unsupported version {version}")
    headers: dict[str, str] = {}
    while line := await read_line(reader):
        if len(headers) >= MAX_HEADERS:
            raise HttpError(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "too many headers")
        name, colon, value = line.decode("latin-1").partition(":")
        if not colon or not name or name != name.strip() or " " in name:
            raise HttpError(HTTPStatus.BAD_REQUEST, "malformed header line")
        name, value = name.lower(), value.strip()
        if name in headers:
            if name == "content-length" and headers[name] != value:
                raise HttpError(HTTPStatus.BAD_REQUEST, "conflicting Content-Length headers")
            if name != "content-length":
                value = f"{headers[name]}, {value}"
        headers[name] = value
    if "transfer-encoding" in headers:
        raise HttpError(HTTPStatus.NOT_IMPLEMENTED, "Transfer-Encoding is not supported")
    length = headers.get("content-length", "0")
    if not (length.isascii() and length.isdigit()):
        raise HttpError(HTTPStatus.BAD_REQUEST, "bad Content-Length")
    if int(length) > MAX_BODY:
        raise HttpError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"body over {MAX_BODY} bytes")
    body = await reader.readexactly(int(length)) if int(length) else b""
    url = urlsplit(target)
    query: dict[str, list[str]] | None
    try:
        query = parse_qs(url.query, keep_blank_values=True, strict_parsing=bool(url.query))
    except ValueError:
        query = None
    return Request(method, url.path, query, version, headers, body)


Handler = Callable[[Request], Awaitable[Response]]


class HttpServer:
    def __init__(self, routes: Mapping[str, Mapping[str, Handler]]) -> None:
        self._routes = routes
        self._last_error_log = 0.0
        self._suppressed_errors = 0

    async def handle_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            while True:
                try:
                    request = await read_request(reader)
                except HttpError as exc:
                    error = Response(exc.status, {"error": exc.detail})
                    writer.write(error.encode(keep_alive=False, version="HTTP/1.1"))
                    await writer.drain()
                    return
                if request is None:
                    return
                response = await self._dispatch(request)
                keep_alive = request.keep_alive
                writer.write(response.encode(keep_alive=keep_alive, version=request.version))
                await writer.drain()
                if not keep_alive:
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        except asyncio.CancelledError:
            # Shutdown cancels open connections. This task is the connection's root, so ending
            # it quietly loses nothing, and Python 3.11's StreamReaderProtocol logs a spurious
            # error for a handler task that ends cancelled.
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _dispatch(self, request: Request) -> Response:
        methods = self._routes.get(request.path)
        if methods is None:
            return Response(404, {"error": f"no route for {request.path}"})
        handler = methods.get(request.method)
        if handler is None:
            allow = ", ".join(sorted(methods))
            return Response(405, {"error": f"{request.method} not allowed"}, (("Allow", allow),))
        if request.query is None:
            return Response(400, {"error": "malformed query string"})
        try:
            return await handler(request)
        except Exception:
            self._log_unhandled(request)
            return Response(500, {"error": "internal error"})

    def _log_unhandled(self, request: Request) -> None:
        """Log at most one traceback a second: some defects fail every request under load."""
        now = time.monotonic()
        if now - self._last_error_log < 1.0:
            self._suppressed_errors += 1
            return
        suppressed, self._suppressed_errors, self._last_error_log = self._suppressed_errors, 0, now
        more = f" ({suppressed} more since the last report)" if suppressed else ""
        logger.exception("unhandled error in %s %s%s", request.method, request.path, more)


# -- the application --------------------------------------------------------------------------


def build_database(path: str) -> None:
    """Write a fresh, seeded database to ``path``, replacing any earlier one whole."""
    scratch = f"{path}.{os.getpid()}.tmp"
    with contextlib.suppress(FileNotFoundError):
        os.unlink(scratch)
    conn = sqlite3.connect(scratch)
    try:
        with conn:
            conn.executescript(
                """
                CREATE TABLE categories (
                    id INTEGER PRIMARY KEY,
                    slug TEXT NOT NULL,
                    name TEXT NOT NULL
                );
                CREATE TABLE items (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    category_id INTEGER NOT NULL REFERENCES categories(id),
                    price_cents INTEGER NOT NULL
                );
                CREATE TABLE reviews (
                    id INTEGER PRIMARY KEY,
                    item_id INTEGER NOT NULL REFERENCES items(id),
                    rating INTEGER NOT NULL
                );
                CREATE INDEX reviews_by_item ON reviews(item_id);
                """
            )
            conn.executemany(
                "INSERT INTO categories (id, slug, name) VALUES (?, ?, ?)",
                [(n, f"cat-{n}", f"Category {n}") for n in range(1, CATEGORY_COUNT + 1)],
            )
            conn.executemany(
                "INSERT INTO items (id, name, category_id, price_cents) VALUES (?, ?, ?, ?)",
                [
                    (n, f"Item {n}", 1 + (n - 1) % CATEGORY_COUNT, 500 + (n * 37) % 9500)
                    for n in range(1, ITEM_COUNT + 1)
                ],
            )
            conn.executemany(
                "INSERT INTO reviews (item_id, rating) VALUES (?, ?)",
                [
                    (n, 1 + (n + k) % 5)
                    for n in range(1, ITEM_COUNT + 1)
                    for k in range(REVIEWS_PER_ITEM)
                ],
            )
    finally:
        conn.close()
    os.replace(scratch, path)


_ITEM_COLUMNS = """
    i.id, i.name, i.price_cents,
    (SELECT AVG(r.rating) FROM reviews AS r WHERE r.item_id = i.id),
    (SELECT COUNT(*) FROM reviews AS r WHERE r.item_id = i.id)
"""


def _item(row: tuple[Any, ...], category: tuple[Any, ...]) -> dict[str, Any]:
    item_id, name, price_cents, average, count = row
    return {
        "id": item_id,
        "name": name,
        "price_cents": price_cents,
        "category": {"id": category[0], "slug": category[1], "name": category[2]},
        "rating": {"average": None if average is None else round(average, 2), "count": count},
    }


def compute_lookup_value(key: str) -> dict[str, Any]:
    """About 2 KB of JSON derived from ``key``."""
    digest = hashlib.sha256(key.encode()).hexdigest()
    tokens = [hashlib.sha256(f"{digest}:{n}".encode()).hexdigest() for n in range(26)]
    return {"key": key, "digest": digest, "length": len(key), "tokens": tokens}


class DownstreamUnavailableError(Exception):
    """The downstream could not be reached or did not answer in time."""


class BadDownstreamResponseError(Exception):
    """The downstream answered, but not with a usable price."""


class ProbeTarget:
    def __init__(self, config: Config, conn: sqlite3.Connection) -> None:
        self._config = config
        self._defects = config.defects
        self._conn = conn
        # An LRU of LOOKUP_CACHE_SIZE entries; with unbounded-cache, a dict that only grows.
        self._lookups: dict[str, dict[str, Any]] = (
            {} if "unbounded-cache" in self._defects else OrderedDict()
        )
        self._counter = 0
        self._quote_cooldown_until = 0.0

    def routes(self) -> dict[str, dict[str, Handler]]:
        return {
            "/health": {"GET": self.health},
            "/items": {"GET": self.items},
            "/lookup": {"GET": self.lookup},
            "/quote": {"GET": self.quote},
            "/slow": {"GET": self.slow},
            "/counter": {"GET": self.read_counter, "POST": self.increment_counter},
        }

    async def health(self, request: Request) -> Response:
        return Response(200, {"status": "ok"})

    async def items(self, request: Request) -> Response:
        raw = request.query_value("limit")
        if raw is None:
            limit = DEFAULT_ITEMS_LIMIT
        elif raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_ITEMS_LIMIT:
            limit = int(raw)
        else:
            return Response(400, {"error": f"limit must be an integer from 1 to {MAX_ITEMS_LIMIT}"})
        if "n-plus-one" in self._defects:
            rows = self._conn.execute(
                f"SELECT {_ITEM_COLUMNS}, i.category_id FROM items AS i ORDER BY i.id LIMIT ?",
                (limit,),
            ).fetchall()
            items = [
                _item(
                    row[:-1],
                    self._conn.execute(
                        "SELECT id, slug, name FROM categories WHERE id = ?", (row[-1],)
                    ).fetchone(),
                )
                for row in rows
            ]
        else:
            rows = self._conn.execute(
                f"""
                SELECT {_ITEM_COLUMNS}, c.id, c.slug, c.name
                FROM items AS i JOIN categories AS c ON c.id = i.category_id
                ORDER BY i.id LIMIT ?
                """,
                (limit,),
            ).fetchall()
            items = [_item(row[:5], row[5:]) for row in rows]
        return Response(200, {"items": items, "count": len(items)})

    async def lookup(self, request: Request) -> Response:
        key = request.query_value("key")
        if not key or len(key) > MAX_KEY_LENGTH:
            return Response(400, {"error": f"key must be 1 to {MAX_KEY_LENGTH} characters"})
        value = self._lookups.get(key)
        cached = value is not None
        if value is None:
            value = compute_lookup_value(key)
            self._lookups[key] = value
        if isinstance(self._lookups, OrderedDict):
            self._lookups.move_to_end(key)
            while len(self._lookups) > LOOKUP_CACHE_SIZE:
                self._lookups.popitem(last=False)
        return Response(200, {"value": value, "cached": cached})

    async def quote(self, request: Request) -> Response:
        if self._config.downstream is None:
            return Response(503, {"error": "no downstream configured"})
        if time.monotonic() < self._quote_cooldown_until:
            return Response(504, {"error": "downstream timeout"})
        try:
            price = await self._call_downstream(self._config.downstream)
        except DownstreamUnavailableError:
            self._start_quote_cooldown()
            return Response(504, {"error": "downstream timeout"})
        except BadDownstreamResponseError as exc:
            self._start_quote_cooldown()
            return Response(502, {"error": f"bad downstream response: {exc}"})
        return Response(200, {"price": price, "source": "live"})

    def _start_quote_cooldown(self) -> None:
        if "no-timeout" not in self._defects:
            self._quote_cooldown_until = time.monotonic() + QUOTE_COOLDOWN

    async def _call_downstream(self, downstream: Downstream) -> Any:
        if "no-timeout" in self._defects:
            return await fetch_price(downstream)
        try:
            return await asyncio.wait_for(fetch_price(downstream), QUOTE_TIMEOUT)
        except TimeoutError:
            if "timeout-500" in self._defects:
                raise  # defect: escapes to the generic 500 handler, and skips the cooldown
            raise DownstreamUnavailableError(f"no answer within {QUOTE_TIMEOUT} s") from None

    async def slow(self, request: Request) -> Response:
        if "blocking" in self._defects:
            time.sleep(SLOW_SECONDS)  # defect: blocks the event loop, and every other client
        else:
            await asyncio.sleep(SLOW_SECONDS)
        return Response(200, {"slept_ms": round(SLOW_SECONDS * 1000)})

    async def read_counter(self, request: Request) -> Response:
        return Response(200, {"value": self._counter})

    async def increment_counter(self, request: Request) -> Response:
        if "race" in self._defects:
            # defect: other requests run during the sleep, read the same value and write it back
            value = self._counter
            await asyncio.sleep(0.001)
            self._counter = value + 1
            return Response(200, {"id": value + 1})
        self._counter += 1
        return Response(200, {"id": self._counter})


async def fetch_price(downstream: Downstream) -> Any:
    """``GET`` the downstream's price; its body as JSON, or as text if it is not JSON."""
    try:
        reader, writer = await asyncio.open_connection(downstream.host, downstream.port)
    except OSError as exc:
        raise DownstreamUnavailableError(f"cannot connect: {exc}") from exc
    try:
        writer.write(
            f"GET {downstream.path} HTTP/1.0\r\nHost: {downstream.host_header}\r\n"
            "Accept: application/json\r\nConnection: close\r\n\r\n".encode("latin-1")
        )
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = status_line.split(" ", 2)
        if len(status) < 2 or not status[0].startswith("HTTP/") or status[1] != "200":
            raise BadDownstreamResponseError(f"status line {status_line!r}")
        lengths = [
            value.strip()
            for name, _, value in (line.partition(":") for line in header_lines)
            if name.strip().lower() == "content-length"
        ]
        if not lengths:
            body = b""
            while chunk := await reader.read(MAX_DOWNSTREAM_BODY):
                body += chunk
                if len(body) > MAX_DOWNSTREAM_BODY:
                    raise BadDownstreamResponseError("body too large")
        elif len(lengths) == 1 and lengths[0].isdigit() and int(lengths[0]) <= MAX_DOWNSTREAM_BODY:
            body = await reader.readexactly(int(lengths[0]))
        else:
            raise BadDownstreamResponseError(f"bad Content-Length {lengths!r}")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError) as exc:
        raise DownstreamUnavailableError(f"connection failed: {exc!r}") from exc
    finally:
        writer.close()
    text = body.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return text.strip()


async def serve(config: Config) -> None:
    build_database(DB_NAME)
    conn = sqlite3.connect(DB_NAME, isolation_level=None)
    try:
        app = ProbeTarget(config, conn)
        http = HttpServer(app.routes())
        server = await asyncio.start_server(
            http.handle_connection, config.host, config.port, limit=MAX_LINE, backlog=1024
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        host, port = server.sockets[0].getsockname()[:2]
        defects = ",".join(sorted(config.defects)) or "none"
        print(
            f"probe_target listening on http://{host}:{port} defects={defects}",
            file=sys.stderr,
            flush=True,
        )
        async with server:
            await stop.wait()
    finally:
        conn.close()


def main() -> int:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(name)s: %(message)s")
    try:
        config = Config.from_env(os.environ)
    except ConfigError as exc:
        print(f"probe_target: {exc}", file=sys.stderr)
        return 2
    asyncio.run(serve(config))
    return 0


if __name__ == "__main__":
    sys.exit(main())
