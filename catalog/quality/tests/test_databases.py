"""Tables behind a connection URL: the address policy, bounded failures, SQLite and PostgreSQL.

Name resolution is mocked at ``socket.getaddrinfo``; every real connection goes to loopback only.
The PostgreSQL round trip runs where TEST_DATABASE_URL names a server (CI starts one on loopback).
"""

from __future__ import annotations

import os
import socket
import sqlite3
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from catalog.quality import (
    ColumnSpec,
    DatabaseSource,
    Limits,
    QualityError,
    QualityPlan,
    ResidentId,
    TimelinessSpec,
    UpdatePeriod,
    load_database,
    run,
)
from catalog.quality.tests.support import AS_OF, bad_check, resident_id, result

PLAN = QualityPlan(
    (ColumnSpec("name", required=True), ColumnSpec("id_no", unique=True, rule=ResidentId())),
    timeliness=TimelinessSpec("updated", UpdatePeriod.MONTHLY),
    as_of=AS_OF,
)
ROWS = [
    ("张三", resident_id(1), "2025-06-20"),
    ("", resident_id(2), "2025-06-01"),
    ("王五", bad_check(resident_id(3)), "2025-05-01"),
    ("赵六", resident_id(1), None),
]
FAST = Limits(connect_timeout_s=2)


def _sqlite(path: Path) -> Path:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE people (name TEXT, id_no TEXT, updated TEXT, note BLOB)")
        conn.executemany("INSERT INTO people VALUES (?, ?, ?, x'ff00')", ROWS)
    return path


def test_it_checks_a_sqlite_table_inside_an_allowed_directory(tmp_path: Path) -> None:
    path = _sqlite(tmp_path / "people.sqlite3")

    report = run(DatabaseSource(f"sqlite:///{path}", "people"), PLAN, sqlite_dirs=[tmp_path])

    assert report.rows == 4
    assert result(report, "completeness", "name").failed == 1
    assert result(report, "validity", "id_no").failed == 1
    duplicate = result(report, "uniqueness", "id_no")
    assert (
        duplicate.failed == 1
        and duplicate.samples[0].row == 4
        and duplicate.samples[0].reason == "与第 1 行重复"
    )
    timeliness = result(report, "timeliness", "updated")
    assert timeliness.passed and timeliness.freshness.latest.date().isoformat() == "2025-06-20"


def test_it_refuses_a_sqlite_file_outside_the_allowed_directories(tmp_path: Path) -> None:
    path = _sqlite(tmp_path / "people.sqlite3")

    with pytest.raises(QualityError, match="不允许读取该位置的 SQLite 文件"):
        load_database(f"sqlite:///{path}", "people", PLAN.column_names)
    with pytest.raises(QualityError, match="不允许读取"):
        load_database(
            f"sqlite:///{tmp_path}/sub/../../people.sqlite3",
            "people",
            PLAN.column_names,
            sqlite_dirs=[tmp_path / "sub"],
        )


def test_it_says_which_sqlite_table_is_missing(tmp_path: Path) -> None:
    path = _sqlite(tmp_path / "people.sqlite3")

    with pytest.raises(QualityError, match="数据表「persons」不存在"):
        load_database(f"sqlite:///{path}", "persons", PLAN.column_names, sqlite_dirs=[tmp_path])


def test_it_refuses_a_file_that_is_not_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "fake.sqlite3"
    path.write_text("not a database", encoding="utf-8")

    with pytest.raises(QualityError, match="不是 SQLite 数据库文件"):
        load_database(f"sqlite:///{path}", "people", PLAN.column_names, sqlite_dirs=[tmp_path])


@pytest.mark.parametrize(
    "url",
    [
        "postgres://u:secret@127.0.0.1:5432/db",
        "postgres://u:secret@localhost/db",
        "postgresql://u:secret@[::1]/db",
        "postgres://u:secret@10.20.30.40/db",
        "postgres://u:secret@192.168.1.9/db",
        "postgres://u:secret@169.254.169.254/db",
        "postgres://u:secret@100.64.0.1/db",
        "postgres://u:secret@[::ffff:127.0.0.1]/db",
    ],
)
def test_it_refuses_private_and_loopback_addresses_by_default(url: str) -> None:
    started = time.monotonic()

    with pytest.raises(QualityError, match="指向内网或本机地址") as excinfo:
        load_database(url, "people", PLAN.column_names, limits=FAST)

    assert "secret" not in excinfo.value.message
    assert time.monotonic() - started < 2


