"""Fills the working directory with 1 MiB files, each far below the file-size limit, until
something stops it: at most 1 GiB, past every limit the tests set. It prints where it
writes first."""
import os

print(os.getcwd(), flush=True)
block = b"\0" * (1 << 20)
for i in range(1024):
    with open(f"filler-{i}.bin", "wb") as f:
        f.write(block)
