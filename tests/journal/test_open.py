"""Journal.open: what it accepts and refuses, what repr shows (never a password), lost
PostgreSQL connections, missing psycopg; entries and errors cross process boundaries."""

from __future__ import annotations

import pickle
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest
from journal_support import API, SCOPE, fresh_schema
from withdrawal_clients.errors import InvalidInput
from withdrawal_clients.journal import Journal, JournalError, JournalStateError, NonceTaken


def test_sqlite_targets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    spellings: list[Any] = [
        tmp_path / "sub" / "a.db",  # a PathLike
        "sub/a.db",  # a relative path
        "sqlite:///sub/a.db",  # relative, as SQLAlchemy spells it
        f"sqlite:///{tmp_path}/sub/a.db",  # absolute: four slashes
    ]
    for number, spelling in enumerate(spellings):
        with Journal.open(spelling) as journal:
            assert repr(journal) == f"SqliteJournal({str(tmp_path / 'sub' / 'a.db')!r})"
            assert journal.begin(API, f"k{number}", SCOPE, {})[1]
            assert len(journal.entries()) == number + 1
            with journal.lock(API, SCOPE):
                assert len(list((tmp_path / "sub" / "a.db.locks").glob("*.lock"))) == 1


@pytest.mark.parametrize(
    "target",
    ["", ":memory:", "sqlite://", "sqlite:///", "sqlite://a.db", "sqlite:///:memory:",
     "mysql://host/db", "http://example.com/journal", 42, None, b"a.db"],
)  # fmt: skip
def test_targets_that_are_refused(target: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        Journal.open(target)
    assert caught.value.field == "journal"


def test_a_missing_directory_or_a_file_that_is_no_database(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="does not exist"):
        Journal.open(tmp_path / "missing" / "journal.db")
    not_a_database = tmp_path / "notes.txt"
    not_a_database.write_text("x" * 4096)
    with pytest.raises(JournalError, match="not a database"):
        Journal.open(not_a_database)


def test_sqlite_lock_files_that_cannot_be_made(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "journal.db") as journal:
        shutil.rmtree(tmp_path / "journal.db.locks")  # made when the journal was opened
        (tmp_path / "journal.db.locks").write_text("a file where the lock folder goes")
        with pytest.raises(JournalError, match="lock"), journal.lock(API, SCOPE):
            pass


def test_postgres_repr_and_errors_never_show_the_password(postgres_url: str) -> None:
    with_password = postgres_url.replace("postgres@", "postgres:hunter2@")
    with Journal.open(with_password) as journal:  # trust authentication ignores it
        assert "hunter2" not in repr(journal) and "dbname=" in repr(journal)
        assert repr(journal).startswith("PostgresJournal(host=127.0.0.1 port=")
    with pytest.raises(InvalidInput) as bad:
        Journal.open("postgresql://user:hunter2@[::1/db")
    assert "hunter2" not in str(bad.value)
    with pytest.raises(JournalError) as unreachable:
        Journal.open("postgres://user:hunter2@127.0.0.1:1/db")  # nothing listens on port 1
    assert "hunter2" not in str(unreachable.value)


def test_a_lost_postgres_connection_is_replaced(postgres_url: str) -> None:
    target = fresh_schema(postgres_url)
    with Journal.open(target) as journal:
        journal.begin(API, "w1", SCOPE, {})
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'withdrawal-clients journal'"
            )
        with pytest.raises(JournalError):  # the call that finds it broken
            journal.get(API, "w1")
        assert journal.get(API, "w1") is not None  # the next one reconnects


def test_postgres_without_psycopg_says_what_to_install(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['psycopg'] = None\n"
        "from withdrawal_clients.errors import MissingExtra\n"
        "from withdrawal_clients.journal import Journal\n"
        "try:\n"
        "    Journal.open('postgresql://localhost/db')\n"
        "except MissingExtra as exc:\n"
        "    print(exc.extra, exc)\n"
        f"Journal.open({str(tmp_path / 'j.db')!r}).close()\n"  # SQLite needs nothing more
        "print('sqlite ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == [
        "postgres a PostgreSQL journal needs the [postgres] extra: "
        "pip install 'withdrawal-clients[postgres]'",
        "sqlite ok",
    ]


def test_importing_the_journal_does_not_load_psycopg() -> None:
    code = "import sys, withdrawal_clients.journal; print('psycopg' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_entries_and_errors_pickle(journal: Journal) -> None:
    journal.begin(API, "w1", SCOPE, {"amount": "1"})
    entry = journal.mark_sending(API, "w1", {"nonce": 1}, nonce=1)
    assert pickle.loads(pickle.dumps(entry)) == entry
    taken = pickle.loads(pickle.dumps(NonceTaken(api=API, scope=SCOPE, nonce=1)))
    assert (taken.api, taken.scope, taken.nonce, str(taken)) == (
        API, SCOPE, 1, f"{API}: nonce 1 of scope {SCOPE} is held by another entry",
    )  # fmt: skip
    with pytest.raises(JournalStateError) as caught:
        journal.mark_done(API, "missing", {})
    copy = pickle.loads(pickle.dumps(caught.value))
    assert (copy.api, copy.key, copy.state, str(copy)) == (
        API, "missing", None, str(caught.value),
    )  # fmt: skip
    assert isinstance(copy, ValueError)


def test_sqlite_journal_uses_write_ahead_logging(tmp_path: Path) -> None:
    target = tmp_path / "journal.db"
    with Journal.open(target):
        db = sqlite3.connect(target)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        db.close()
