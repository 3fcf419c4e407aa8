"""Business rules of the catalog: listings, product pages, reviews and stock."""

import dataclasses

from catalog.cache import ListingCache
from catalog.db import Database
from catalog.errors import Conflict, InvalidRequest, NotFound, OutOfStock
from catalog.models import (
    ListingQuery, ProductDetail, ProductPage, ProductRecord, ProductSummary, Reservation, Review,
)
from catalog.pricing import PricingClient
from catalog.repository import CatalogRepository


class CatalogService:
    def __init__(
        self,
        database: Database,
        pricing: PricingClient,
        listing_cache: ListingCache[ListingQuery, ProductPage],
    ) -> None:
        self._db = database
        self._pricing = pricing
        self.listing_cache = listing_cache

    def list_products(self, query: ListingQuery) -> ProductPage:
        if (cached := self.listing_cache.get(query)) is not None:
            return cached
        with self._db.session() as conn:
            repo = CatalogRepository(conn)
            items = [self._summarize(repo, record) for record in repo.list_products(query)]
        page = ProductPage(items=items, page=query.page, limit=query.limit)
        self.listing_cache.set(query, page)
        return page

    def get_product(self, product_id: int) -> ProductDetail:
        with self._db.session() as conn:
            repo = CatalogRepository(conn)
            record = repo.get_product(product_id)
            if record is None:
                raise NotFound(f"product {product_id} does not exist")
            summary = self._summarize(repo, record)
        price = self._pricing.quote(record.sku, record.list_price)
        return ProductDetail(summary=summary, stock=record.stock, price=price)

    def _summarize(self, repo: CatalogRepository, record: ProductRecord) -> ProductSummary:
        return ProductSummary(
            id=record.id,
            sku=record.sku,
            name=record.name,
            category=repo.get_category(record.category_id),
            price=record.list_price,
            in_stock=record.stock > 0,
            rating=repo.rating_summary(record.id),
        )

    def add_review(self, product_id: int, rating: int, author: str, body: str) -> Review:
        if not 1 <= rating <= 5:
            raise InvalidRequest("rating must be between 1 and 5")
        if not author.strip():
            raise InvalidRequest("author must not be empty")
        with self._db.session() as conn:
            repo = CatalogRepository(conn)
            if repo.get_product(product_id) is None:
                raise NotFound(f"product {product_id} does not exist")
            review = repo.add_review(product_id, rating, author.strip(), body)
        # Ratings are part of every listing row.
        self.listing_cache.clear()
        return review

    def reserve(self, product_id: int, quantity: int) -> Reservation:
        """Hold ``quantity`` units for a shopper's cart at the current sale price."""
        if quantity < 1:
            raise InvalidRequest("quantity must be at least 1")
        with self._db.session() as conn:
            repo = CatalogRepository(conn)
            record = repo.get_product(product_id)
            if record is None:
                raise NotFound(f"product {product_id} does not exist")
            if record.stock < quantity:
                raise OutOfStock(f"only {record.stock} left of product {product_id}")
            price = self._pricing.quote(record.sku, record.list_price)
            repo.set_stock(product_id, record.stock - quantity)
            return repo.create_reservation(product_id, quantity, price.amount)

    def cancel_reservation(self, reservation_id: int) -> Reservation:
        """Release a held reservation and put its units back on sale."""
        with self._db.session() as conn:
            repo = CatalogRepository(conn)
            reservation = repo.get_reservation(reservation_id)
            if reservation is None:
                raise NotFound(f"reservation {reservation_id} does not exist")
            if reservation.status != "active":
                raise Conflict(f"reservation {reservation_id} is already {reservation.status}")
            stock = repo.get_stock(reservation.product_id) or 0
            repo.set_stock(reservation.product_id, stock + reservation.quantity)
            repo.set_reservation_status(reservation_id, "cancelled")
        return dataclasses.replace(reservation, status="cancelled")
