"""The catalog's full-text index (``search/``: jieba, pinyin, initials, n-grams): contents, upkeep, queries.

Two indexes under ``settings.SEARCH_INDEX_ROOT``, one schema:

- ``catalog``: every resource with all its 信息项, for the resource list. The index never decides who
  may see what: callers take the matching ids and keep ``DataResource.objects.visible_to(user)``, so
  the permission rule stays in one place (the database) and an index that lags cannot leak a draft.
- ``catalog_open``: only resources that are or will be open (已发布, 开放属性 set, not 涉密, with an
  开放日期), each with its open 信息项 only, for the CKAN API. Text that may not leave the platform is
  never in it, so neither a match nor a spelling correction can reveal a hidden 信息项; the caller
  still filters with ``opendata.open_resources()`` (the 开放日期 must have arrived).

Writing: tantivy allows one writer per directory, so only the task worker writes (the tasks in
``catalog.tasks``, and ``manage.py rebuild_search_index``), taking the writer for one batch and
releasing it. Saving or deleting a DataResource or DataItem notes the resource; when the transaction
commits, one task re-indexes every resource noted in it. A daily job rebuilds everything, which heals
the index after a lost task, a bulk insert (no signals) or an upgrade that changed the schema.

Reading: each process shares one read-only handle per index, reopened when the directory is replaced
and refreshed as soon as a commit lands. While an index is missing, empty or unreadable, ``find``
returns None and the caller falls back to its substring filter.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case, FloatField, Prefetch, QuerySet, Value, When
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from catalog import opendata
from catalog.models import DataItem, DataResource
from search import Doc, IndexSchema, SchemaMismatchError, TantivyIndex, TextField
from search.engine import MAX_LIMIT, MAX_OFFSET

logger = logging.getLogger(__name__)

CATALOG = IndexSchema(
    text=(
        TextField("name", boost=3.0, pinyin=True, exact=True, snippet=False),
        TextField("items", boost=2.0, pinyin=True),  # 信息项 names
        TextField("summary", boost=1.0),
        TextField("code", boost=1.0, ngram=False, snippet=False),  # 201/000002 → 201, 000002
    ),
    # The list page's facets, so the engine could filter and count them too (today the database does,
    # because only the database knows who may see what).
    keywords=("category", "provider", "share", "open", "grade", "status"),
    sortable=("updated",),
)
INTERNAL, PUBLIC = "catalog", "catalog_open"
# Callers filter the matches in the database, so they need all of them, and each hit costs the engine
# about 0.3 ms (stored document and highlighting): past this many, only the most relevant are kept.
MAX_MATCHES = MAX_LIMIT
WRITER_WAIT_SECONDS = 60.0  # a rebuild by hand waits for the worker's batch to finish, and vice versa
CHUNK = 500
EPOCH = date(1970, 1, 1)


def index_path(name: str) -> Path:
    return Path(settings.SEARCH_INDEX_ROOT) / name


# ---- documents ------------------------------------------------------------------------------------


def doc_for(resource: DataResource, items: Iterable[DataItem] | None = None) -> Doc:
    """The index document of a resource; ``items`` defaults to all its 信息项 (the open index passes fewer)."""
    category = resource.category.code
    names = [item.name for item in (resource.items.all() if items is None else items)]
    return Doc(
        id=str(resource.pk),
        text={"name": resource.name, "items": names, "summary": resource.summary, "code": resource.code},
        keywords={"category": sorted({category[:1], category[:3], category}),
                  "provider": str(resource.unit_id), "share": resource.sharing_type, "open": resource.open_type, "grade": resource.grade,
                  "status": resource.status},
        sort={"updated": (timezone.localdate(resource.updated_at) - EPOCH).days},
    )


@dataclass(frozen=True)
class _Index:
    name: str
    public: bool

    def resources(self) -> QuerySet[DataResource]:
        """What belongs in this index, with the 信息项 it shows prefetched as ``indexed_items``."""
        if self.public:
            # Open now or later: the caller checks the 开放日期, so the index need not follow the calendar.
            qs, items = opendata.open_resources(today=date.max), opendata.open_items()
        else:
            qs, items = DataResource.objects.all(), DataItem.objects.order_by("order", "id")
        return (qs.select_related("category").order_by("pk")
                .prefetch_related(Prefetch("items", queryset=items, to_attr="indexed_items")))

    def docs(self, qs: QuerySet[DataResource]) -> Iterator[Doc]:
        for resource in qs.iterator(chunk_size=CHUNK):
            yield doc_for(resource, resource.indexed_items)  # type: ignore[attr-defined]


INDEXES = (_Index(INTERNAL, public=False), _Index(PUBLIC, public=True))


# ---- reading --------------------------------------------------------------------------------------


@dataclass
class _Reader:
    path: Path
    opened: tuple[int, int]  # zt_schema.json (inode, mtime): another directory means another handle
    seen: tuple[int, int]  # meta.json: a commit since the last search means refresh now
    index: TantivyIndex | None  # None: unreadable (another schema) until the directory changes


_readers: dict[str, _Reader] = {}
_readers_lock = threading.Lock()


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_ino, st.st_mtime_ns


def reader(name: str) -> TantivyIndex | None:
    """This process's read-only handle on the named index, current with the last commit; None if missing."""
    path = index_path(name)
    try:
        opened, seen = _stamp(path / TantivyIndex.META_FILE), _stamp(path / "meta.json")
    except OSError:  # never built (and a reader must not create it), or being replaced right now
        return None
    outdated = False
    with _readers_lock:
        current = _readers.get(name)
        if current is None or current.path != path or current.opened != opened:
            try:
                index: TantivyIndex | None = TantivyIndex(CATALOG, path, writable=False)
            except SchemaMismatchError:  # an upgrade changed the schema or the analyzer
                index, outdated = None, True
            except (OSError, ValueError):
                logger.exception("无法打开检索索引 %s，使用普通匹配", path)
                index = None
            current = _readers[name] = _Reader(path, opened, seen, index)
        elif current.seen != seen:
            # tantivy's own reload also follows meta.json, but a moment later; a search right after an
            # edit should already see it.
            if current.index is not None:
                current.index.refresh()
            current.seen = seen
    if outdated:  # once per process and directory: the worker's rebuild replaces the directory
        logger.warning("检索索引 %s 由旧版本建立，已安排重建；重建完成前使用普通匹配", path)
        schedule_rebuild()
    return current.index


