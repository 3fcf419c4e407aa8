"""Business rules of the catalog: listings, product pages, reviews and stock."""

import logging

from catalog.cache import ListingCache
from catalog.db import Database
from catalog.errors import Conflict, InvalidRequest, NotFound, OutOfStock, PricingUnavailable
from catalog.models import (
    ListingQuery, Money, Price, ProductDetail, ProductPage, ProductSummary, Reservation, Review,
)
from catalog.pricing import PricingClient
from catalog.repository import CatalogRepository

logger = logging.getLogger(__name__)


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
            items = CatalogRepository(conn).list_summaries(query)
        page = ProductPage(items=items, page=query.page, limit=query.limit)
        self.listing_cache.set(query, page)
        return page

    def get_product(self, product_id: int) -> ProductDetail:
        summary, stock = self._find_product(product_id)
        price = self._current_price(summary.sku, summary.price)
        return ProductDetail(summary=summary, stock=stock, price=price)

    def _find_product(self, product_id: int) -> tuple[ProductSummary, int]:
        with self._db.session() as conn:
            found = CatalogRepository(conn).get_summary(product_id)
        if found is None:
            raise NotFound(f"product {product_id} does not exist")
        return found

    def _current_price(self, sku: str, list_price: Money) -> Price:
        """The live price, or the list price (marked as such) while pricing is unavailable.

        Checkout re-prices every line, so showing the list price never commits
        us to it; failing the whole product page would lose the sale instead.
        """
        try:
            return self._pricing.quote(sku, list_price)
        except PricingUnavailable as exc:
            logger.warning("showing list price for %s: %s", sku, exc.detail)
            return Price(amount=list_price, source="list")

    def add_review(self, product_id: int, rating: int, author: str, body: str) -> Review:
        if not 1 <= rating <= 5:
            raise InvalidRequest("rating must be between 1 and 5")
        if not author.strip():
            raise InvalidRequest("author must not be empty")
        with self._db.session() as conn:
            repo = CatalogRepository(conn)
            if not repo.product_exists(product_id):
                raise NotFound(f"product {product_id} does not exist")
            review = repo.add_review(product_id, rating, author.strip(), body)
        # Ratings are part of every listing row.
        self.listing_cache.clear()
        return review

    def reserve(self, product_id: int, quantity: int) -> Reservation:
        """Hold ``quantity`` units for a shopper's cart at the current sale price.

        The price is fetched before the transaction starts, so no lock is held
        across a network call. The stock check and the decrement are then one
        conditional UPDATE: two shoppers racing for the last unit cannot both
        get it, whichever worker or process serves them.
        """
        if quantity < 1:
            raise InvalidRequest("quantity must be at least 1")
        summary, _ = self._find_product(product_id)
        price = self._current_price(summary.sku, summary.price)
        with self._db.session() as conn:
            repo = CatalogRepository(conn)
            if repo.take_stock(product_id, quantity):
                return repo.create_reservation(product_id, quantity, price.amount)
            stock = repo.get_stock(product_id)
        if stock is None:
            raise NotFound(f"product {product_id} does not exist")
        raise OutOfStock(f"only {stock} left of product {product_id}")

    def cancel_reservation(self, reservation_id: int) -> Reservation:
        """Release a held reservation and put its units back on sale, exactly once."""
        with self._db.session() as conn:
            repo = CatalogRepository(conn)
            cancelled = repo.cancel_active_reservation(reservation_id)
            if cancelled is not None:
                repo.return_stock(cancelled.product_id, cancelled.quantity)
                return cancelled
            existing = repo.get_reservation(reservation_id)
        if existing is None:
            raise NotFound(f"reservation {reservation_id} does not exist")
        raise Conflict(f"reservation {reservation_id} is already {existing.status}")
