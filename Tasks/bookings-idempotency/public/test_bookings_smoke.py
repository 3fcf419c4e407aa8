from _deskbook_testkit import Client, booking_request, make_app


def test_create_then_fetch_booking(tmp_path):
    app, _ = make_app(tmp_path)
    client = Client(app)
    created = client.create(booking_request())
    assert created.status == 201
    booking = created.json()
    assert created.headers["location"] == f"/v1/bookings/{booking['id']}"
    fetched = client.request("GET", f"/v1/bookings/{booking['id']}")
    assert fetched.status == 200
    assert fetched.json() == booking


def test_overlapping_room_booking_is_rejected(tmp_path):
    app, _ = make_app(tmp_path)
    client = Client(app)
    assert client.create(booking_request(hour=9, hours=2)).status == 201
    clash = client.create(booking_request(hour=10, title="Retro"))
    assert clash.status == 409
    assert clash.json()["error"]["code"] == "slot_unavailable"


def test_listing_is_scoped_to_the_account(tmp_path):
    app, _ = make_app(tmp_path)
    ada, grace = Client(app, "acct-ada"), Client(app, "acct-grace")
    ada.create(booking_request("dp-third-floor", attendees=1))
    grace.create(booking_request("dp-third-floor", attendees=1))
    listed = ada.request("GET", "/v1/bookings").json()["bookings"]
    assert len(listed) == 1


def test_requests_without_an_account_are_unauthenticated(tmp_path):
    app, _ = make_app(tmp_path)
    reply = Client(app, account=None).create(booking_request())
    assert reply.status == 401
    assert reply.json()["error"]["code"] == "unauthenticated"
