"""The HTTP contract that clients already depend on."""

from __future__ import annotations

import http.client

import pytest

from _catalog_probe import RunningServer, build_app, seed


@pytest.mark.rubric("verification", weight=1)
def test_unknown_product_is_404(tmp_path):
    app = build_app(tmp_path)
    seed(tmp_path, products=2)
    with RunningServer(app) as server:
        client = server.client()
        status, body = client.get("/products/99")
        assert status == 404 and body["error"] == "not_found"
        status, body = client.post("/products/99/reviews", {"rating": 5, "author": "kim"})
        assert status == 404 and body["error"] == "not_found"


@pytest.mark.rubric("verification", weight=1)
def test_unknown_route_and_wrong_method(tmp_path):
    app = build_app(tmp_path)
    with RunningServer(app) as server:
        client = server.client()
        status, body = client.get("/nowhere")
        assert status == 404 and body["error"] == "not_found"
        status, body = client.request("DELETE", "/products")
        assert status == 405 and body["error"] == "method_not_allowed"
        status, body = client.get("/products/abc")
        assert status == 404
        assert client.get("/health") == (200, {"status": "ok"})


@pytest.mark.rubric("verification", weight=1)
def test_invalid_listing_parameters_are_rejected(tmp_path):
    app = build_app(tmp_path, CATALOG_MAX_PAGE_SIZE=50)
    seed(tmp_path, products=2)
    bad = [
        "page=0",
        "page=-1",
        "page=two",
        "limit=0",
        "limit=51",
        "sort=random",
        "category=Not%20A%20Slug",
    ]
    with RunningServer(app) as server:
        client = server.client()
        for query in bad:
            status, body = client.get(f"/products?{query}")
            assert status == 400, (query, status, body)
            assert body["error"] == "invalid_request" and body["detail"], query
        assert client.get("/products?limit=50")[0] == 200


@pytest.mark.rubric("verification", weight=2)
def test_listing_json_shape_and_paging(tmp_path):
    app = build_app(tmp_path, CATALOG_DEFAULT_PAGE_SIZE=4)
    seed(tmp_path, products=10, stock=0)
    with RunningServer(app) as server:
        client = server.client()
        status, first = client.get("/products?sort=price_asc")
        _, third = client.get("/products?sort=price_asc&page=3")
        _, beyond = client.get("/products?sort=price_asc&page=9")
        _, newest = client.get("/products?limit=3")
        _, by_name = client.get("/products?sort=name&category=cat-2")
    assert status == 200
    assert set(first) >= {"items", "page", "limit"}
    assert (first["page"], first["limit"]) == (1, 4)
    assert [item["id"] for item in first["items"]] == [1, 2, 3, 4]
    assert [item["id"] for item in third["items"]] == [9, 10]
    assert beyond["items"] == []
    assert [item["id"] for item in newest["items"]] == [10, 9, 8]
    assert [item["name"] for item in by_name["items"]] == ["Product 2", "Product 5", "Product 8"]
    assert first["items"][0] == {
        "id": 1,
        "sku": "SKU-0000",
        "name": "Product 0",
        "category": {"id": 1, "slug": "cat-0", "name": "Category 0"},
        "price": {"amount_cents": 1000, "currency": "USD"},
        "in_stock": False,
        "rating": {"average": 2.5, "count": 2},
    }


@pytest.mark.rubric("verification", weight=1)
def test_review_validation(tmp_path):
    app = build_app(tmp_path)
    seed(tmp_path, products=1, reviews_per_product=0)
    bad = [
        {"rating": 0, "author": "a"},
        {"rating": 6, "author": "a"},
        {"rating": "5", "author": "a"},
        {"rating": 4, "author": "   "},
        {"rating": 4},
        {"rating": 4, "author": "a", "body": 7},
    ]
    with RunningServer(app) as server:
        client = server.client()
        for payload in bad:
            status, body = client.post("/products/1/reviews", payload)
            assert status == 400 and body["error"] == "invalid_request", (payload, status, body)
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        conn.request("POST", "/products/1/reviews", body=b"{not json", headers={"Content-Length": "9"})
        response = conn.getresponse()
        assert response.status == 400
        response.read()
        conn.close()
        status, body = client.post("/products/1/reviews", {"rating": 3, "author": " lee ", "body": "fine"})
    assert status == 201
    assert {key: body[key] for key in ("product_id", "rating", "author", "body")} == {
        "product_id": 1,
        "rating": 3,
        "author": "lee",
        "body": "fine",
    }
    assert isinstance(body["id"], int) and body["created_at"]