@dataclass(frozen=True)
class Matches:
    """Matching resource ids with their scores, best first."""

    scores: dict[int, float]
    corrected_query: str | None = None  # the hits are for this spelling (您是不是要找…)
    truncated: bool = False  # more matched than MAX_MATCHES; only the most relevant are here

    @property
    def ids(self) -> list[int]:
        return list(self.scores)

    def score(self) -> Case:
        """Each matching row's score as an annotation (0 for any other row), to order rows by relevance."""
        by_score: dict[float, list[int]] = {}
        for pk, score in self.scores.items():
            by_score.setdefault(score, []).append(pk)
        return Case(*(When(pk__in=pks, then=Value(score)) for score, pks in by_score.items()),
                    default=Value(0.0), output_field=FloatField())


def find(query: str, *, public: bool = False, literal: bool = False) -> Matches | None:
    """The resources matching ``query`` (every word must match), or None when the index cannot answer.

    ``public`` searches the open index. The engine's relaxed fallback (most words instead of all) is
    never used: a search for things that do not exist should find nothing. ``literal`` also refuses its
    spelling correction: the CKAN API searches for exactly what it was sent, as Solr would.
    """
    index = reader(PUBLIC if public else INTERNAL)
    if index is None:
        return None
    try:
        if index.count() == 0:  # built before any resource existed, or being rebuilt from scratch
            return None
        result = index.search(query, limit=MAX_MATCHES)
    except Exception:  # a damaged or half-replaced index must not take the page down with it
        logger.exception("检索索引查询失败，改用普通匹配")
        return None
    if result.relaxed or (literal and result.corrected_query):
        return Matches({})
    return Matches({int(hit.id): hit.score for hit in result.hits}, result.corrected_query,
                   truncated=result.total > len(result.hits))


# ---- writing (the task worker) ----------------------------------------------------------------------


def _acquire(path: Path) -> TantivyIndex:
    deadline = time.monotonic() + WRITER_WAIT_SECONDS
    while True:
        index = TantivyIndex(CATALOG, path, writable=True, rebuild_on_mismatch=True)
        try:
            index.index([])  # takes tantivy's writer lock now, not halfway through the work
            return index
        except ValueError as exc:  # LockBusy: another process is writing a batch
            if "LockBusy" not in str(exc) or time.monotonic() >= deadline:
                raise
        time.sleep(0.25)


@contextmanager
def _writing(name: str) -> Iterator[tuple[TantivyIndex, bool]]:
    """The index open for writing, and whether it must be filled from scratch; commits, releases the lock."""
    path = index_path(name)
    existed = (path / "meta.json").exists()
    index = _acquire(path)
    try:
        yield index, not existed or index.rebuilt
        index.commit()
        index.optimize()  # let the commit's merges finish, then drop the writer and its lock
    finally:
        index.close()  # after an error: roll back and release the lock


