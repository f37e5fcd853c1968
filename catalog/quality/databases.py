"""Load a table behind a connection URL: ``postgres://`` (psycopg) and ``sqlite:///`` (sqlite3).

DuckDB's postgres extension would need a download, which this platform cannot do, so PostgreSQL
tables are streamed with ``COPY (SELECT …) TO STDOUT`` into a CSV in the dataset's temp folder and
read from there: bounded by bytes, rows and a server-side statement timeout.

Address policy (server-side request forgery): the host name is resolved once, and every address it
resolves to must be public unless the caller passes ``allow_private`` (a setting, for a county whose
databases live on the government intranet). The connection then goes to the checked address, not to
the name again, so a DNS answer cannot change between the check and the connect. Libpq parameters
that could redirect the connection (``host``, ``hostaddr``, ``service`` … in the query string) are
refused. SQLite URLs name local files: they are refused unless the file lies inside one of the
directories the caller allows (``sqlite_dirs``), because the platform's own database is a SQLite
file too.
"""

from __future__ import annotations

import ipaddress
import socket
import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, parse_qsl, unquote, urlsplit

import pyarrow as pa

from catalog.quality.dataset import (
    DATA,
    LOADED,
    ROW,
    Builder,
    Dataset,
    building,
    deadline,
    megabytes,
    require_columns,
    scalar,
)
from catalog.quality.errors import QualityError
from catalog.quality.rules import sql_ident, sql_str
from catalog.quality.spec import Limits

_SSL_MODES = {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}
_BATCH = 50_000


def load_database(
    url: str,
    table: str,
    columns: Sequence[str],
    *,
    limits: Limits | None = None,
    allow_private: bool = False,
    sqlite_dirs: Sequence[Path | str] = (),
) -> Dataset:
    limits = limits or Limits()
    parts = _split(url)
    schema_table = _table_name(table)
    if parts.scheme in ("postgres", "postgresql"):
        return _load_postgres(parts, schema_table, columns, limits, allow_private)
    if parts.scheme == "sqlite":
        return _load_sqlite(url, schema_table, columns, limits, sqlite_dirs)
    raise QualityError(f"不支持的数据库类型「{parts.scheme or url[:20]}」：支持 postgres:// 和 sqlite:///")


def _split(url: str) -> SplitResult:
    try:
        return urlsplit(url.strip())
    except ValueError as exc:
        raise QualityError(f"数据库连接地址格式有误：{exc}") from exc


def _table_name(table: str) -> tuple[str, ...]:
    parts = tuple(p.strip() for p in table.strip().split("."))
    if not 1 <= len(parts) <= 2 or any(not p or '"' in p or "\x00" in p for p in parts):
        raise QualityError(f"表名「{table}」无效：应为「表名」或「模式名.表名」")
    return parts


def display_url(parts: SplitResult) -> str:
    """The URL without its password, for messages and the report."""
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    user = f"{unquote(parts.username)}@" if parts.username else ""
    return f"{parts.scheme}://{user}{host}{port}{parts.path}"


# ---- address policy ---------------------------------------------------------------------------


