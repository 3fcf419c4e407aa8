import threading

import pytest

from fxrates import TTLCache

from _fxreview_support import ManualClock, TableProvider, make_service, run_concurrently


@pytest.mark.rubric("judgment-with-ai", weight=2)
def test_concurrent_misses_call_the_loader_once():
    cache = TTLCache(60.0, clock=ManualClock())
    calls = []
    second = threading.Event()

    def loader():
        calls.append(1)
        if len(calls) > 1:
            second.set()
        second.wait(timeout=0.25)
        return "snapshot"

    results, errors = run_concurrently(lambda: cache.get_or_load("USD", loader), 8)

    assert errors == []
    assert results == ["snapshot"] * 8
    assert len(calls) == 1


@pytest.mark.rubric("judgment-with-ai", weight=1)
def test_concurrent_rate_lookups_make_one_upstream_call():
    provider = TableProvider({"EUR": "0.92"})
    provider.stall = 0.25
    service = make_service(provider)

    results, errors = run_concurrently(lambda: service.rate("USD", "EUR"), 6)

    assert errors == []
    assert len(results) == 6
    assert provider.calls == ["USD"]


@pytest.mark.rubric("verification", weight=1)
def test_value_is_served_until_the_ttl_then_reloaded():
    clock = ManualClock()
    cache = TTLCache(30.0, clock=clock)
    values = iter(["first", "second"])

    assert cache.get_or_load("EUR", lambda: next(values)) == "first"
    clock.advance(29.5)
    assert cache.get_or_load("EUR", lambda: next(values)) == "first"
    clock.advance(1.0)
    assert cache.get_or_load("EUR", lambda: next(values)) == "second"


@pytest.mark.rubric("verification", weight=1)
def test_a_failed_load_is_not_cached():
    cache = TTLCache(30.0, clock=ManualClock())

    def boom():
        raise RuntimeError("upstream down")

    with pytest.raises(RuntimeError):
        cache.get_or_load("EUR", boom)
    assert cache.get_or_load("EUR", lambda: "recovered") == "recovered"


@pytest.mark.rubric("judgment-with-ai", weight=1)
def test_a_slow_load_does_not_block_other_keys():
    cache = TTLCache(60.0, clock=ManualClock())
    cache.get_or_load("EUR", lambda: "eur")
    loading = threading.Event()
    release = threading.Event()

    def slow_usd():
        loading.set()
        release.wait(timeout=2.0)
        return "usd"

    slow = threading.Thread(target=lambda: cache.get_or_load("USD", slow_usd), daemon=True)
    slow.start()
    try:
        assert loading.wait(timeout=2.0)
        hits = []
        reader = threading.Thread(target=lambda: hits.append(cache.get_or_load("EUR", lambda: "reloaded")), daemon=True)
        reader.start()
        reader.join(timeout=0.5)
        assert hits == ["eur"], "a hit on EUR waited for the USD upstream call"
    finally:
        release.set()
        slow.join(timeout=2.0)
