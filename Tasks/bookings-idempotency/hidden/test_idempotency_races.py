import pytest

from _idem_harness import Client, booking_request, db_path, make_app, race

WORKERS = 8


def check_one_booking_per_key(replies, listed):
    """Every reply is the one booking (201) or a 409 asking to retry later."""
    created = [r for r in replies if r.status == 201]
    others = [r for r in replies if r.status != 201]
    assert created, [(r.status, r.body) for r in replies]
    for reply in others:
        assert reply.status == 409, (reply.status, reply.body)
        assert reply.json()["error"]["code"] == "idempotency_key_in_use", reply.body
    assert len({r.json()["id"] for r in created}) == 1, [r.json()["id"] for r in created]
    assert [b["id"] for b in listed] == [created[0].json()["id"]]


@pytest.mark.rubric("verification", weight=3)
def test_concurrent_retries_with_one_key_create_one_desk_booking(tmp_path):
    app, _ = make_app(tmp_path)
    client = Client(app)
    payload = booking_request("dp-third-floor", attendees=1)
    headers = {"Idempotency-Key": "retry-storm"}

    replies = race(
        lambda _: client.create(payload, headers=headers), WORKERS, busy_database=db_path(tmp_path)
    )

    listed = client.request("GET", "/v1/bookings").json()["bookings"]
    check_one_booking_per_key(replies, listed)


@pytest.mark.rubric("verification", weight=2)
def test_concurrent_retries_for_a_room_all_get_the_booking(tmp_path):
    app, _ = make_app(tmp_path)
    client = Client(app)
    payload = booking_request("rm-orion")
    headers = {"Idempotency-Key": "room-retry-storm"}

    replies = race(
        lambda _: client.create(payload, headers=headers), WORKERS, busy_database=db_path(tmp_path)
    )

    listed = client.request("GET", "/v1/bookings").json()["bookings"]
    check_one_booking_per_key(replies, listed)


@pytest.mark.rubric("decomposition", weight=1)
def test_concurrent_use_of_one_key_by_several_accounts(tmp_path):
    app, _ = make_app(tmp_path)
    accounts = [f"acct-{n}" for n in range(4)]
    payload = booking_request("dp-third-floor", attendees=1)
    headers = {"Idempotency-Key": "shared-looking-key"}

    replies = race(
        lambda i: Client(app, accounts[i % 4]).create(payload, headers=headers),
        WORKERS,
        busy_database=db_path(tmp_path),
    )

    for n, account in enumerate(accounts):
        mine = [r for i, r in enumerate(replies) if i % 4 == n]
        listed = Client(app, account).request("GET", "/v1/bookings").json()["bookings"]
        check_one_booking_per_key(mine, listed)


@pytest.mark.rubric("code-quality", weight=1)
def test_concurrent_bookings_of_one_room_still_admit_one(tmp_path):
    app, _ = make_app(tmp_path)

    def book(i: int):
        return Client(app, f"acct-{i}").create(booking_request("rm-orion", title=f"Meeting {i}"))

    replies = race(book, 6)

    assert sorted(r.status for r in replies) == [201] + [409] * 5
    assert {r.json()["error"]["code"] for r in replies if r.status == 409} == {"slot_unavailable"}
