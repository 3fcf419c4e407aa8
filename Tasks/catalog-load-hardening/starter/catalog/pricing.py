"""Client for the pricing service, which owns sale prices and promotions.

The pricing service answers ``GET {base}/v1/prices/{sku}`` with
``{"sku": "...", "price_cents": 1999, "currency": "USD", "promotion": "HOLIDAY"}``.
"""

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Protocol

from catalog.errors import PricingUnavailable
from catalog.models import Money, Price

logger = logging.getLogger(__name__)


class PricingClient(Protocol):
    def quote(self, sku: str, list_price: Money) -> Price:
        """The price to show for ``sku`` right now."""


class ListPricing:
    """Used when no pricing service is configured: everything sells at list price."""

    def quote(self, sku: str, list_price: Money) -> Price:
        return Price(amount=list_price, source="list")


class HttpPricingClient:
    def __init__(self, base_url: str) -> None:
        self._base_url = base_url.rstrip("/")

    def quote(self, sku: str, list_price: Money) -> Price:
        payload = self._get_json(f"/v1/prices/{urllib.parse.quote(sku, safe='')}")
        try:
            amount = Money(int(payload["price_cents"]), str(payload.get("currency", "USD")))
        except (KeyError, TypeError, ValueError) as exc:
            raise PricingUnavailable(f"malformed price for {sku}: {payload!r}") from exc
        promotion = payload.get("promotion")
        return Price(amount=amount, source="pricing", promotion=str(promotion) if promotion else None)

    def _get_json(self, path: str) -> dict[str, Any]:
        request = urllib.request.Request(self._base_url + path, headers={"Accept": "application/json"})
        try:
            with urllib.request.urlopen(request) as response:
                payload = json.load(response)
        except (urllib.error.URLError, ValueError) as exc:
            logger.warning("pricing request %s failed: %s", path, exc)
            raise PricingUnavailable(f"pricing service error: {exc}") from exc
        if not isinstance(payload, dict):
            raise PricingUnavailable("pricing service returned a non-object body")
        return payload
