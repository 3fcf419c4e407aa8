import threading
from unittest.mock import Mock

import pytest

from fxrates.cache import TTLCache
from fxrates.testing import FakeClock


def test_returns_cached_value_within_ttl():
    clock = FakeClock()
    cache = TTLCache(ttl=60.0, clock=clock)
    loader = Mock(return_value="snapshot")

    assert cache.get_or_load("USD", loader) == "snapshot"
    clock.advance(59.9)
    assert cache.get_or_load("USD", loader) == "snapshot"
    assert loader.call_count == 1


def test_reloads_after_ttl_expires():
    clock = FakeClock()
    cache = TTLCache(ttl=60.0, clock=clock)
    loader = Mock(side_effect=["first", "second"])

    assert cache.get_or_load("USD", loader) == "first"
    clock.advance(60.0)
    assert cache.get_or_load("USD", loader) == "second"
    assert loader.call_count == 2


def test_keys_are_independent():
    cache = TTLCache(ttl=60.0, clock=FakeClock())
    assert cache.get_or_load("USD", lambda: "usd") == "usd"
    assert cache.get_or_load("EUR", lambda: "eur") == "eur"
    assert len(cache) == 2


def test_invalidate_forces_a_reload():
    cache = TTLCache(ttl=60.0, clock=FakeClock())
    loader = Mock(side_effect=["first", "second"])
    cache.get_or_load("USD", loader)
    cache.invalidate("USD")
    assert "USD" not in cache
    assert cache.get_or_load("USD", loader) == "second"


def test_loader_errors_are_not_cached():
    cache = TTLCache(ttl=60.0, clock=FakeClock())
    loader = Mock(side_effect=[RuntimeError("upstream down"), "recovered"])

    with pytest.raises(RuntimeError):
        cache.get_or_load("USD", loader)
    assert cache.get_or_load("USD", loader) == "recovered"


def test_concurrent_misses_share_one_fetch():
    cache = TTLCache(ttl=60.0, clock=FakeClock())
    loader = Mock(return_value="snapshot")
    results = []

    def worker():
        results.append(cache.get_or_load("USD", loader))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == 8
    assert all(result == "snapshot" for result in results)
    loader.assert_called_with()


def test_ttl_must_be_positive():
    with pytest.raises(ValueError):
        TTLCache(ttl=0)
