"""The outbound HTTP side of delivery."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any, Protocol

from .clock import Clock, SystemClock
from .models import DeliveryRequest, DeliveryResult

#: ``urllib.request.urlopen`` or a stand-in, called as ``opener(request, timeout=...)``.
Opener = Callable[..., Any]


class DeliveryClient(Protocol):
    def deliver(self, request: DeliveryRequest) -> DeliveryResult:
        """Send one webhook and report what the endpoint answered.

        HTTP error statuses are results, not exceptions. When the endpoint could
        not be reached at all the result has ``status=None``.
        """
        ...


class HttpDeliveryClient:
    """Delivers webhooks with a plain HTTP POST."""

    def __init__(
        self,
        timeout: float = 60.0,
        *,
        opener: Opener | None = None,
        clock: Clock | None = None,
        max_response_bytes: int = 4096,
    ) -> None:
        self._timeout = timeout
        self._open: Opener = opener or urllib.request.urlopen
        self._clock = clock or SystemClock()
        self._max_response_bytes = max_response_bytes

    def deliver(self, request: DeliveryRequest) -> DeliveryResult:
        http_request = urllib.request.Request(
            request.url, data=request.body, headers=dict(request.headers), method="POST"
        )
        started = self._clock.monotonic()
        try:
            with self._open(http_request, timeout=self._timeout) as response:
                response.read(self._max_response_bytes)  # drain a little; the body is unused
                status = int(response.status)
        except urllib.error.HTTPError as exc:
            status = exc.code
            exc.close()
        except urllib.error.URLError as exc:
            return DeliveryResult(None, self._elapsed_ms(started), f"unreachable: {exc.reason}")
        return DeliveryResult(status, self._elapsed_ms(started))

    def _elapsed_ms(self, started: float) -> float:
        return (self._clock.monotonic() - started) * 1000.0
