"""Client for the pricing service, which owns sale prices and promotions.

The pricing service answers ``GET {base}/v1/prices/{sku}`` with
``{"sku": "...", "price_cents": 1999, "currency": "USD", "promotion": "HOLIDAY"}``.
"""

import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any, Protocol

from catalog.errors import PricingUnavailable
from catalog.models import Money, Price

logger = logging.getLogger(__name__)


class PricingClient(Protocol):
    def quote(self, sku: str, list_price: Money) -> Price:
        """The price to show for ``sku`` right now; raises ``PricingUnavailable``."""


class ListPricing:
    """Used when no pricing service is configured: everything sells at list price."""

    def quote(self, sku: str, list_price: Money) -> Price:
        return Price(amount=list_price, source="list")


class HttpPricingClient:
    """Calls the pricing service with a hard per-request timeout.

    ``timeout`` bounds the connect and every socket read, so a pricing service
    that accepts connections but never answers costs a request at most about
    ``timeout`` seconds. After a failure the client stops calling pricing for
    ``cooldown`` seconds and fails fast instead, so an outage does not add the
    timeout to every product page.
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float,
        cooldown: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._cooldown = cooldown
        self._clock = clock
        self._skip_until = 0.0

    def quote(self, sku: str, list_price: Money) -> Price:
        payload = self._get_json(f"/v1/prices/{urllib.parse.quote(sku, safe='')}")
        try:
            amount = Money(int(payload["price_cents"]), str(payload.get("currency", "USD")))
        except (KeyError, TypeError, ValueError) as exc:
            raise PricingUnavailable(f"malformed price for {sku}: {payload!r}") from exc
        promotion = payload.get("promotion")
        return Price(amount=amount, source="pricing", promotion=str(promotion) if promotion else None)

    def _get_json(self, path: str) -> dict[str, Any]:
        if self._clock() < self._skip_until:
            raise PricingUnavailable("pricing service is cooling down after a failure")
        request = urllib.request.Request(self._base_url + path, headers={"Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                payload = json.load(response)
        except urllib.error.HTTPError as exc:
            # Pricing is up and answered; a 4xx/5xx for one SKU is no reason to stop calling it.
            raise PricingUnavailable(f"pricing service answered {exc.code} for {path}") from exc
        except (urllib.error.URLError, ValueError) as exc:
            self._skip_until = self._clock() + self._cooldown
            logger.warning("pricing request %s failed: %r", path, exc)
            raise PricingUnavailable(f"pricing service error: {exc!r}") from exc
        if not isinstance(payload, dict):
            raise PricingUnavailable("pricing service returned a non-object body")
        return payload
