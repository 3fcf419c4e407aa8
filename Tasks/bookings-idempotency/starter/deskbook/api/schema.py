"""JSON <-> domain conversion for the v1 API.

The output shapes here are a public contract: the mobile apps and the
calendar sync parse them. Add fields if you must; never rename, remove or
reformat one.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from deskbook.errors import InvalidBooking
from deskbook.models import Booking, NewBooking

MAX_TITLE_LENGTH = 120


def format_time(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def booking_json(booking: Booking) -> dict[str, Any]:
    return {
        "id": booking.id,
        "space_id": booking.space_id,
        "title": booking.title,
        "start": format_time(booking.start),
        "end": format_time(booking.end),
        "attendees": booking.attendees,
        "status": booking.status.value,
        "created_at": format_time(booking.created_at),
        "cancelled_at": format_time(booking.cancelled_at) if booking.cancelled_at else None,
    }


def parse_new_booking(payload: Any) -> NewBooking:
    if not isinstance(payload, dict):
        raise InvalidBooking("expected a JSON object")
    space_id = payload.get("space_id")
    if not isinstance(space_id, str) or not space_id:
        raise InvalidBooking("space_id is required", field="space_id")
    title = payload.get("title")
    if not isinstance(title, str) or not title.strip():
        raise InvalidBooking("title is required", field="title")
    if len(title) > MAX_TITLE_LENGTH:
        raise InvalidBooking(f"title is longer than {MAX_TITLE_LENGTH} characters", field="title")
    attendees = payload.get("attendees", 1)
    if isinstance(attendees, bool) or not isinstance(attendees, int) or attendees < 1:
        raise InvalidBooking("attendees must be a positive integer", field="attendees")
    return NewBooking(
        space_id=space_id,
        title=title.strip(),
        start=_parse_time(payload.get("start"), "start"),
        end=_parse_time(payload.get("end"), "end"),
        attendees=attendees,
    )


def _parse_time(value: Any, field: str) -> datetime:
    if not isinstance(value, str):
        raise InvalidBooking(f"{field} is required", field=field)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidBooking(f"{field} is not an ISO 8601 timestamp", field=field) from None
    if parsed.tzinfo is None:
        raise InvalidBooking(f"{field} needs a UTC offset", field=field)
    return parsed.astimezone(timezone.utc)
