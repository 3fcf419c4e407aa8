"""A single process spinning on the CPU forever."""
while True:
    pass
