"""Currency conversion on top of an upstream rates provider."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Optional

from .cache import TTLCache
from .errors import RateUnavailable
from .money import Money, normalize_code
from .provider import RatesProvider
from .rates import RateSnapshot
from .retry import RetryPolicy, call_with_retries

logger = logging.getLogger(__name__)

#: Refuse to price with upstream data older than this.
DEFAULT_MAX_AGE = timedelta(hours=6)

#: How long a fetched snapshot is reused. Ratewell publishes once a minute.
DEFAULT_TTL = 60.0


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True, slots=True)
class Quote:
    """A conversion together with the rate and publication time it used."""

    source: Money
    converted: Money
    rate: Decimal
    as_of: datetime


class RatesService:
    """Converts Money between currencies at the provider's latest mid-market rate.

    ``rate``, ``convert`` and ``quote`` raise UnknownCurrency when a code is not
    supported or not quoted upstream, and RateUnavailable when no fresh rate can
    be obtained from the upstream.

    Snapshots are cached per base currency for ``ttl`` seconds and upstream
    calls are retried according to ``retry``. One instance is meant to be
    shared by every request thread in the process.
    """

    def __init__(
        self,
        provider: RatesProvider,
        *,
        ttl: float = DEFAULT_TTL,
        retry: RetryPolicy | None = None,
        max_age: timedelta = DEFAULT_MAX_AGE,
        now: Callable[[], datetime] = _utcnow,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._provider = provider
        self._retry = retry or RetryPolicy()
        self._max_age = max_age
        self._now = now
        self._sleep = sleep
        self._cache: TTLCache[str, Optional[RateSnapshot]] = TTLCache(ttl, clock=clock)

    def snapshot(self, base: str) -> RateSnapshot:
        """The latest rates from ``base``, checked for staleness."""
        base = normalize_code(base)
        snapshot = self._cache.get_or_load(base, lambda: self._load(base))
        if snapshot is None:
            raise RateUnavailable(f"no rates available for {base}")
        self._check_fresh(snapshot)
        return snapshot

    def _load(self, base: str) -> Optional[RateSnapshot]:
        try:
            return call_with_retries(lambda: self._provider.fetch(base), self._retry, sleep=self._sleep)
        except Exception:
            logger.warning(
                "rates upstream failed for %s after %d attempts", base, self._retry.attempts, exc_info=True
            )
            return None

    def refresh(self, base: str) -> RateSnapshot:
        """Drop the cached snapshot for ``base`` and fetch a new one."""
        self._cache.invalidate(normalize_code(base))
        return self.snapshot(base)

    def _check_fresh(self, snapshot: RateSnapshot) -> None:
        age = self._now() - snapshot.as_of
        if age > self._max_age:
            logger.warning("refusing %s rates published %s ago", snapshot.base, age)
            raise RateUnavailable(f"{snapshot.base} rates are {age} old")

    def rate(self, source: str, target: str) -> Decimal:
        """Units of ``target`` that one unit of ``source`` buys."""
        source, target = normalize_code(source), normalize_code(target)
        if source == target:
            return Decimal(1)
        return self.snapshot(source).rate(target)

    def convert(self, money: Money, to: str) -> Money:
        """``money`` expressed in ``to``, rounded half-to-even to its minor units."""
        return Money(money.amount * self.rate(money.currency, to), to)

    def convert_many(
        self, amounts: Iterable[Money], to: str, *, rates: dict[str, Decimal] = {}
    ) -> list[Money]:
        """Convert a batch of amounts (invoice lines, cart items) into ``to``.

        Each distinct source currency is resolved once, so every line in the
        batch uses the same rate. ``rates`` may pre-seed rates into ``to`` that
        the caller has already locked, keyed by source currency.
        """
        target = normalize_code(to)
        converted: list[Money] = []
        for money in amounts:
            rate = rates.get(money.currency)
            if rate is None:
                rate = rates[money.currency] = self.rate(money.currency, target)
            converted.append(Money(money.amount * rate, target))
        return converted

    def quote(self, money: Money, to: str) -> Quote:
        """Like ``convert``, but also report the rate used and when it was published."""
        target = normalize_code(to)
        if money.currency == target:
            return Quote(money, money, Decimal(1), self._now())
        snapshot = self.snapshot(money.currency)
        rate = snapshot.rate(target)
        return Quote(money, Money(money.amount * rate, target), rate, snapshot.as_of)
