import json

import pytest

from _idem_harness import Client, booking_request, make_app

KEY = "3f1c9a5e-7d0b-4c58-9a61-2b4c7e8f0d13"


def keyed(key: str = KEY) -> dict[str, str]:
    return {"Idempotency-Key": key}


def bookings_of(client: Client) -> list[dict]:
    reply = client.request("GET", "/v1/bookings")
    assert reply.status == 200
    return reply.json()["bookings"]


@pytest.mark.rubric("decomposition", weight=3)
def test_retry_with_the_same_key_returns_the_original_booking(tmp_path):
    app, _ = make_app(tmp_path)
    client = Client(app)
    first = client.create(booking_request("rm-orion"), headers=keyed())
    assert first.status == 201
    assert first.headers.get("idempotent-replayed", "false") != "true"

    retry = client.create(booking_request("rm-orion"), headers=keyed())
    assert retry.status == 201, retry.body
    assert retry.json() == first.json()
    assert retry.headers["location"] == first.headers["location"]
    assert retry.headers.get("idempotent-replayed") == "true"


@pytest.mark.rubric("decomposition", weight=2)
def test_retries_do_not_create_more_bookings(tmp_path):
    app, _ = make_app(tmp_path)
    client = Client(app)
    payload = booking_request("dp-third-floor", attendees=1)
    ids = {client.create(payload, headers=keyed()).json()["id"] for _ in range(3)}
    assert len(ids) == 1
    assert [b["id"] for b in bookings_of(client)] == list(ids)


@pytest.mark.rubric("decomposition", weight=1)
def test_key_order_and_whitespace_do_not_make_a_different_request(tmp_path):
    app, _ = make_app(tmp_path)
    client = Client(app)
    payload = booking_request("dp-third-floor", attendees=2)
    first = client.create(payload, headers=keyed())
    assert first.status == 201
    respelt = json.dumps(dict(reversed(list(payload.items()))), indent=2).encode()
    retry = client.request("POST", "/v1/bookings", body=respelt, headers=keyed())
    assert retry.status == 201, retry.body
    assert retry.json()["id"] == first.json()["id"]
    assert len(bookings_of(client)) == 1


@pytest.mark.rubric("decomposition", weight=2)
def test_same_key_with_a_different_body_is_refused(tmp_path):
    app, _ = make_app(tmp_path)
    client = Client(app)
    first = client.create(booking_request("dp-third-floor", title="Focus day"), headers=keyed())
    assert first.status == 201
    other = client.create(booking_request("dp-third-floor", title="Team day"), headers=keyed())
    assert other.status == 422, other.body
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    listed = bookings_of(client)
    assert [b["id"] for b in listed] == [first.json()["id"]]
    assert listed[0]["title"] == "Focus day"


@pytest.mark.rubric("decomposition", weight=2)
def test_keys_are_scoped_to_the_account(tmp_path):
    app, _ = make_app(tmp_path)
    ada, grace = Client(app, "acct-ada"), Client(app, "acct-grace")
    payload = booking_request("dp-third-floor", attendees=1)
    mine = ada.create(payload, headers=keyed())
    theirs = grace.create(payload, headers=keyed())
    assert mine.status == 201 and theirs.status == 201, theirs.body
    assert mine.json()["id"] != theirs.json()["id"]
    assert ada.create(payload, headers=keyed()).json()["id"] == mine.json()["id"]
    assert grace.create(payload, headers=keyed()).json()["id"] == theirs.json()["id"]
    assert [b["id"] for b in bookings_of(ada)] == [mine.json()["id"]]
    assert [b["id"] for b in bookings_of(grace)] == [theirs.json()["id"]]


@pytest.mark.rubric("decomposition", weight=1)
def test_another_accounts_key_does_not_constrain_my_request(tmp_path):
    app, _ = make_app(tmp_path)
    ada, grace = Client(app, "acct-ada"), Client(app, "acct-grace")
    assert ada.create(booking_request("rm-orion"), headers=keyed()).status == 201
    mine = grace.create(booking_request("rm-vega", attendees=2), headers=keyed())
    assert mine.status == 201, mine.body
    assert mine.json()["space_id"] == "rm-vega"
    retry = grace.create(booking_request("rm-vega", attendees=2), headers=keyed())
    assert retry.status == 201 and retry.json()["id"] == mine.json()["id"]


