import pytest

from _idem_harness import Client, booking_request, make_app

BOOKING_FIELDS = {
    "id", "space_id", "title", "start", "end", "attendees", "status", "created_at", "cancelled_at",
}


@pytest.mark.rubric("code-quality", weight=2)
def test_create_response_is_unchanged(tmp_path):
    app, _ = make_app(tmp_path)
    reply = Client(app).create(booking_request("rm-orion", day=1, hour=9, hours=2))
    assert reply.status == 201, reply.body
    assert reply.headers["content-type"] == "application/json"
    body = reply.json()
    assert set(body) == BOOKING_FIELDS
    assert body["id"].startswith("bk_")
    assert reply.headers["location"] == f"/v1/bookings/{body['id']}"
    assert reply.headers.get("idempotent-replayed", "false") != "true"
    assert {k: v for k, v in body.items() if k != "id"} == {
        "space_id": "rm-orion",
        "title": "Sprint planning",
        "start": "2030-03-05T09:00:00Z",
        "end": "2030-03-05T11:00:00Z",
        "attendees": 3,
        "status": "confirmed",
        "created_at": "2030-03-04T08:00:00Z",
        "cancelled_at": None,
    }


@pytest.mark.rubric("code-quality", weight=1)
def test_create_with_a_key_answers_in_the_v1_shape(tmp_path):
    app, _ = make_app(tmp_path)
    plain = Client(app).create(booking_request("rm-orion"))
    keyed = Client(app).create(booking_request("rm-vega", attendees=2),
                               headers={"Idempotency-Key": "first-try"})
    assert plain.status == keyed.status == 201
    assert set(keyed.json()) == set(plain.json()) == BOOKING_FIELDS


@pytest.mark.rubric("code-quality", weight=2)
def test_identical_requests_without_a_key_are_separate_bookings(tmp_path):
    app, _ = make_app(tmp_path)
    client = Client(app)
    payload = booking_request("dp-third-floor", attendees=1)
    first, second = client.create(payload), client.create(payload)
    assert first.status == second.status == 201
    assert first.json()["id"] != second.json()["id"]
    assert len(client.request("GET", "/v1/bookings").json()["bookings"]) == 2


@pytest.mark.rubric("code-quality", weight=1)
def test_list_and_get_keep_their_shapes(tmp_path):
    app, _ = make_app(tmp_path)
    client = Client(app)
    late = client.create(booking_request("rm-orion", hour=15)).json()
    early = client.create(booking_request("rm-vega", hour=9, attendees=4)).json()
    listed = client.request("GET", "/v1/bookings")
    assert listed.status == 200
    assert listed.json() == {"bookings": [early, late]}
    only_vega = client.request("GET", "/v1/bookings?space_id=rm-vega").json()
    assert only_vega == {"bookings": [early]}
    fetched = client.request("GET", f"/v1/bookings/{late['id']}")
    assert fetched.status == 200 and fetched.json() == late


@pytest.mark.rubric("code-quality", weight=1)
def test_cancelling_frees_the_slot(tmp_path):
    app, clock = make_app(tmp_path)
    ada, grace = Client(app, "acct-ada"), Client(app, "acct-grace")
    booking = ada.create(booking_request("rm-orion")).json()
    clock.advance(minutes=5)
    cancelled = ada.request("POST", f"/v1/bookings/{booking['id']}/cancel")
    assert cancelled.status == 200
    assert cancelled.json() == dict(
        booking, status="cancelled", cancelled_at="2030-03-04T08:05:00Z"
    )
    again = ada.request("POST", f"/v1/bookings/{booking['id']}/cancel")
    assert again.status == 409
    assert again.json()["error"]["code"] == "invalid_transition"
    assert grace.create(booking_request("rm-orion")).status == 201


@pytest.mark.rubric("code-quality", weight=1)
def test_desk_pool_capacity_is_enforced(tmp_path):
    app, _ = make_app(tmp_path)
    client = Client(app)
    assert client.create(booking_request("dp-quiet", attendees=1)).status == 201
    assert client.create(booking_request("dp-quiet", attendees=1)).status == 201
    full = client.create(booking_request("dp-quiet", attendees=1))
    assert full.status == 409
    assert full.json()["error"]["code"] == "space_full"


@pytest.mark.rubric("code-quality", weight=1)
def test_errors_keep_their_shape(tmp_path):
    app, _ = make_app(tmp_path)
    client = Client(app)
    backwards = booking_request("rm-orion")
    backwards["end"] = "2030-03-05T08:00:00Z"
    reply = client.create(backwards)
    assert reply.status == 422
    assert reply.json() == {
        "error": {
            "code": "invalid_booking",
            "message": "end must be after start",
            "details": {"field": "end"},
        }
    }
    crowded = client.create(booking_request("rm-vega", attendees=5))
    assert crowded.status == 422
    assert crowded.json()["error"]["code"] == "over_capacity"
    garbled = client.request("POST", "/v1/bookings", body=b"{not json")
    assert garbled.status == 400
    assert garbled.json()["error"]["code"] == "invalid_json"


@pytest.mark.rubric("code-quality", weight=1)
def test_other_accounts_bookings_stay_invisible(tmp_path):
    app, _ = make_app(tmp_path)
    ada, grace = Client(app, "acct-ada"), Client(app, "acct-grace")
    booking = ada.create(booking_request("rm-orion")).json()
    assert grace.request("GET", f"/v1/bookings/{booking['id']}").status == 404
    assert grace.request("POST", f"/v1/bookings/{booking['id']}/cancel").status == 404
