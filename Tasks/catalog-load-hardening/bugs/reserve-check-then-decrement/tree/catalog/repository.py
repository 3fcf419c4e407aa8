"""Every SQL statement the service runs lives here."""

import sqlite3

from catalog.models import (
    Category, ListingQuery, Money, ProductSummary, RatingSummary, Reservation, Review, SortOrder,
)

_ORDER_BY: dict[SortOrder, str] = {
    "newest": "p.created_at DESC, p.id DESC",
    "name": "p.name COLLATE NOCASE, p.id",
    "price_asc": "p.price_cents, p.id",
    "price_desc": "p.price_cents DESC, p.id",
}

# One statement per page, whatever its size. The rating aggregates are scalar
# subqueries rather than a join on a GROUP BY over all reviews: SQLite evaluates
# them only for the rows that survive LIMIT, each through reviews_by_product.
_SUMMARY_SELECT = """
SELECT p.id, p.sku, p.name, p.price_cents, p.currency, p.stock,
       c.id AS category_id, c.slug AS category_slug, c.name AS category_name,
       (SELECT AVG(r.rating) FROM reviews AS r WHERE r.product_id = p.id) AS rating_average,
       (SELECT COUNT(*) FROM reviews AS r WHERE r.product_id = p.id) AS rating_count
FROM products AS p
JOIN categories AS c ON c.id = p.category_id
"""
_RESERVATION_COLUMNS = "id, product_id, quantity, unit_price_cents, currency, status"


def _summary(row: sqlite3.Row) -> ProductSummary:
    return ProductSummary(
        id=row["id"],
        sku=row["sku"],
        name=row["name"],
        category=Category(row["category_id"], row["category_slug"], row["category_name"]),
        price=Money(row["price_cents"], row["currency"]),
        in_stock=row["stock"] > 0,
        rating=RatingSummary.from_aggregate(row["rating_average"], row["rating_count"]),
    )


def _review(row: sqlite3.Row) -> Review:
    return Review(**{key: row[key] for key in row.keys()})


def _reservation(row: sqlite3.Row) -> Reservation:
    unit_price = Money(row["unit_price_cents"], row["currency"])
    return Reservation(row["id"], row["product_id"], row["quantity"], unit_price, row["status"])


class CatalogRepository:
    """Queries over one open connection; the caller owns the transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def list_summaries(self, query: ListingQuery) -> list[ProductSummary]:
        rows = self._conn.execute(
            f"""
            {_SUMMARY_SELECT}
            WHERE :category IS NULL OR c.slug = :category
            ORDER BY {_ORDER_BY[query.sort]}
            LIMIT :limit OFFSET :offset
            """,
            {"category": query.category, "limit": query.limit, "offset": query.offset},
        ).fetchall()
        return [_summary(row) for row in rows]

    def get_summary(self, product_id: int) -> tuple[ProductSummary, int] | None:
        """The product's listing row and its exact stock level."""
        row = self._conn.execute(f"{_SUMMARY_SELECT} WHERE p.id = ?", (product_id,)).fetchone()
        return (_summary(row), int(row["stock"])) if row else None

    def product_exists(self, product_id: int) -> bool:
        row = self._conn.execute("SELECT 1 FROM products WHERE id = ?", (product_id,)).fetchone()
        return row is not None

    def add_review(self, product_id: int, rating: int, author: str, body: str) -> Review:
        row = self._conn.execute(
            """
            INSERT INTO reviews (product_id, rating, author, body) VALUES (?, ?, ?, ?)
            RETURNING id, product_id, rating, author, body, created_at
            """,
            (product_id, rating, author, body),
        ).fetchall()[0]
        return _review(row)

    def take_stock(self, product_id: int, quantity: int) -> None:
        """Remove ``quantity`` units; relative, so concurrent takes all count."""
        self._conn.execute(
            "UPDATE products SET stock = stock - ? WHERE id = ?", (quantity, product_id)
        )

    def return_stock(self, product_id: int, quantity: int) -> None:
        self._conn.execute(
            "UPDATE products SET stock = stock + ? WHERE id = ?", (quantity, product_id)
        )

    def get_stock(self, product_id: int) -> int | None:
        row = self._conn.execute("SELECT stock FROM products WHERE id = ?", (product_id,)).fetchone()
        return int(row["stock"]) if row else None

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

    def cancel_active_reservation(self, reservation_id: int) -> Reservation | None:
        """Flip an active reservation to cancelled; ``None`` if it was not active."""
        rows = self._conn.execute(
            f"""
            UPDATE reservations SET status = 'cancelled'
            WHERE id = ? AND status = 'active'
            RETURNING {_RESERVATION_COLUMNS}
            """,
            (reservation_id,),
        ).fetchall()
        return _reservation(rows[0]) if rows else None
