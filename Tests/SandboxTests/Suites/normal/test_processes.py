import subprocess
import sys


def test_subprocess_runs_python() -> None:
    result = subprocess.run([sys.executable, "-c", "print(6 * 7)"], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "42"


def test_subprocess_exit_code_is_seen() -> None:
    result = subprocess.run([sys.executable, "-c", "raise SystemExit(3)"])
    assert result.returncode == 3


def test_pipes_between_processes() -> None:
    producer = subprocess.Popen([sys.executable, "-c", "print('a\\nb\\nc')"], stdout=subprocess.PIPE)
    consumer = subprocess.run([sys.executable, "-c", "import sys; print(len(sys.stdin.read().split()))"],
                              stdin=producer.stdout, capture_output=True, text=True)
    producer.wait()
    assert consumer.stdout.strip() == "3"


def _square(value: int) -> int:
    return value * value


def test_multiprocessing_pool() -> None:
    import multiprocessing

    # spawn, not fork: a Pool runs helper threads in this process, and a fork taken while one
    # of them holds a lock leaves the worker waiting on it forever.
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        assert pool.map(_square, range(5)) == [0, 1, 4, 9, 16]
