import pytest

from inventory import Inventory, OutOfStock


@pytest.fixture
def inventory() -> Inventory:
    inv = Inventory()
    inv.add("apple", 10)
    return inv


def test_add_accumulates(inventory: Inventory) -> None:
    inventory.add("apple", 5)
    assert inventory.levels["apple"] == 15


def test_add_rejects_non_positive(inventory: Inventory) -> None:
    with pytest.raises(ValueError):
        inventory.add("apple", 0)


def test_reserve_decrements(inventory: Inventory) -> None:
    assert inventory.reserve("apple", 3) == 7


def test_reserve_too_much(inventory: Inventory) -> None:
    with pytest.raises(OutOfStock):
        inventory.reserve("apple", 11)


def test_reserve_unknown_sku(inventory: Inventory) -> None:
    with pytest.raises(OutOfStock):
        inventory.reserve("pear", 1)


@pytest.mark.parametrize("quantity", [1, 2, 5, 10])
def test_reserve_within_stock(inventory: Inventory, quantity: int) -> None:
    assert inventory.reserve("apple", quantity) == 10 - quantity
