"""Writes to stdout as fast as it can, forever."""
import sys

line = "x" * 1023 + "\n"
while True:
    sys.stdout.write(line)
