"""The listing cache: bounded, evicting, still useful, still fresh."""

from __future__ import annotations

import time

import pytest

from _catalog_probe import RunningServer, StatementLog, build_app, run_threads, seed

MAX_ENTRIES = 16


def _cache_size(app) -> int:
    return len(app.service.listing_cache)


@pytest.mark.rubric("code-quality", weight=2)
def test_listing_cache_stays_within_max_entries(tmp_path):
    app = build_app(tmp_path, CATALOG_LISTING_CACHE_MAX_ENTRIES=MAX_ENTRIES)
    seed(tmp_path, products=30)
    with RunningServer(app) as server:
        client = server.client()
        for page in range(1, 41):
            status, _ = client.get(f"/products?page={page}&limit=5")
            assert status == 200
        for sort in ("name", "price_asc", "price_desc"):
            for category in ("cat-0", "cat-1", "cat-2"):
                assert client.get(f"/products?sort={sort}&category={category}")[0] == 200
    size = _cache_size(app)
    assert size <= MAX_ENTRIES, f"cache holds {size} pages, configured maximum is {MAX_ENTRIES}"


@pytest.mark.rubric("code-quality", weight=2)
def test_evicted_listing_is_read_again_from_the_database(tmp_path, monkeypatch):
    log = StatementLog().install(monkeypatch)
    app = build_app(tmp_path, CATALOG_LISTING_CACHE_MAX_ENTRIES=4)
    seed(tmp_path, products=10)
    with RunningServer(app) as server:
        client = server.client()
        assert client.get("/products?page=1&limit=3")[0] == 200
        for page in range(2, 40):
            assert client.get(f"/products?page={page}&limit=3")[0] == 200
        with log.measure() as statements:
            status, body = client.get("/products?page=1&limit=3")
    assert status == 200 and len(body["items"]) == 3
    assert statements, "the first page was still cached after 38 newer pages with room for 4"


@pytest.mark.rubric("code-quality", weight=1)
def test_repeated_listing_is_served_from_memory(tmp_path, monkeypatch):
    log = StatementLog().install(monkeypatch)
    app = build_app(tmp_path, CATALOG_LISTING_CACHE_MAX_ENTRIES=8)
    seed(tmp_path, products=10)
    with RunningServer(app) as server:
        client = server.client()
        with log.measure() as first:
            first_status, first_body = client.get("/products?sort=name&limit=7")
        with log.measure() as second:
            second_status, second_body = client.get("/products?sort=name&limit=7")
    assert first_status == second_status == 200
    assert first, "the first listing request must read the database"
    assert second == [], f"a repeated listing ran SQL: {second}"
    assert first_body == second_body


@pytest.mark.rubric("code-quality", weight=1)
def test_concurrent_listing_traffic_keeps_the_cache_bounded(tmp_path):
    app = build_app(tmp_path, CATALOG_LISTING_CACHE_MAX_ENTRIES=8)
    seed(tmp_path, products=20)
    with RunningServer(app) as server:
        clients = [server.client() for _ in range(6)]

        def browse(index: int) -> list[int]:
            return [
                clients[index].get(f"/products?page={1 + (index * 12 + n) % 60}&limit={1 + n % 4}")[0]
                for n in range(12)
            ]

        statuses = run_threads(6, browse)
    assert {status for batch in statuses for status in batch} == {200}
    assert _cache_size(app) <= 8


@pytest.mark.rubric("verification", weight=1)
def test_new_review_shows_up_in_the_listing(tmp_path):
    app = build_app(tmp_path, CATALOG_LISTING_CACHE_MAX_ENTRIES=8)
    seed(tmp_path, products=3, reviews_per_product=0)
    with RunningServer(app) as server:
        client = server.client()
        _, before = client.get("/products?sort=price_asc")
        assert before["items"][0]["rating"] == {"average": None, "count": 0}
        status, review = client.post("/products/1/reviews", {"rating": 4, "author": "dana", "body": "ok"})
        assert status == 201 and review["rating"] == 4 and review["product_id"] == 1
        _, after = client.get("/products?sort=price_asc")
    assert after["items"][0]["rating"] == {"average": 4.0, "count": 1}


@pytest.mark.rubric("verification", weight=1)
def test_expired_listing_is_reloaded(tmp_path, monkeypatch):
    log = StatementLog().install(monkeypatch)
    app = build_app(tmp_path, CATALOG_LISTING_CACHE_TTL=0.03, CATALOG_LISTING_CACHE_MAX_ENTRIES=8)
    seed(tmp_path, products=5)
    with RunningServer(app) as server:
        client = server.client()
        assert client.get("/products")[0] == 200
        time.sleep(0.06)
        with log.measure() as statements:
            assert client.get("/products")[0] == 200
    assert statements, "an expired listing was served from the cache"
