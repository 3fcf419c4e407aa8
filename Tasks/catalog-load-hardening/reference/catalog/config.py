"""Runtime configuration, read from environment variables."""

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Self, TypeVar

T = TypeVar("T", int, float)


class ConfigError(ValueError):
    """An environment variable holds a value the service cannot use."""


@dataclass(frozen=True)
class Settings:
    """Everything the service needs to start; tests pass a plain mapping to ``from_env``."""

    db_path: str = "catalog.db"
    host: str = "127.0.0.1"
    port: int = 8000
    pricing_url: str | None = None
    listing_cache_ttl: float = 30.0
    # Hard bound on cached listing pages; see ListingCache for the memory estimate.
    listing_cache_max_entries: int = 1024
    # Seconds; bounds connect and each read. Pricing's SLO is p99 < 150 ms.
    pricing_timeout: float = 0.8
    pricing_cooldown: float = 5.0
    default_page_size: int = 20
    max_page_size: int = 100
    max_reservation_quantity: int = 10

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        env = os.environ if environ is None else environ
        return cls(
            db_path=env.get("CATALOG_DB_PATH", cls.db_path),
            host=env.get("HOST", cls.host),
            port=_parse(env, "PORT", int, cls.port),
            pricing_url=(env.get("CATALOG_PRICING_URL") or "").rstrip("/") or None,
            listing_cache_ttl=_parse(env, "CATALOG_LISTING_CACHE_TTL", float, cls.listing_cache_ttl),
            listing_cache_max_entries=_parse(
                env, "CATALOG_LISTING_CACHE_MAX_ENTRIES", int, cls.listing_cache_max_entries
            ),
            pricing_timeout=_parse(env, "CATALOG_PRICING_TIMEOUT", float, cls.pricing_timeout),
            pricing_cooldown=_parse(env, "CATALOG_PRICING_COOLDOWN", float, cls.pricing_cooldown),
            default_page_size=_parse(env, "CATALOG_DEFAULT_PAGE_SIZE", int, cls.default_page_size),
            max_page_size=_parse(env, "CATALOG_MAX_PAGE_SIZE", int, cls.max_page_size),
            max_reservation_quantity=_parse(
                env, "CATALOG_MAX_RESERVATION_QUANTITY", int, cls.max_reservation_quantity
            ),
        )


def _parse(env: Mapping[str, str], name: str, kind: Callable[[str], T], default: T) -> T:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return kind(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