def resolve_public(host: str, port: int, *, allow_private: bool, timeout: float) -> str:
    """The first address of ``host``; refuses private, loopback and other non-public ones unless allowed."""
    found: list[Any] = []
    failure: list[BaseException] = []

    def lookup() -> None:
        try:
            found.extend(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as exc:
            failure.append(exc)

    # getaddrinfo has no timeout of its own; a hung resolver must not hang the request.
    worker = threading.Thread(target=lookup, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise QualityError(f"解析数据库主机名「{host}」超时（{timeout:g} 秒）")
    if failure or not found:
        raise QualityError(f"无法解析数据库主机名「{host}」：请检查地址是否正确")
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found]
    if not allow_private:
        for address in addresses:
            mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
            if not (mapped or address).is_global:
                raise QualityError(
                    f"数据库地址「{host}」指向内网或本机地址 {address}，按系统设置不允许连接；"
                    "如确需检查内网数据库，请联系管理员开启内网连接"
                )
    return str(addresses[0])


# ---- PostgreSQL -------------------------------------------------------------------------------


def _load_postgres(
    parts: SplitResult, table: tuple[str, ...], wanted: Sequence[str], limits: Limits, allow_private: bool
) -> Dataset:
    import psycopg
    from psycopg import sql

    try:
        port = parts.port or 5432
    except ValueError as exc:
        raise QualityError("数据库连接地址的端口无效") from exc
    host = parts.hostname
    if not host or "," in parts.netloc.rsplit("@", 1)[-1]:
        raise QualityError(
            "数据库连接地址缺少主机名，或含多个主机：请写成 postgres://用户:密码@主机:端口/库名"
        )
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname:
        raise QualityError("数据库连接地址缺少库名：请写成 postgres://用户:密码@主机:端口/库名")
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    unknown = sorted(set(options) - {"sslmode"})
    if unknown:
        raise QualityError(f"不支持的连接参数：{'、'.join(unknown)}（只支持 sslmode）")
    sslmode = options.get("sslmode", "prefer")
    if sslmode not in _SSL_MODES:
        raise QualityError(f"sslmode 取值无效：{sslmode}")
    shown = display_url(parts)
    address = resolve_public(host, port, allow_private=allow_private, timeout=limits.connect_timeout_s)
    timeout_ms = int(limits.load_timeout_s * 1000)
    try:
        conn = psycopg.connect(
            host=host,
            hostaddr=address,
            port=port,
            dbname=dbname,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            sslmode=sslmode,
            connect_timeout=max(2, int(limits.connect_timeout_s)),
            application_name="zhengtong-quality",
            options=f"-c statement_timeout={timeout_ms} -c default_transaction_read_only=on "
            "-c DateStyle=ISO -c TimeZone=Asia/Shanghai",
            autocommit=True,
        )
    except psycopg.OperationalError as exc:
        raise QualityError(f"无法连接数据库 {shown}：{_pg_reason(exc, limits)}") from exc
    name = sql.SQL(".").join(sql.Identifier(p) for p in table)
    try:
        with building(limits, f"数据库表 {'.'.join(table)}（{shown}）") as b:
            try:
                with conn.cursor() as cur:
                    cur.execute(sql.SQL("SELECT * FROM {} LIMIT 0").format(name))
                    found = [d.name for d in cur.description or []]
                require_columns(found, wanted, f"数据表「{'.'.join(table)}」")
                query = sql.SQL(
                    "COPY (SELECT {} FROM {} LIMIT {}) TO STDOUT WITH (FORMAT csv, HEADER true)"
                ).format(
                    sql.SQL(", ").join(sql.Identifier(c) for c in wanted),
                    name,
                    sql.Literal(limits.max_rows + 1),
                )
                target = b.folder / "table.csv"
                written = 0
                with conn.cursor() as cur, cur.copy(query) as copy, target.open("wb") as out:
                    for data in copy:
                        written += len(data)
                        if written > limits.max_file_bytes:
                            raise QualityError(
                                f"数据表超过 {megabytes(limits.max_file_bytes)} 的读取上限，请缩小范围"
                            )
                        out.write(data)
            except psycopg.errors.UndefinedTable as exc:
                raise QualityError(f"数据表「{'.'.join(table)}」不存在") from exc
            except psycopg.errors.InsufficientPrivilege as exc:
                raise QualityError(f"无权读取数据表「{'.'.join(table)}」") from exc
            except psycopg.errors.QueryCanceled as exc:
                raise QualityError(f"读取数据表超时（超过 {limits.load_timeout_s:g} 秒）") from exc
            except psycopg.Error as exc:
                raise QualityError(f"读取数据表失败：{_first_line(exc)}") from exc
            _copy_csv_into(b, target, wanted, limits)
            return b.finish(wanted)
    finally:
        conn.close()


def _copy_csv_into(b: Builder, path: Path, wanted: Sequence[str], limits: Limits) -> None:
    types = "{" + ", ".join(f"{sql_str(n)}: 'VARCHAR'" for n in wanted) + "}"
    with deadline(b.con, limits.load_timeout_s):
        b.con.execute(
            f"CREATE TABLE {LOADED} AS SELECT * FROM read_csv({sql_str(str(path))}, auto_detect = false, "
            f"header = true, delim = ',', quote = '\"', escape = '\"', columns = {types}, strict_mode = true, "
            f"max_line_size = {max(int(limits.max_line_bytes), 1024**2)})"
        )
    if scalar(b.con, f"SELECT count(*) FROM {LOADED}") > limits.max_rows:
        raise QualityError(f"数据超过 {limits.max_rows:,} 行的上限，请缩小范围后检查")
    b.con.execute(f"CREATE VIEW {DATA} AS SELECT rowid + 1 AS {ROW}, * FROM {LOADED}")
    b.numbered = True


def _pg_reason(exc: Exception, limits: Limits) -> str:
    text = str(exc)
    if "timeout expired" in text or "timed out" in text:
        return f"连接超时（{max(2, int(limits.connect_timeout_s))} 秒内没有响应）"
    if "password authentication failed" in text or "no password supplied" in text:
        return "用户名或密码错误"
    if "does not exist" in text and "database" in text:
        return "数据库不存在"
    if "Connection refused" in text:
        return "连接被拒绝（端口未开放或数据库未启动）"
    if "no pg_hba.conf entry" in text:
        return "数据库不允许本平台连接（pg_hba.conf）"
    return _first_line(exc)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:200] if lines else type(exc).__name__


