"""Fills one file in the working directory until something stops it."""
with open("filler.bin", "wb") as f:
    block = b"\0" * (1 << 20)
    while True:
        f.write(block)
        f.flush()
