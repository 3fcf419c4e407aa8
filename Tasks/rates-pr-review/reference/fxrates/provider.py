"""Upstream rates providers.

Production talks to the Ratewell v1 API::

    GET {base_url}/v1/latest?base=USD
    Authorization: Bearer <api key>

    200 {"base": "USD", "timestamp": 1718000000, "rates": {"EUR": "0.9213", ...}}

Ratewell answers 404 for a base currency our plan does not cover and 429 when
we exceed the plan's request quota.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from .errors import BadUpstreamResponse, ProviderError, UnknownCurrency, UpstreamUnavailable
from .money import MINOR_UNITS, normalize_code
from .rates import RateSnapshot

logger = logging.getLogger(__name__)

#: Seconds to wait for Ratewell when the caller does not pass a timeout.
DEFAULT_TIMEOUT = 5.0

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


class RatesProvider(Protocol):
    """Anything that can fetch the latest rates for a base currency."""

    def fetch(self, base: str, *, timeout: float | None = None) -> RateSnapshot:
        """Return the latest snapshot for ``base``.

        ``timeout`` bounds a single attempt, in seconds (implementations pick a
        finite default when it is None); retrying is the caller's job (see
        ``fxrates.retry``).

        Raises UnknownCurrency if ``base`` is not quoted, UpstreamUnavailable for
        failures worth retrying, and another ProviderError for the rest.
        """
        ...


class Opener(Protocol):
    """The subset of ``urllib.request.urlopen`` that HttpRatesProvider relies on."""

    def __call__(self, request: urllib.request.Request, *, timeout: float | None) -> Any: ...


def parse_latest(body: bytes, *, expected_base: str) -> RateSnapshot:
    """Parse a Ratewell ``/v1/latest`` payload.

    Currencies we do not sell in are dropped; malformed rates are an error,
    because a half-parsed snapshot would silently price some carts wrong.
    """
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadUpstreamResponse(f"rates payload is not JSON: {exc}") from exc
    if not isinstance(payload, dict):
        raise BadUpstreamResponse("rates payload is not an object")

    base = payload.get("base")
    if not isinstance(base, str) or base.upper() != expected_base:
        raise BadUpstreamResponse(f"asked for base {expected_base}, got {base!r}")
    timestamp = payload.get("timestamp")
    if not isinstance(timestamp, int) or isinstance(timestamp, bool):
        raise BadUpstreamResponse(f"bad timestamp: {timestamp!r}")
    raw_rates = payload.get("rates")
    if not isinstance(raw_rates, dict):
        raise BadUpstreamResponse("rates payload has no 'rates' object")

    rates: dict[str, Decimal] = {}
    for code, raw in raw_rates.items():
        if not isinstance(code, str) or code.upper() not in MINOR_UNITS:
            continue
        if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
            raise BadUpstreamResponse(f"bad rate for {code}: {raw!r}")
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            raise BadUpstreamResponse(f"bad rate for {code}: {raw!r}") from None
        if not value.is_finite() or value <= 0:
            raise BadUpstreamResponse(f"bad rate for {code}: {raw!r}")
        rates[code.upper()] = value

    as_of = datetime.fromtimestamp(timestamp, tz=timezone.utc)
    return RateSnapshot(base=expected_base, rates=rates, as_of=as_of, source="ratewell")


def _retry_after(error: urllib.error.HTTPError) -> float | None:
    value = error.headers.get("Retry-After") if error.headers else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


class HttpRatesProvider:
    """Client for the Ratewell v1 HTTP API."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        opener: Opener = urllib.request.urlopen,
        user_agent: str = "fxrates/1.5",
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._opener = opener
        self._user_agent = user_agent

    def _request(self, base: str) -> urllib.request.Request:
        query = urllib.parse.urlencode({"base": base})
        return urllib.request.Request(
            f"{self._base_url}/v1/latest?{query}",
            headers={
                "Authorization": f"Bearer {self._api_key}",
                "Accept": "application/json",
                "User-Agent": self._user_agent,
            },
        )

    def fetch(self, base: str, *, timeout: float | None = None) -> RateSnapshot:
        base = normalize_code(base)
        request = self._request(base)
        if timeout is None:
            timeout = DEFAULT_TIMEOUT
        try:
            with self._opener(request, timeout=timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            raise self._classify(exc, base) from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise UpstreamUnavailable(f"ratewell unreachable: {exc}") from exc
        return parse_latest(body, expected_base=base)

    @staticmethod
    def _classify(error: urllib.error.HTTPError, base: str) -> Exception:
        if error.code == 404:
            return UnknownCurrency(base)
        if error.code in RETRYABLE_STATUSES:
            logger.info("ratewell answered %s for base %s", error.code, base)
            return UpstreamUnavailable(
                f"ratewell answered {error.code}", retry_after=_retry_after(error)
            )
        if error.code in (401, 403):
            return ProviderError("ratewell rejected our credentials")
        return ProviderError(f"ratewell answered {error.code}")
