"""Product catalog HTTP service.

Layers only talk downwards: server/router -> api -> service -> repository/db.
"""

from catalog.app import CatalogApp, create_app
from catalog.config import Settings

__all__ = ["CatalogApp", "Settings", "create_app"]
__version__ = "1.7.2"
