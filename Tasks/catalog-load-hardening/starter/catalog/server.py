"""The HTTP front end: a threaded stdlib server speaking HTTP/1.1 keep-alive."""

import logging
import os
import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType
from urllib.parse import parse_qs, urlsplit

from catalog.app import CatalogApp, create_app
from catalog.config import Settings
from catalog.errors import InvalidRequest
from catalog.router import Request, Response, Router, error_response

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024


class CatalogHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], router: Router) -> None:
        self.router = router
        super().__init__(address, CatalogRequestHandler)


class CatalogRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "catalog"
    server: CatalogHTTPServer

    def _handle(self) -> None:
        length = self.headers.get("Content-Length") or "0"
        if not length.isdigit() or int(length) > MAX_BODY_BYTES:
            self._send(error_response(InvalidRequest("bad or oversized Content-Length")))
            self.close_connection = True
            return
        body = self.rfile.read(int(length)) if int(length) else b""
        url = urlsplit(self.path)
        request = Request(self.command, url.path, parse_qs(url.query), body)
        self._send(self.server.router.dispatch(request))

    do_GET = do_POST = do_DELETE = _handle

    def _send(self, response: Response) -> None:
        payload = response.encode()
        self.send_response(response.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("%s - %s", self.address_string(), format % args)


def make_server(app: CatalogApp, host: str | None = None, port: int | None = None) -> CatalogHTTPServer:
    """Bind a server for ``app``; port 0 picks a free port (see ``server_address``)."""
    host = app.settings.host if host is None else host
    port = app.settings.port if port is None else port
    return CatalogHTTPServer((host, port), app.router)


def main() -> int:
    """Serve on ``$HOST:$PORT`` until SIGTERM or Ctrl-C; ``python -m catalog`` runs this."""
    level = os.environ.get("LOG_LEVEL", "INFO").upper()
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    server = make_server(create_app(Settings.from_env()))

    def stop(signum: int, frame: FrameType | None) -> None:
        logger.info("received signal %d, shutting down", signum)
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    logger.info("catalog listening on http://%s:%s", *server.server_address[:2])
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
