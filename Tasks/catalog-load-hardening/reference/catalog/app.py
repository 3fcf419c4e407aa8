"""Wiring: builds the object graph for one running service."""

from dataclasses import dataclass

from catalog.api import CatalogApi
from catalog.cache import ListingCache
from catalog.config import Settings
from catalog.db import Database
from catalog.models import ListingQuery, ProductPage
from catalog.pricing import HttpPricingClient, ListPricing, PricingClient
from catalog.router import Router
from catalog.service import CatalogService


@dataclass(frozen=True)
class CatalogApp:
    settings: Settings
    database: Database
    service: CatalogService
    router: Router


def create_app(settings: Settings | None = None) -> CatalogApp:
    settings = settings if settings is not None else Settings.from_env()
    database = Database(settings.db_path)
    database.initialize()
    pricing: PricingClient = ListPricing()
    if settings.pricing_url:
        pricing = HttpPricingClient(
            settings.pricing_url,
            timeout=settings.pricing_timeout,
            cooldown=settings.pricing_cooldown,
        )
    listing_cache: ListingCache[ListingQuery, ProductPage] = ListingCache(
        ttl=settings.listing_cache_ttl, max_entries=settings.listing_cache_max_entries
    )
    service = CatalogService(database, pricing, listing_cache)
    router = Router()
    CatalogApi(service, settings).register(router)
    return CatalogApp(settings=settings, database=database, service=service, router=router)