def _chunks(values: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _indexed_ids(index: TantivyIndex) -> set[str]:
    """Ids of the committed documents, paged through the blank query (which matches every document)."""
    ids: set[str] = set()
    offset = 0
    while offset <= MAX_OFFSET:  # beyond that, stale documents stay: harmless, callers re-check the database
        page = index.search("", offset=offset, limit=MAX_LIMIT)
        ids.update(hit.id for hit in page.hits)
        offset += len(page.hits)
        if not page.hits or offset >= page.total:
            break
    return ids


def _fill(index: TantivyIndex, target: _Index) -> int:
    """Every resource of the target, replacing what is there; readers keep the old state until the commit."""
    stale = _indexed_ids(index)
    count = 0
    batch: list[Doc] = []
    for doc in target.docs(target.resources()):
        batch.append(doc)
        if len(batch) >= CHUNK:
            count += index.index(batch)
            batch = []
        stale.discard(doc.id)
    count += index.index(batch)
    index.delete(stale)
    return count


def update(resource_ids: Iterable[int]) -> int:
    """Re-index these resources in both indexes; deleted ones, and ones no longer open, are dropped."""
    ids = sorted({int(pk) for pk in resource_ids})
    count = 0
    for target in INDEXES:
        with _writing(target.name) as (index, fresh):
            if fresh:  # the first change after installing or upgrading: everything, not just these
                count += _fill(index, target)
                continue
            for chunk in _chunks(ids, CHUNK):
                docs = list(target.docs(target.resources().filter(pk__in=chunk)))
                count += index.index(docs)
                present = {doc.id for doc in docs}
                index.delete(str(pk) for pk in chunk if str(pk) not in present)
    return count


def rebuild() -> dict[str, int]:
    """Both indexes from the database, in place: one commit each, so searches never see a half-built index."""
    counts: dict[str, int] = {}
    for target in INDEXES:
        with _writing(target.name) as (index, _fresh):
            counts[target.name] = _fill(index, target)
    return counts


# ---- keeping it current: one task per committed transaction -----------------------------------------


@dataclass
class _Pending:
    ids: set[int] = field(default_factory=set)
    rebuild: bool = False


_local = threading.local()


def _pending() -> _Pending:
    state: _Pending | None = getattr(_local, "pending", None)
    if state is None:
        state = _local.pending = _Pending()
    return state


def resources_changed(ids: Iterable[int]) -> None:
    """Re-index these resources after the current transaction commits (for writes that send no signal)."""
    _pending().ids.update(ids)
    # One callback per change, but the first to run takes everything noted so far, so a transaction
    # enqueues one task. A rolled-back savepoint drops its callback, not its ids: they go with the next
    # commit, which only re-reads them (the index follows the database, whatever the ids).
    transaction.on_commit(_flush)


def schedule_rebuild() -> None:
    """Rebuild both indexes after the current transaction commits (instead of any pending update)."""
    _pending().rebuild = True
    transaction.on_commit(_flush)


def _flush() -> None:
    state = _pending()
    rebuild_all, ids = state.rebuild, sorted(state.ids)
    state.rebuild, state.ids = False, set()
    if not (rebuild_all or ids):
        return
    from catalog import tasks

    try:
        if rebuild_all:
            tasks.rebuild_search_index.enqueue()
        else:
            tasks.update_search_index.enqueue(ids)
    except Exception:  # the data is committed; the daily rebuild catches up with what was missed
        logger.exception("检索索引更新任务未能放入队列（%s 条资源）", len(ids))


def _resource_written(sender: type[DataResource], instance: DataResource, **kwargs: Any) -> None:
    resources_changed([instance.pk])


def _item_written(sender: type[DataItem], instance: DataItem, **kwargs: Any) -> None:
    resources_changed([instance.resource_id])


def connect_signals() -> None:
    """Every save and delete of a resource or 信息项, whichever service or import made it (not bulk_create)."""
    for signal in (post_save, post_delete):
        signal.connect(_resource_written, sender=DataResource, dispatch_uid="catalog.search_index.resource")
        signal.connect(_item_written, sender=DataItem, dispatch_uid="catalog.search_index.item")


def load_demo() -> str:
    """The last step of ``load_demo``: the worker rebuilds the index over the demo catalog."""
    schedule_rebuild()
    return "已安排重建（由任务执行器完成，完成前检索使用普通匹配）"
