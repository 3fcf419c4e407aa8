"""Seed the catalog database for a load probe.

Run as ``python seed.py`` with the candidate's tree as the working directory, before the
service starts. The schema comes from the candidate's own ``catalog.app.create_app`` (which
honours ``CATALOG_DB_PATH``); the rows go in through plain ``sqlite3`` in one transaction.

Environment (all optional, non-negative integers):

``SEED_CATEGORIES`` (8, at least 1)
    categories ``cat-1`` ... ``cat-N``
``SEED_PRODUCTS`` (400, at least 1)
    products with ids ``1..N``, sku ``SKU-%05d`` of the id, price ``1000 + id`` cents,
    categories assigned round-robin (product 1 in ``cat-1``)
``SEED_REVIEWS`` (3)
    reviews per product, ratings 1..5, deterministic
``SEED_STOCK`` (1000)
    stock of every product but the doorbuster
``SEED_DOORBUSTER_STOCK`` (100)
    stock of product 1, the doorbuster

If ``products`` already holds rows, nothing is written and the exit status is 0. A bad
environment value exits with status 2, any other failure with status 1.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass

DOORBUSTER_ID = 1


class SeedError(Exception):
    """The seed cannot run; ``status`` is the exit status to report it with."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class SeedPlan:
    categories: int = 8
    products: int = 400
    reviews_per_product: int = 3
    stock: int = 1000
    doorbuster_stock: int = 100

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SeedPlan:
        return cls(
            categories=_count(env, "SEED_CATEGORIES", cls.categories, minimum=1),
            products=_count(env, "SEED_PRODUCTS", cls.products, minimum=1),
            reviews_per_product=_count(env, "SEED_REVIEWS", cls.reviews_per_product),
            stock=_count(env, "SEED_STOCK", cls.stock),
            doorbuster_stock=_count(env, "SEED_DOORBUSTER_STOCK", cls.doorbuster_stock),
        )


def _count(env: Mapping[str, str], name: str, default: int, *, minimum: int = 0) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or int(raw) < minimum:
        raise SeedError(f"{name} must be an integer >= {minimum}, got {raw!r}", status=2)
    return int(raw)


def _database_path() -> str:
    """The database the service will open, with its schema created by the candidate's code."""
    sys.path.insert(0, os.getcwd())
    # Leave no bytecode behind in the candidate's tree.
    sys.dont_write_bytecode = True
    try:
        from catalog.app import create_app
        from catalog.config import Settings
    except ImportError as exc:
        raise SeedError(f"cannot import the catalog package from {os.getcwd()}: {exc}") from exc
    try:
        settings = Settings.from_env()
    except ValueError as exc:
        raise SeedError(f"bad service configuration: {exc}", status=2) from exc
    create_app(settings)
    return str(settings.db_path)


def seed(path: str, plan: SeedPlan) -> bool:
    """Insert ``plan`` into the database at ``path``; ``False`` if it already had products."""
    with closing(sqlite3.connect(path, timeout=30.0, isolation_level=None)) as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute("SELECT EXISTS (SELECT 1 FROM products)").fetchone()[0]:
                conn.execute("ROLLBACK")
                return False
            _insert(conn, plan)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return True


def _insert(conn: sqlite3.Connection, plan: SeedPlan) -> None:
    slugs = [f"cat-{n}" for n in range(1, plan.categories + 1)]
    conn.executemany(
        "INSERT INTO categories (slug, name) VALUES (?, ?)",
        [(slug, f"Category {n}") for n, slug in enumerate(slugs, start=1)],
    )
    ids_by_slug = dict(conn.execute("SELECT slug, id FROM categories"))
    category_ids = [ids_by_slug[slug] for slug in slugs]
    conn.executemany(
        "INSERT INTO products (id, sku, name, category_id, price_cents, stock)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            (
                pid,
                f"SKU-{pid:05d}",
                f"Product {pid}",
                category_ids[(pid - 1) % plan.categories],
                1000 + pid,
                plan.doorbuster_stock if pid == DOORBUSTER_ID else plan.stock,
            )
            for pid in range(1, plan.products + 1)
        ),
    )
    conn.executemany(
        "INSERT INTO reviews (product_id, rating, author, body) VALUES (?, ?, ?, ?)",
        (
            (pid, 1 + (pid + k) % 5, f"reviewer{k}", f"Review {k} of product {pid}.")
            for pid in range(1, plan.products + 1)
            for k in range(plan.reviews_per_product)
        ),
    )


def main() -> int:
    started = time.monotonic()
    try:
        plan = SeedPlan.from_env(os.environ)
        path = _database_path()
        seeded = seed(path, plan)
    except SeedError as exc:
        print(f"seed: {exc}", file=sys.stderr)
        return exc.status
    except sqlite3.Error as exc:
        print(f"seed: sqlite error: {exc}", file=sys.stderr)
        return 1
    if not seeded:
        print(f"seed: {path} already has products; left it as it is", file=sys.stderr)
        return 0
    elapsed_ms = (time.monotonic() - started) * 1000
    print(
        f"seeded {plan.products} products in {plan.categories} categories,"
        f" {plan.reviews_per_product} reviews each, into {path}"
        f" (doorbuster {DOORBUSTER_ID}: stock {plan.doorbuster_stock}) in {elapsed_ms:.0f} ms",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
