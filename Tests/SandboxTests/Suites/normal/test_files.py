import json
from pathlib import Path


def test_tmp_path_round_trip(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text(json.dumps({"ok": True}))
    assert json.loads(target.read_text()) == {"ok": True}


def test_tmp_path_directories(tmp_path: Path) -> None:
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    (nested / "c.txt").write_text("x")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a", "b", "c.txt"]


def test_capsys(capsys) -> None:
    print("hello")
    assert capsys.readouterr().out == "hello\n"


def test_monkeypatch_env(monkeypatch) -> None:
    monkeypatch.setenv("PROBE_EXAMPLE", "1")
    import os

    assert os.environ["PROBE_EXAMPLE"] == "1"


def test_sqlite_in_tmp_path(tmp_path: Path) -> None:
    import sqlite3

    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        db.execute("create table t (x integer)")
        db.executemany("insert into t values (?)", [(i,) for i in range(10)])
        assert db.execute("select sum(x) from t").fetchone() == (45,)
