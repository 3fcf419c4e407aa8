"""Every SQL statement the service runs lives here."""

import sqlite3

from catalog.models import (
    Category, ListingQuery, Money, ProductRecord, RatingSummary, Reservation, Review, SortOrder,
)

_ORDER_BY: dict[SortOrder, str] = {
    "newest": "p.created_at DESC, p.id DESC",
    "name": "p.name COLLATE NOCASE, p.id",
    "price_asc": "p.price_cents, p.id",
    "price_desc": "p.price_cents DESC, p.id",
}

_PRODUCT_COLUMNS = "p.id, p.sku, p.name, p.category_id, p.price_cents, p.currency, p.stock"
_RESERVATION_COLUMNS = "id, product_id, quantity, unit_price_cents, currency, status"


def _product(row: sqlite3.Row) -> ProductRecord:
    price = Money(row["price_cents"], row["currency"])
    return ProductRecord(row["id"], row["sku"], row["name"], row["category_id"], price, row["stock"])


def _review(row: sqlite3.Row) -> Review:
    return Review(**{key: row[key] for key in row.keys()})


def _reservation(row: sqlite3.Row) -> Reservation:
    unit_price = Money(row["unit_price_cents"], row["currency"])
    return Reservation(row["id"], row["product_id"], row["quantity"], unit_price, row["status"])


class CatalogRepository:
    """Queries over one open connection; the caller owns the transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def get_category(self, category_id: int) -> Category:
        row = self._conn.execute(
            "SELECT id, slug, name FROM categories WHERE id = ?", (category_id,)
        ).fetchone()
        return Category(row["id"], row["slug"], row["name"])

    def list_products(self, query: ListingQuery) -> list[ProductRecord]:
        rows = self._conn.execute(
            f"""
            SELECT {_PRODUCT_COLUMNS} FROM products AS p
            JOIN categories AS c ON c.id = p.category_id
            WHERE :category IS NULL OR c.slug = :category
            ORDER BY {_ORDER_BY[query.sort]}
            LIMIT :limit OFFSET :offset
            """,
            {"category": query.category, "limit": query.limit, "offset": query.offset},
        ).fetchall()
        return [_product(row) for row in rows]

    def get_product(self, product_id: int) -> ProductRecord | None:
        row = self._conn.execute(
            f"SELECT {_PRODUCT_COLUMNS} FROM products AS p WHERE p.id = ?", (product_id,)
        ).fetchone()
        return _product(row) if row else None

    def rating_summary(self, product_id: int) -> RatingSummary:
        row = self._conn.execute(
            "SELECT AVG(rating), COUNT(*) FROM reviews WHERE product_id = ?", (product_id,)
        ).fetchone()
        return RatingSummary.from_aggregate(row[0], row[1])

    def add_review(self, product_id: int, rating: int, author: str, body: str) -> Review:
        cursor = self._conn.execute(
            "INSERT INTO reviews (product_id, rating, author, body) VALUES (?, ?, ?, ?)",
            (product_id, rating, author, body),
        )
        row = self._conn.execute(
            "SELECT id, product_id, rating, author, body, created_at FROM reviews WHERE id = ?",
            (cursor.lastrowid,),
        ).fetchone()
        return _review(row)

    def get_stock(self, product_id: int) -> int | None:
        row = self._conn.execute("SELECT stock FROM products WHERE id = ?", (product_id,)).fetchone()
        return int(row["stock"]) if row else None

    def set_stock(self, product_id: int, stock: int) -> None:
        self._conn.execute("UPDATE products SET stock = ? WHERE id = ?", (stock, product_id))

    def create_reservation(self, product_id: int, quantity: int, unit_price: Money) -> Reservation:
        cursor = self._conn.execute(
            "INSERT INTO reservations (product_id, quantity, unit_price_cents, currency)"
            " VALUES (?, ?, ?, ?)",
            (product_id, quantity, unit_price.amount_cents, unit_price.currency),
        )
        assert cursor.lastrowid is not None
        return Reservation(cursor.lastrowid, product_id, quantity, unit_price, "active")

    def get_reservation(self, reservation_id: int) -> Reservation | None:
        row = self._conn.execute(
            f"SELECT {_RESERVATION_COLUMNS} FROM reservations WHERE id = ?", (reservation_id,)
        ).fetchone()
        return _reservation(row) if row else None

    def set_reservation_status(self, reservation_id: int, status: str) -> None:
        self._conn.execute("UPDATE reservations SET status = ? WHERE id = ?", (status, reservation_id))
