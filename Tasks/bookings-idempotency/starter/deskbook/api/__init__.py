"""HTTP API. Each version lives in its own module and is mounted by ``deskbook.app``."""
