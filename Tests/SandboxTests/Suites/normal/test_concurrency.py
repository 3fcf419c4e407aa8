import threading
from concurrent.futures import ThreadPoolExecutor

from inventory import Inventory, OutOfStock


def test_parallel_reservations_never_oversell() -> None:
    inventory = Inventory()
    inventory.add("widget", 100)
    successes = 0
    lock = threading.Lock()

    def attempt() -> None:
        nonlocal successes
        try:
            inventory.reserve("widget", 1)
        except OutOfStock:
            return
        with lock:
            successes += 1

    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(150):
            pool.submit(attempt)
    assert successes == 100
    assert inventory.levels["widget"] == 0


def test_threads_see_each_others_writes() -> None:
    inventory = Inventory()
    threads = [threading.Thread(target=inventory.add, args=("bolt", 1)) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert inventory.levels["bolt"] == 20