@pytest.mark.rubric("verification", weight=2)
def test_a_refused_booking_does_not_use_up_the_key(tmp_path):
    app, _ = make_app(tmp_path)
    ada, grace = Client(app, "acct-ada"), Client(app, "acct-grace")
    blocker = grace.create(booking_request("dp-quiet", attendees=2))
    assert blocker.status == 201
    wanted = booking_request("dp-quiet", attendees=1)

    full = ada.create(wanted, headers=keyed())
    assert full.status == 409
    assert full.json()["error"]["code"] == "space_full"

    cancel = grace.request("POST", f"/v1/bookings/{blocker.json()['id']}/cancel")
    assert cancel.status == 200
    booked = ada.create(wanted, headers=keyed())
    assert booked.status == 201, booked.body
    again = ada.create(wanted, headers=keyed())
    assert again.status == 201 and again.json()["id"] == booked.json()["id"]
    assert len(bookings_of(ada)) == 1


@pytest.mark.rubric("verification", weight=1)
def test_an_invalid_request_does_not_use_up_the_key(tmp_path):
    app, _ = make_app(tmp_path)
    client = Client(app)
    broken = booking_request("dp-third-floor")
    broken["end"] = broken["start"]
    rejected = client.create(broken, headers=keyed())
    assert rejected.status == 422
    assert rejected.json()["error"]["code"] == "invalid_booking"

    fixed = booking_request("dp-third-floor")
    booked = client.create(fixed, headers=keyed())
    assert booked.status == 201, booked.body
    again = client.create(fixed, headers=keyed())
    assert again.status == 201 and again.json()["id"] == booked.json()["id"]


@pytest.mark.rubric("verification", weight=1)
def test_a_retry_after_the_booking_started_still_replays(tmp_path):
    app, clock = make_app(tmp_path)
    client = Client(app)
    payload = booking_request("rm-orion", day=0, hour=8, hours=2)
    first = client.create(payload, headers=keyed())
    assert first.status == 201
    clock.advance(minutes=20)
    retry = client.create(payload, headers=keyed())
    assert retry.status == 201, retry.body
    assert retry.json()["id"] == first.json()["id"]


@pytest.mark.rubric("decomposition", weight=1)
def test_a_retry_after_cancelling_does_not_book_again(tmp_path):
    app, _ = make_app(tmp_path)
    client = Client(app)
    first = client.create(booking_request("rm-orion"), headers=keyed())
    booking_id = first.json()["id"]
    assert client.request("POST", f"/v1/bookings/{booking_id}/cancel").status == 200
    retry = client.create(booking_request("rm-orion"), headers=keyed())
    assert retry.status == 201, retry.body
    assert retry.json()["id"] == booking_id
    assert [b["id"] for b in bookings_of(client)] == [booking_id]


@pytest.mark.rubric("verification", weight=1)
def test_a_key_still_binds_just_before_it_expires(tmp_path):
    app, clock = make_app(tmp_path)
    client = Client(app)
    assert client.create(booking_request("rm-orion", day=3), headers=keyed()).status == 201
    clock.advance(hours=23, minutes=59)
    other = client.create(booking_request("rm-vega", day=3, attendees=2), headers=keyed())
    assert other.status == 422, other.body
    assert other.json()["error"]["code"] == "idempotency_key_reused"


@pytest.mark.rubric("verification", weight=1)
def test_a_key_is_forgotten_after_24_hours(tmp_path):
    app, clock = make_app(tmp_path)
    client = Client(app)
    first = client.create(booking_request("rm-orion", day=3), headers=keyed())
    assert first.status == 201
    clock.advance(hours=24, minutes=1)
    other = client.create(booking_request("rm-vega", day=3, attendees=2), headers=keyed())
    assert other.status == 201, other.body
    assert other.json()["id"] != first.json()["id"]
    again = client.create(booking_request("rm-vega", day=3, attendees=2), headers=keyed())
    assert again.status == 201 and again.json()["id"] == other.json()["id"]


@pytest.mark.rubric("code-quality", weight=1)
@pytest.mark.parametrize("key", ["", "k" * 256], ids=["empty", "too-long"])
def test_a_malformed_key_is_a_bad_request(tmp_path, key):
    app, _ = make_app(tmp_path)
    client = Client(app)
    reply = client.create(booking_request("dp-third-floor"), headers=keyed(key))
    assert reply.status == 400, reply.body
    assert reply.json()["error"]["code"] == "invalid_idempotency_key"
    assert bookings_of(client) == []
