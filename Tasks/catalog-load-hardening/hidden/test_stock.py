"""Reservations under concurrency: no lost updates, no overselling.

Pricing is configured as in production: a reservation holds the live sale price.
"""

from __future__ import annotations

import pytest

from _catalog_probe import PricingStub, RunningServer, build_app, run_threads, seed, stock_ledger


@pytest.mark.rubric("code-quality", weight=3)
def test_concurrent_reservations_do_not_lose_updates(tmp_path):
    threads, per_thread, initial = 8, 15, 1000
    with PricingStub() as pricing:
        app = build_app(tmp_path, CATALOG_PRICING_URL=pricing.url, CATALOG_PRICING_TIMEOUT=2)
        (product_id,) = seed(tmp_path, products=1, stock=initial)
        with RunningServer(app) as server:
            clients = [server.client() for _ in range(threads)]

            def shop(index: int) -> list[int]:
                path = f"/products/{product_id}/reservations"
                return [clients[index].post(path, {"quantity": 1})[0] for _ in range(per_thread)]

            statuses = run_threads(threads, shop)
    assert {status for batch in statuses for status in batch} == {201}
    stock, held = stock_ledger(tmp_path, product_id)
    assert held == threads * per_thread
    assert stock == initial - threads * per_thread, (
        f"{threads * per_thread} reservations succeeded but stock only dropped by {initial - stock}"
    )


@pytest.mark.rubric("code-quality", weight=2)
def test_last_units_are_never_oversold(tmp_path):
    shoppers, units = 10, 3
    with PricingStub() as pricing:
        app = build_app(tmp_path, CATALOG_PRICING_URL=pricing.url, CATALOG_PRICING_TIMEOUT=2)
        product_ids = seed(tmp_path, products=4, stock=units)
        with RunningServer(app) as server:
            clients = [server.client() for _ in range(shoppers)]
            for product_id in product_ids:

                def grab(index: int, product_id: int = product_id) -> int:
                    return clients[index].post(f"/products/{product_id}/reservations", {"quantity": 1})[0]

                statuses = run_threads(shoppers, grab)
                assert sorted(statuses) == [201] * units + [409] * (shoppers - units), (
                    f"product {product_id}: {statuses.count(201)} reservations for {units} units"
                )
                assert stock_ledger(tmp_path, product_id) == (0, units)


@pytest.mark.rubric("verification", weight=1)
def test_reservation_holds_the_live_price(tmp_path):
    with PricingStub({"SKU-0001": 749}) as pricing:
        app = build_app(tmp_path, CATALOG_PRICING_URL=pricing.url, CATALOG_PRICING_TIMEOUT=2)
        seed(tmp_path, products=2, stock=5)
        with RunningServer(app) as server:
            client = server.client()
            status, reservation = client.post("/products/2/reservations", {"quantity": 2})
            assert status == 201
            assert reservation["unit_price"] == {"amount_cents": 749, "currency": "USD"}
            assert (reservation["product_id"], reservation["quantity"]) == (2, 2)
            assert reservation["status"] == "active"
            status, cancelled = client.delete(f"/reservations/{reservation['id']}")
    assert status == 200
    assert cancelled == {**reservation, "status": "cancelled"}
    assert stock_ledger(tmp_path, 2) == (5, 0)


@pytest.mark.rubric("verification", weight=1)
def test_reservation_errors(tmp_path):
    app = build_app(tmp_path, CATALOG_MAX_RESERVATION_QUANTITY=5)
    (product_id,) = seed(tmp_path, products=1, stock=4)
    with RunningServer(app) as server:
        client = server.client()
        path = f"/products/{product_id}/reservations"
        for bad in ({"quantity": 0}, {"quantity": "2"}, {"quantity": 6}, {"quantity": True}):
            status, body = client.post(path, bad)
            assert status == 400 and body["error"] == "invalid_request", (bad, status, body)
        status, body = client.request("POST", path)
        assert status == 400
        assert client.post("/products/999/reservations", {"quantity": 1})[0] == 404
        status, body = client.post(path, {"quantity": 3})
        assert status == 201 and body["status"] == "active" and body["quantity"] == 3
        assert body["unit_price"] == {"amount_cents": 1000, "currency": "USD"}
        status, refused = client.post(path, {"quantity": 2})
        assert status == 409 and refused["error"] == "out_of_stock"
        status, cancelled = client.delete(f"/reservations/{body['id']}")
        assert status == 200 and cancelled["status"] == "cancelled"
        status, again = client.delete(f"/reservations/{body['id']}")
        assert status == 409 and again["error"] == "conflict"
        assert client.delete("/reservations/4242")[0] == 404
        status, product = client.get(f"/products/{product_id}")
    assert status == 200 and product["stock"] == 4
    assert stock_ledger(tmp_path, product_id) == (4, 0)