def test_it_refuses_a_public_name_that_resolves_to_a_private_address(monkeypatch: pytest.MonkeyPatch) -> None:
    def resolve(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.8", port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)

    with pytest.raises(QualityError, match="「db.example.gov.cn」指向内网或本机地址 10.0.0.8"):
        load_database("postgres://u:p@db.example.gov.cn/db", "people", PLAN.column_names, limits=FAST)


def test_it_fails_fast_on_a_host_that_does_not_resolve(monkeypatch: pytest.MonkeyPatch) -> None:
    def resolve(*args: Any, **kwargs: Any) -> list[Any]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", resolve)

    with pytest.raises(QualityError, match="无法解析数据库主机名「no-such-host.invalid」"):
        load_database("postgres://u:p@no-such-host.invalid/db", "people", PLAN.column_names, limits=FAST)


def test_it_stops_waiting_for_a_hung_resolver(monkeypatch: pytest.MonkeyPatch) -> None:
    def resolve(*args: Any, **kwargs: Any) -> list[Any]:
        time.sleep(5)
        return []

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    started = time.monotonic()

    with pytest.raises(QualityError, match="解析数据库主机名「slow.example.cn」超时"):
        load_database("postgres://u:p@slow.example.cn/db", "people", PLAN.column_names, limits=FAST)
    assert time.monotonic() - started < 4


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_it_reports_a_refused_connection_quickly(tmp_path: Path) -> None:
    url = f"postgres://u:secret@127.0.0.1:{_free_port()}/db"
    started = time.monotonic()

    with pytest.raises(QualityError, match="连接被拒绝") as excinfo:
        load_database(url, "people", PLAN.column_names, limits=FAST, allow_private=True)

    assert time.monotonic() - started < 3
    assert "secret" not in excinfo.value.message and "127.0.0.1" in excinfo.value.message


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A loopback port that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    try:
        yield int(server.getsockname()[1])
    finally:
        server.close()


def test_it_gives_up_on_a_server_that_never_answers(silent_server: int) -> None:
    url = f"postgres://u:p@127.0.0.1:{silent_server}/db"
    started = time.monotonic()

    with pytest.raises(QualityError, match="连接超时（2 秒内没有响应）"):
        load_database(url, "people", PLAN.column_names, limits=FAST, allow_private=True)

    assert time.monotonic() - started < 6


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgres://u:p@example.cn/db?host=127.0.0.1", "不支持的连接参数：host"),
        ("postgres://u:p@example.cn/db?hostaddr=10.0.0.1&sslmode=require", "不支持的连接参数：hostaddr"),
        ("postgres://u:p@a.example.cn,b.example.cn/db", "含多个主机"),
        ("postgres:///db", "缺少主机名"),
        ("postgres://u:p@example.cn", "缺少库名"),
        ("postgres://u:p@example.cn/db?sslmode=sometimes", "sslmode 取值无效"),
        ("mysql://u:p@example.cn/db", "不支持的数据库类型「mysql」"),
        ("sqlite://relative.db", "SQLite 连接地址应写成"),
    ],
)
def test_it_refuses_urls_it_cannot_trust(url: str, message: str) -> None:
    with pytest.raises(QualityError, match=message):
        load_database(url, "people", PLAN.column_names, limits=FAST)


@pytest.mark.parametrize("table", ["", "a.b.c", 'x"; DROP TABLE y; --'])
def test_it_refuses_a_bad_table_name(table: str) -> None:
    with pytest.raises(QualityError, match="表名"):
        load_database("postgres://u:p@example.cn/db", table, PLAN.column_names, limits=FAST)


def _postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@pytest.mark.skipif(_postgres_url() is None, reason="TEST_DATABASE_URL names no PostgreSQL server")
def test_it_streams_a_postgres_table() -> None:
    import psycopg

    url = _postgres_url()
    assert url is not None
    table = f"zt_quality_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE TABLE {table} (name text, id_no text, updated timestamptz, "备注" text)')
        with conn.cursor() as cur:
            cur.executemany(f"INSERT INTO {table} VALUES (%s, %s, %s, 'x')", ROWS)
        try:
            report = run(DatabaseSource(url, table), PLAN, allow_private=True, limits=FAST)
            with pytest.raises(QualityError, match="缺少列：身份证号"):
                load_database(url, table, ["身份证号"], allow_private=True, limits=FAST)
            with pytest.raises(QualityError, match="不存在"):
                load_database(url, table + "_gone", ["name"], allow_private=True, limits=FAST)
        finally:
            conn.execute(f"DROP TABLE {table}")

    assert report.rows == 4
    assert result(report, "completeness", "name").failed == 1
    assert result(report, "validity", "id_no").failed == 1
    assert result(report, "uniqueness", "id_no").failed == 1
    assert result(report, "timeliness", "updated").freshness.latest.date().isoformat() == "2025-06-20"
