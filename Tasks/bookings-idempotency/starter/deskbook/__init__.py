"""Deskbook: room and desk bookings for the office app.

The package is layered the usual way: ``api`` speaks HTTP, ``service`` owns the
booking rules, ``repository`` talks to SQLite and ``models`` holds the domain
types that travel between them. ``create_app`` wires the layers together.
"""

from deskbook.app import App, create_app

__all__ = ["App", "create_app"]
__version__ = "1.7.2"
