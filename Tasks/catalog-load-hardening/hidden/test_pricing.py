"""Product pages and the pricing service: live prices, outages, hangs."""

from __future__ import annotations

import time

import pytest

from _catalog_probe import HangingUpstream, PricingStub, RunningServer, build_app, refused_url, seed

DEGRADED_STATUSES = {502, 503, 504}


def _assert_defined_degradation(status: int, body: dict, product_id: int, list_cents: int) -> None:
    """A page without a live price (none, or the list price marked as not live),
    or a JSON 502/503/504 error. Which one is the candidate's call."""
    if status == 200:
        assert body["id"] == product_id
        price = body.get("price")
        if price is not None:
            assert price["amount_cents"] == list_cents, "a fallback must not invent a price"
            assert price.get("source") != "pricing", "a fallback must not claim to be live"
    else:
        assert status in DEGRADED_STATUSES, f"unexpected status {status}: {body}"
        assert isinstance(body, dict) and body.get("error"), body


@pytest.mark.rubric("code-quality", weight=3)
def test_hung_pricing_service_gets_a_timely_answer(tmp_path):
    with HangingUpstream() as upstream:
        app = build_app(tmp_path, CATALOG_PRICING_URL=upstream.url, CATALOG_PRICING_TIMEOUT=0.1)
        seed(tmp_path, products=3)
        with RunningServer(app) as server:
            client = server.client()
            started = time.monotonic()
            try:
                status, body = client.get("/products/2", timeout=0.6)
            except TimeoutError:
                pytest.fail("no answer within 0.6 s while pricing hangs (CATALOG_PRICING_TIMEOUT=0.1)")
            elapsed = time.monotonic() - started
            health_status, _ = client.get("/health", timeout=1.0)
    assert elapsed < 0.6
    _assert_defined_degradation(status, body, 2, 1001)
    assert health_status == 200


@pytest.mark.rubric("verification", weight=1)
def test_unreachable_pricing_service_degrades_cleanly(tmp_path):
    app = build_app(tmp_path, CATALOG_PRICING_URL=refused_url(), CATALOG_PRICING_TIMEOUT=0.5)
    seed(tmp_path, products=3)
    with RunningServer(app) as server:
        status, body = server.client().get("/products/3", timeout=2.0)
    _assert_defined_degradation(status, body, 3, 1002)


@pytest.mark.rubric("verification", weight=1)
def test_live_sale_price_is_shown(tmp_path):
    with PricingStub({"SKU-0001": 799}) as pricing:
        app = build_app(tmp_path, CATALOG_PRICING_URL=pricing.url, CATALOG_PRICING_TIMEOUT=1.0)
        seed(tmp_path, products=3, stock=7)
        with RunningServer(app) as server:
            status, body = server.client().get("/products/2", timeout=2.0)
    assert status == 200
    assert body["price"] == {
        "amount_cents": 799,
        "currency": "USD",
        "source": "pricing",
        "promotion": "HOLIDAY",
    }
    assert body["list_price"] == {"amount_cents": 1001, "currency": "USD"}
    assert body["stock"] == 7 and body["in_stock"] is True
    assert body["sku"] == "SKU-0001" and body["category"]["slug"] == "cat-1"
