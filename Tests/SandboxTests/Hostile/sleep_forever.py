"""Sleeps, using no CPU, until the wall clock runs out."""
import time

while True:
    time.sleep(3600)
