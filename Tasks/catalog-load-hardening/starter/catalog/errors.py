"""Domain errors raised by the service layer and mapped to HTTP statuses by the router."""


class CatalogError(Exception):
    """Base class for errors with a well-defined HTTP representation."""

    status: int = 500
    code: str = "internal_error"

    def __init__(self, detail: str = "") -> None:
        self.detail = detail or self.code
        super().__init__(self.detail)


class InvalidRequest(CatalogError):
    status, code = 400, "invalid_request"


class NotFound(CatalogError):
    status, code = 404, "not_found"


class MethodNotAllowed(CatalogError):
    status, code = 405, "method_not_allowed"


class Conflict(CatalogError):
    status, code = 409, "conflict"


class OutOfStock(Conflict):
    code = "out_of_stock"


class PricingUnavailable(CatalogError):
    status, code = 502, "pricing_unavailable"
