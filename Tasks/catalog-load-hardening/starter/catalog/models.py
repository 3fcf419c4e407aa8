"""Value objects passed between the repository, the service and the API."""

from dataclasses import asdict, dataclass
from typing import Any, Literal, Self

SortOrder = Literal["newest", "name", "price_asc", "price_desc"]
SORT_ORDERS: tuple[SortOrder, ...] = ("newest", "name", "price_asc", "price_desc")


class _Serializable:
    def to_json(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Money(_Serializable):
    amount_cents: int
    currency: str = "USD"


@dataclass(frozen=True, slots=True)
class Category(_Serializable):
    id: int
    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class RatingSummary(_Serializable):
    average: float | None
    count: int

    @classmethod
    def from_aggregate(cls, average: float | None, count: int | None) -> Self:
        return cls(average=round(average, 2) if average is not None else None, count=count or 0)


@dataclass(frozen=True, slots=True)
class ProductRecord:
    """One row of ``products`` as stored, before any enrichment."""

    id: int
    sku: str
    name: str
    category_id: int
    list_price: Money
    stock: int


@dataclass(frozen=True, slots=True)
class ProductSummary(_Serializable):
    id: int
    sku: str
    name: str
    category: Category
    price: Money
    in_stock: bool
    rating: RatingSummary


@dataclass(frozen=True, slots=True)
class Review(_Serializable):
    id: int
    product_id: int
    rating: int
    author: str
    body: str
    created_at: str


@dataclass(frozen=True, slots=True)
class Price:
    """The price we show for a product right now, and where it came from."""

    amount: Money
    source: Literal["pricing", "list"]
    promotion: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {**self.amount.to_json(), "source": self.source, "promotion": self.promotion}


@dataclass(frozen=True, slots=True)
class ProductDetail:
    summary: ProductSummary
    stock: int
    price: Price

    def to_json(self) -> dict[str, Any]:
        data = self.summary.to_json()
        data["list_price"] = data.pop("price")
        return data | {"stock": self.stock, "price": self.price.to_json()}


@dataclass(frozen=True, slots=True)
class ListingQuery:
    """A normalised listing request; also the listing cache key."""

    category: str | None
    sort: SortOrder
    page: int
    limit: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit


@dataclass(frozen=True, slots=True)
class ProductPage(_Serializable):
    items: list[ProductSummary]
    page: int
    limit: int


@dataclass(frozen=True, slots=True)
class Reservation(_Serializable):
    id: int
    product_id: int
    quantity: int
    unit_price: Money
    status: Literal["active", "cancelled"]
