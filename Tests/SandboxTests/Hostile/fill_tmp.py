"""Fills /tmp until the disk is full. The file name carries a marker the test looks for on the host."""
import sys

with open(f"/tmp/probe-fill-{sys.argv[1]}", "wb") as f:
    block = b"\0" * (1 << 20)
    while True:
        f.write(block)
        f.flush()
