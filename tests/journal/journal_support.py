"""Helpers for the journal tests (fixtures live in conftest.py)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg

API, SCOPE = "reddio", "0x5ca1ab1e"
WORKER = Path(__file__).with_name("journal_worker.py")


def fresh_schema(url: str) -> str:
    """The URL of a new, empty schema in the database of ``url`` (its search path); a schema
    is a thousand times quicker to create than a database."""
    name = f"journal_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}".encode())
    return f"{url}?options={quote(f'-c search_path={name}', safe='')}"


def raw(target: str, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Rows as the database holds them, read around the journal."""
    if target.startswith("postgresql://"):
        with psycopg.connect(target) as conn:
            return conn.execute(sql.replace("?", "%s").encode(), params).fetchall()
    db = sqlite3.connect(target)
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


def worker(*args: str) -> subprocess.Popen[str]:
    """journal_worker.py in a process of its own, its output readable line by line."""
    return subprocess.Popen(
        [sys.executable, str(WORKER), *args], stdout=subprocess.PIPE, text=True, bufsize=1
    )


def expect_line(process: subprocess.Popen[str], wanted: str) -> None:
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    assert line == wanted, f"worker said {line!r}, exit code {process.poll()}"
