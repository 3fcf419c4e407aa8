"""``python -m catalog``: serve the catalog on ``$HOST:$PORT``."""

from catalog.server import main

if __name__ == "__main__":
    raise SystemExit(main())
