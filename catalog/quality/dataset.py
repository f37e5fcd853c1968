"""A dataset loaded into a private, in-memory DuckDB, and the plumbing every loader shares.

Each dataset gets its own connection and its own temp folder (DuckDB spills there past the memory
limit). A loader builds everything inside ``building``: on any failure the connection is closed and
the folder removed before the ``QualityError`` propagates, so a failed load leaves nothing behind.
Nothing is ever written outside that folder.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb

from catalog.quality.errors import QualityError
from catalog.quality.spec import Limits

DATA = "__zt_data"  # the view every check reads: __zt_row plus the wanted columns
LOADED = "__zt_load"  # the table a loader fills, when the data is copied in
ROW = "__zt_row"


class Dataset:
    """Rows to check, with ``__zt_row``: the Excel row number for xlsx, else the 1-based record number."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        folder: Path,
        *,
        source: str,
        columns: dict[str, str],
        rows: int,
        warnings: Sequence[str],
        limits: Limits,
        numbered: bool = False,
    ) -> None:
        self.con = con
        self.folder = folder
        self.source = source
        self.columns = columns  # name → DuckDB type
        self.rows = rows
        self.warnings = list(warnings)
        self.limits = limits
        # ``ROW`` is the 1-based position in scan order (DuckDB keeps insertion order): readers
        # may count rows instead of reading the column.
        self.numbered = numbered

    def close(self) -> None:
        try:
            self.con.close()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Dataset:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class Builder:
    """A connection and temp folder under construction; ``finish`` hands them to a Dataset."""

    def __init__(self, limits: Limits, source: str) -> None:
        self.limits = limits
        self.source = source
        self.folder = Path(tempfile.mkdtemp(prefix="zt-quality-"))
        self.warnings: list[str] = []
        self.numbered = False  # a loader sets it when its view numbers rows by position
        config: dict[str, str | bool | int | float | list[str]] = {
            "memory_limit": limits.memory_limit,
            "temp_directory": str(self.folder / "spill"),
            # Never reach for the network: every extension used here is built in.
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "preserve_insertion_order": True,  # the default, relied on by ``Dataset.numbered``
        }
        if limits.threads:
            config["threads"] = limits.threads
        try:
            self.con = duckdb.connect(":memory:", config=config)
        except duckdb.Error as exc:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise QualityError(f"无法启动检查引擎：{exc}") from exc

    def finish(self, wanted: Sequence[str]) -> Dataset:
        described = self.con.execute(f"DESCRIBE SELECT * FROM {DATA}").fetchall()
        columns = {name: str(kind) for name, kind, *_ in described if name != ROW}
        missing = [name for name in wanted if name not in columns]
        if missing:  # a loader bug rather than bad input, but say so in the same words
            raise QualityError("缺少列：" + "、".join(missing))
        rows = scalar(self.con, f"SELECT count(*) FROM {DATA}")
        return Dataset(
            self.con,
            self.folder,
            source=self.source,
            columns=columns,
            rows=int(rows),
            warnings=self.warnings,
            limits=self.limits,
            numbered=self.numbered,
        )

    def discard(self) -> None:
        try:
            self.con.close()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def building(limits: Limits, source: str) -> Iterator[Builder]:
    builder = Builder(limits, source)
    try:
        yield builder
    except QualityError:
        builder.discard()
        raise
    except duckdb.InterruptException as exc:
        builder.discard()
        raise QualityError(f"读取数据超时（超过 {limits.load_timeout_s:g} 秒）") from exc
    except duckdb.OutOfMemoryException as exc:
        builder.discard()
        raise QualityError(f"数据过大，超出检查引擎的内存上限（{limits.memory_limit}）") from exc
    except duckdb.Error as exc:
        builder.discard()
        raise QualityError(f"读取数据失败：{_first_line(exc)}") from exc
    except BaseException:
        builder.discard()
        raise


def scalar(con: duckdb.DuckDBPyConnection, query: str, params: Sequence[object] | None = None) -> Any:
    """The one value a query returns (fetched whole: DuckDB refuses new work while a result is open)."""
    return con.execute(query, params).fetchall()[0][0]


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__


@contextmanager
def deadline(
    con: duckdb.DuckDBPyConnection, seconds: float, cursors: list[duckdb.DuckDBPyConnection] | None = None
) -> Iterator[threading.Event]:
    """Interrupt whatever DuckDB runs on ``con`` (and on ``cursors``, which may grow meanwhile)
    once ``seconds`` have passed; the event it yields is set then, for work outside DuckDB.

    The watchdog keeps interrupting until the block ends: an interrupt that lands between two
    queries does nothing, and the next query would otherwise run unbounded.
    """
    done, expired = threading.Event(), threading.Event()

    def watch() -> None:
        if done.wait(seconds):
            return
        expired.set()
        while True:
            for each in [con, *(cursors or ())]:
                each.interrupt()
            if done.wait(0.05):
                return

    watchdog = threading.Thread(target=watch, daemon=True)
    started = time.monotonic()
    watchdog.start()
    try:
        yield expired
    finally:
        done.set()
        watchdog.join()
    # Work that outran the limit is over it even when it ended before an interrupt landed (a short
    # last query can finish before the watchdog thread is scheduled): same outcome either way.
    if time.monotonic() - started > seconds:
        raise duckdb.InterruptException(f"超过时限 {seconds:g} 秒")


def require_columns(found: Sequence[str], wanted: Sequence[str], where: str) -> None:
    """Error naming the missing and the expected headers when ``found`` lacks any of ``wanted``."""
    have = set(found)
    missing = [name for name in wanted if name not in have]
    if missing:
        shown = "、".join(name or "（空）" for name in found[:30]) + ("……" if len(found) > 30 else "")
        raise QualityError(
            f"{where}缺少列：{'、'.join(missing)}。应有表头：{'、'.join(wanted)}；实际表头：{shown or '（无）'}"
        )


def check_size(path: Path, limits: Limits, what: str) -> int:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise QualityError(f"无法读取{what}：{exc.strerror or exc}") from exc
    if size == 0:
        raise QualityError(f"{what}为空（0 字节）")
    if size > limits.max_file_bytes:
        raise QualityError(f"{what}过大：{megabytes(size)}，上限 {megabytes(limits.max_file_bytes)}")
    return size


def megabytes(size: int) -> str:
    return f"{size / 1024**2:,.1f} MB"
