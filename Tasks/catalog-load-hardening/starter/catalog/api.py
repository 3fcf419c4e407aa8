"""HTTP endpoints: request validation and JSON rendering around the service."""

import re

from catalog.config import Settings
from catalog.errors import InvalidRequest
from catalog.models import SORT_ORDERS, ListingQuery, SortOrder
from catalog.router import Request, Response, Router
from catalog.service import CatalogService

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_MAX_REVIEW_LENGTH = 4000


class CatalogApi:
    def __init__(self, service: CatalogService, settings: Settings) -> None:
        self._service = service
        self._settings = settings

    def register(self, router: Router) -> None:
        router.add("GET", "/health", self.health)
        router.add("GET", "/products", self.list_products)
        router.add("GET", "/products/{product_id}", self.get_product)
        router.add("POST", "/products/{product_id}/reviews", self.add_review)
        router.add("POST", "/products/{product_id}/reservations", self.reserve)
        router.add("DELETE", "/reservations/{reservation_id}", self.cancel_reservation)

    def health(self, request: Request) -> Response:
        return Response(200, {"status": "ok"})

    def list_products(self, request: Request) -> Response:
        return Response(200, self._service.list_products(self._listing_query(request)).to_json())

    def get_product(self, request: Request) -> Response:
        return Response(200, self._service.get_product(request.params["product_id"]).to_json())

    def add_review(self, request: Request) -> Response:
        payload = request.json()
        rating, author, body = payload.get("rating"), payload.get("author"), payload.get("body", "")
        if not isinstance(rating, int) or isinstance(rating, bool):
            raise InvalidRequest("rating must be an integer")
        if not isinstance(author, str):
            raise InvalidRequest("author must be a string")
        if not isinstance(body, str) or len(body) > _MAX_REVIEW_LENGTH:
            raise InvalidRequest(f"body must be a string of at most {_MAX_REVIEW_LENGTH} characters")
        review = self._service.add_review(request.params["product_id"], rating, author, body)
        return Response(201, review.to_json())

    def reserve(self, request: Request) -> Response:
        quantity = request.json().get("quantity", 1)
        limit = self._settings.max_reservation_quantity
        if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= limit:
            raise InvalidRequest(f"quantity must be an integer between 1 and {limit}")
        reservation = self._service.reserve(request.params["product_id"], quantity)
        return Response(201, reservation.to_json())

    def cancel_reservation(self, request: Request) -> Response:
        reservation = self._service.cancel_reservation(request.params["reservation_id"])
        return Response(200, reservation.to_json())

    def _listing_query(self, request: Request) -> ListingQuery:
        category = request.query_value("category")
        if category is not None and not _SLUG.match(category):
            raise InvalidRequest("category must be a slug")
        sort = request.query_value("sort") or "newest"
        if sort not in SORT_ORDERS:
            raise InvalidRequest(f"sort must be one of {', '.join(SORT_ORDERS)}")
        page = _positive_int(request, "page", default=1)
        limit = _positive_int(request, "limit", default=self._settings.default_page_size)
        if limit > self._settings.max_page_size:
            raise InvalidRequest(f"limit must be at most {self._settings.max_page_size}")
        sort_order: SortOrder = sort  # type: ignore[assignment]  # checked above
        return ListingQuery(category=category, sort=sort_order, page=page, limit=limit)


def _positive_int(request: Request, name: str, *, default: int) -> int:
    raw = request.query_value(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9 or int(raw) < 1:
        raise InvalidRequest(f"{name} must be a positive integer")
    return int(raw)
