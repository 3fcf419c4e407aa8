"""Statement counts per request, measured with sqlite3 trace callbacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from _catalog_probe import REAL_CONNECT, RunningServer, StatementLog, build_app, db_path, seed


def _statements_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, products: int, path: str,
                    **seed_args: int) -> tuple[int, dict]:
    log = StatementLog().install(monkeypatch)
    root = tmp_path / f"catalog-{products}-{len(list(tmp_path.iterdir()))}"
    root.mkdir()
    app = build_app(root)
    seed(root, products=products, **seed_args)
    with RunningServer(app) as server:
        with log.measure() as statements:
            status, body = server.client().get(path)
    assert status == 200, body
    return len(statements), body


@pytest.mark.rubric("code-quality", weight=3)
def test_listing_runs_a_constant_number_of_statements(tmp_path, monkeypatch):
    small, small_body = _statements_for(tmp_path, monkeypatch, 10, "/products?limit=100")
    large, large_body = _statements_for(tmp_path, monkeypatch, 50, "/products?limit=100")
    assert len(small_body["items"]) == 10
    assert len(large_body["items"]) == 50
    assert small == large, f"listing 10 products ran {small} statements, 50 products ran {large}"
    assert large <= 4, f"one listing page ran {large} SQL statements"


@pytest.mark.rubric("code-quality", weight=1)
def test_filtered_sorted_listing_runs_a_constant_number_of_statements(tmp_path, monkeypatch):
    path = "/products?category=cat-1&sort=price_desc&limit=100"
    small, small_body = _statements_for(tmp_path, monkeypatch, 12, path)
    large, large_body = _statements_for(tmp_path, monkeypatch, 60, path)
    assert len(small_body["items"]) == 4
    assert len(large_body["items"]) == 20
    prices = [item["price"]["amount_cents"] for item in large_body["items"]]
    assert prices == sorted(prices, reverse=True)
    assert {item["category"]["slug"] for item in large_body["items"]} == {"cat-1"}
    assert small == large, f"4 rows ran {small} statements, 20 rows ran {large}"


@pytest.mark.rubric("code-quality", weight=1)
def test_product_page_runs_a_bounded_number_of_statements(tmp_path, monkeypatch):
    few, few_body = _statements_for(tmp_path, monkeypatch, 3, "/products/2", reviews_per_product=2)
    many, many_body = _statements_for(tmp_path, monkeypatch, 3, "/products/2", reviews_per_product=40)
    assert few_body["rating"]["count"] == 2
    assert many_body["rating"]["count"] == 40
    assert few == many <= 4


@pytest.mark.rubric("verification", weight=2)
def test_listing_reports_ratings_and_categories(tmp_path):
    app = build_app(tmp_path)
    seed(tmp_path, products=4, categories=2, reviews_per_product=0)
    conn = REAL_CONNECT(db_path(tmp_path))
    with conn:
        conn.executemany(
            "INSERT INTO reviews (product_id, rating, author, body) VALUES (?, ?, 'someone', '')",
            [(1, 5), (1, 4), (1, 4), (3, 1)],
        )
    conn.close()
    with RunningServer(app) as server:
        status, body = server.client().get("/products?sort=price_asc")
    assert status == 200
    by_id = {item["id"]: item for item in body["items"]}
    assert sorted(by_id) == [1, 2, 3, 4], "products without reviews must still be listed"
    assert by_id[1]["rating"] == {"average": 4.33, "count": 3}
    assert by_id[2]["rating"] == {"average": None, "count": 0}
    assert by_id[3]["rating"] == {"average": 1.0, "count": 1}
    assert by_id[2]["category"] == {"id": 2, "slug": "cat-1", "name": "Category 1"}
    assert by_id[4]["category"]["slug"] == "cat-1"
    assert [item["id"] for item in body["items"]] == [1, 2, 3, 4]
