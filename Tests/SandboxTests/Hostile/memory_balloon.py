"""Touches 1 MiB after 1 MiB until something stops it."""
chunks = []
while True:
    chunks.append(bytearray(1 << 20))