# ---- SQLite -----------------------------------------------------------------------------------


def _sqlite_path(url: str) -> Path:
    # sqlite:///relative/path and sqlite:////absolute/path, as SQLAlchemy and dj-database-url write them.
    rest = url.strip()[len("sqlite://") :]
    if not rest.startswith("/") or rest == "/":
        raise QualityError("SQLite 连接地址应写成 sqlite:////绝对路径/文件.sqlite3")
    return Path(unquote(rest[1:].split("?", 1)[0]))


def _load_sqlite(
    url: str, table: tuple[str, ...], wanted: Sequence[str], limits: Limits, sqlite_dirs: Sequence[Path | str]
) -> Dataset:
    path = _sqlite_path(url).resolve()
    allowed = [Path(d).resolve() for d in sqlite_dirs]
    if not any(path.is_relative_to(d) for d in allowed):
        raise QualityError("不允许读取该位置的 SQLite 文件：只能读取管理员指定目录中的数据库文件")
    if not path.is_file():
        raise QualityError(f"SQLite 文件不存在：{path.name}")
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise QualityError(f"「{path.name}」不是 SQLite 数据库文件")
    if len(table) == 2 and table[0] != "main":
        raise QualityError("SQLite 表名不能带模式名")
    name = table[-1]
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=limits.connect_timeout_s)
    except sqlite3.Error as exc:
        raise QualityError(f"无法打开 SQLite 文件：{exc}") from exc
    conn.text_factory = lambda raw: raw.decode("utf-8", "replace")
    started = time.monotonic()
    conn.set_progress_handler(lambda: int(time.monotonic() - started > limits.load_timeout_s), 10_000)
    try:
        with building(limits, f"SQLite 数据表 {name}（{path.name}）") as b:
            try:
                cur = conn.execute(f"SELECT * FROM {sql_ident(name)} LIMIT 0")
                require_columns([d[0] for d in cur.description], wanted, f"数据表「{name}」")
                picked = ", ".join(f"CAST({sql_ident(c)} AS TEXT)" for c in wanted)
                cur = conn.execute(f"SELECT {picked} FROM {sql_ident(name)} LIMIT ?", (limits.max_rows + 1,))
                _stream_rows(b, cur, wanted, limits)
            except sqlite3.OperationalError as exc:
                if "no such table" in str(exc):
                    raise QualityError(f"数据表「{name}」不存在") from exc
                if "interrupted" in str(exc):
                    raise QualityError(f"读取数据表超时（超过 {limits.load_timeout_s:g} 秒）") from exc
                raise QualityError(f"读取 SQLite 数据表失败：{exc}") from exc
            except sqlite3.DatabaseError as exc:
                raise QualityError(f"SQLite 文件已损坏或无法读取：{exc}") from exc
            return b.finish(wanted)
    finally:
        conn.close()


def _stream_rows(b: Builder, cur: sqlite3.Cursor, wanted: Sequence[str], limits: Limits) -> None:
    b.con.execute(
        f"CREATE TABLE {LOADED} ({ROW} BIGINT, " + ", ".join(f"{sql_ident(n)} VARCHAR" for n in wanted) + ")"
    )
    count = 0
    while rows := cur.fetchmany(_BATCH):
        count += len(rows)
        if count > limits.max_rows:
            raise QualityError(f"数据超过 {limits.max_rows:,} 行的上限，请缩小范围后检查")
        columns = list(zip(*rows, strict=True))
        batch = pa.table(
            [
                pa.array(range(count - len(rows) + 1, count + 1), pa.int64()),
                *(pa.array(c, pa.string()) for c in columns),
            ],
            names=[ROW, *wanted],
        )
        b.con.register("__zt_batch", batch)
        try:
            b.con.execute(f"INSERT INTO {LOADED} SELECT * FROM __zt_batch")
        finally:
            b.con.unregister("__zt_batch")
    b.con.execute(f"CREATE VIEW {DATA} AS SELECT * FROM {LOADED}")
