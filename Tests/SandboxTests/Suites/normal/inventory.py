"""A small module under test: stock levels with reservations."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field


class OutOfStock(Exception):
    pass


@dataclass
class Inventory:
    levels: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, sku: str, quantity: int) -> None:
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        with self._lock:
            self.levels[sku] = self.levels.get(sku, 0) + quantity

    def reserve(self, sku: str, quantity: int) -> int:
        with self._lock:
            available = self.levels.get(sku, 0)
            if quantity > available:
                raise OutOfStock(sku)
            self.levels[sku] = available - quantity
            return self.levels[sku]
