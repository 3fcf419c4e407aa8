"""Smoke tests for the catalog service; run with ``python -m pytest public``."""

from __future__ import annotations

import http.client
import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import catalog
from catalog.app import create_app
from catalog.config import Settings
from catalog.server import make_server


def _seed(db: Path) -> None:
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("INSERT INTO categories (slug, name) VALUES ('audio', 'Audio')")
        conn.executemany(
            "INSERT INTO products (sku, name, category_id, price_cents, stock) VALUES (?, ?, 1, ?, 5)",
            [("SKU-1", "Headphones", 4999), ("SKU-2", "Speaker", 8999)],
        )
        conn.execute("INSERT INTO reviews (product_id, rating, author) VALUES (1, 5, 'ana')")
    conn.close()


def _call(port: int, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request(method, path, body=None if body is None else json.dumps(body))
        response = conn.getresponse()
        raw = response.read()
        return response.status, json.loads(raw) if raw else None
    finally:
        conn.close()


@pytest.fixture
def port(tmp_path: Path) -> Iterator[int]:
    app = create_app(Settings.from_env({"CATALOG_DB_PATH": str(tmp_path / "catalog.db")}))
    _seed(tmp_path / "catalog.db")
    server = make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.005})
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()
    thread.join(2)


@pytest.mark.rubric("verification")
def test_health(port: int) -> None:
    assert _call(port, "GET", "/health") == (200, {"status": "ok"})


@pytest.mark.rubric("verification")
def test_listing(port: int) -> None:
    status, body = _call(port, "GET", "/products?sort=price_asc")
    assert status == 200
    assert [item["sku"] for item in body["items"]] == ["SKU-1", "SKU-2"]
    assert body["items"][0]["rating"] == {"average": 5.0, "count": 1}
    assert body["items"][1]["category"]["slug"] == "audio"


@pytest.mark.rubric("verification")
def test_product_page_and_missing_product(port: int) -> None:
    status, body = _call(port, "GET", "/products/2")
    assert status == 200
    assert body["price"]["amount_cents"] == 8999 and body["stock"] == 5
    assert _call(port, "GET", "/products/404")[0] == 404


@pytest.mark.rubric("verification")
def test_reserve_and_cancel(port: int) -> None:
    status, reservation = _call(port, "POST", "/products/1/reservations", {"quantity": 2})
    assert status == 201 and reservation["status"] == "active"
    assert _call(port, "GET", "/products/1")[1]["stock"] == 3
    assert _call(port, "DELETE", f"/reservations/{reservation['id']}")[0] == 200
    assert _call(port, "GET", "/products/1")[1]["stock"] == 5


@pytest.mark.rubric("verification")
def test_python_m_catalog_serves_on_port_from_env(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        free_port = probe.getsockname()[1]
    root = Path(catalog.__file__).resolve().parent.parent
    env = {
        **os.environ,
        "PORT": str(free_port),
        "CATALOG_DB_PATH": str(tmp_path / "served.db"),
        "PYTHONPATH": str(root),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "catalog"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                assert _call(free_port, "GET", "/health") == (200, {"status": "ok"})
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
    finally:
        process.kill()
        process.wait(timeout=5)
