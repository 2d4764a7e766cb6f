"""The per-file stage of a run: cached results first, then the prefilter, and only the files that
can match are parsed, serially or in a process pool.

The main process reads each file once, looks its content hash up in the cache (`cache`), and runs
the keyword prefilter; files no rule can match are finished right there (a few text facts, no
parse). The rest is parse work. A pool only pays when there is enough of it (a fork pool starts
in ~6 ms, parsing 0.5 MB with libcst takes about as long as reading a large tree), so the files
are queued until `POOL_MIN_BYTES` of them have passed the prefilter (or two, when more than
`EARLY_POOL_FILES` files are still to be read); the pool then starts and parses them while the
main process goes on reading. Below the threshold, with `--jobs 1`,
`--debug`, or when the pool cannot start or breaks, the queue is parsed serially.

Workers get the bytes already read (so the cache key always matches what was parsed), return
plain frozen `FileResult`s, write their own cache entries, and keep no tree between files.

A large tree (`SHARD_MIN_FILES` files left after the cache manifest, or `SHARD_MIN_BYTES` in at
least `SHARD_SMALL_FILES` files) is *sharded* instead: on a tree where a few percent of the
files pass the prefilter, reading, hashing and prefiltering them all in the main process is the
longest part of the run, and the workers idled; on one where most pass, the main process's
reading and prefiltering took CPU from the two workers, and sending every text to a worker cost
more again (measured on 300 files that all pass: 1.62x plain libcst parsing, sharded 1.30x).
The pool then gets the file paths in tasks of at most `SHARD_FILES`, smaller towards the end so
that no worker idles while the other finishes a long last task, and each worker does for its
files exactly what the main process does otherwise (`_Scheduler.add`, serially); it returns
the results, its counters and the cache manifest records, which only the main process writes.

Built-in rules may be stand-ins (`lazy_rules`) until they run: the rules of a file's kind are
resolved just before the first file of that kind is analysed (so the engine and the text
fallback see the real classes), and every rule before workers fork (so each worker does not
import the rule modules again).
"""
from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Sequence

from kzai_lint import engine
from kzai_lint import facts as repo_facts

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor  # imported with the first pool

    from kzai_lint.discovery import DiscoveredFile

__all__ = ["POOL_MIN_BYTES", "auto_jobs", "scan_files"]

POOL_MIN_BYTES = 512 * 1024
"""Bytes of prefilter-passing files above which a process pool is started (tests set it to 0)."""
EARLY_POOL_FILES = 1000
"""Files still to be read above which the pool starts with the second file to parse, not after
`POOL_MIN_BYTES`: a large tree will find more, and the second CPU would idle meanwhile."""
_FORKS = hasattr(os, "fork")
WARM_UP_BYTES = 64 * 1024
"""Largest file scanned in the main process before the pool forks (`_Scheduler._warm_up`)."""
IN_FLIGHT_PER_WORKER = 16
"""Files handed to the pool ahead of the workers, per worker: bounds the text held in memory."""
SHARD_MIN_FILES = 500
"""Files left to read (after the cache manifest) from which the workers read and prefilter them
too (`_Scheduler.sharded`), not only parse: reading, hashing and the prefilter of a large tree
in the main process alone take longer than parsing the few files that pass."""
SHARD_MIN_BYTES = 512 * 1024
"""Bytes to read from which a tree of at least `SHARD_SMALL_FILES` files is sharded too."""
SHARD_SMALL_FILES = 32
"""Fewest files sharded for their size: a pre-commit run of a few large files stays serial."""
SHARD_FILES = 48
"""Largest task in sharded mode: large enough that a task costs far more than its message."""
SHARD_LAST_FILES = 4
"""Smallest task in sharded mode: the last tasks shrink to this (`_shards`)."""

Read = tuple[str | None, bytes | None, Any]


@dataclass(frozen=True)
class _Job:
    """A file queued for a worker, with what the parent already read and decided about it."""

    index: int
    file: "DiscoveredFile"
    read: Read
    key: str | None
    fires: bool
    size: int
    sig: Any = None  # the file's stat signature when it was read (the cache manifest's key)


def scan_files(files: Sequence["DiscoveredFile"], plan: "engine.ScanPlan", jobs: int) -> list["engine.FileResult"]:
    """Results in the order of `files`; counters in `plan.stats`."""
    from kzai_lint.sources import parser_nodes

    with parser_nodes.session():  # libcst's node constructors replaced once, not per file
        scheduler = _Scheduler(plan, jobs, len(files))
        stats = scheduler.from_manifest(files)
        todo = [(index, file, stats.get(index, _NOT_STATTED)) for index, file in enumerate(files) if scheduler.results[index] is None]
        if not scheduler.sharded(todo):
            for index, file, info in todo:
                scheduler.add(index, file, info)
        return scheduler.finish()


_NOT_STATTED: Any = object()
COUNTERS = ("files", "cached", "prefiltered", "passed", "parsed", "parsed_bytes", "facts_only", "workers")
"""`plan.stats`: files, served from the cache, prefiltered, passed the prefilter, parsed (and
their bytes), read for repository facts only (no rule reads them), pool workers."""


class _Scheduler:
    def __init__(self, plan: "engine.ScanPlan", jobs: int, total: int, *, worker: bool = False) -> None:
        """`worker`: the scheduler of a sharded task in a pool worker (`_work_shard`): its own
        counters, no progress output, manifest records kept for the main process."""
        self.plan = plan
        self.progress = None if worker else plan.progress
        self.jobs = jobs
        self.total = total
        self.results: list[engine.FileResult | None] = [None] * total
        self.done = 0
        self.queued: list[_Job] = []
        self.queued_bytes = 0
        self.pool: ProcessPoolExecutor | None = None
        self.in_flight: dict[Future[engine.FileResult], _Job] = {}
        self.serial = jobs <= 1 or plan.debug
        self.resolved: set[Any] = set()
        self.stats: dict[str, int] = {} if worker else plan.stats
        for name in COUNTERS:
            self.stats[name] = 0
        self.stats["files"] = total
        #: manifest records made in a worker (`_work_shard`), sent to the main process
        self.remembered: list[tuple[str, Any, str, Any]] | None = [] if worker else None

    # ---- per file, in the main process ----------------------------------------------------
    def from_manifest(self, files: Sequence["DiscoveredFile"]) -> dict[int, os.stat_result | None]:
        """Finish every file the cache manifest knows unchanged (by its `stat`: not opened), in
        one tight loop; returns the `stat` of the others, which `add` then reads and hashes."""
        plan, cache = self.plan, self.plan.cache
        if cache is None:
            return {}
        from kzai_lint.cache_manifest import signature

        infos: dict[int, os.stat_result | None] = {}
        results, progress, buffers = self.results, plan.progress, plan.buffers
        hits = 0
        for index, file in enumerate(files):
            if file.relpath in buffers:
                continue
            try:
                info = os.stat(file.abspath)
            except (OSError, ValueError):
                infos[index] = None
                continue
            hit = cache.lookup(file, signature(info))
            if hit is None:
                infos[index] = info
                continue
            results[index] = hit
            hits += 1
            self.done += 1
            if progress is not None:
                progress(self.done, self.total)
        self.stats["cached"] += hits
        return infos

    def add(self, index: int, file: "DiscoveredFile", info: Any = _NOT_STATTED) -> None:
        plan = self.plan
        if file.relpath in plan.buffers:  # editor buffers: never cached, read by the engine
            self._resolve(file.kind)
            self._finished(index, engine.scan_file(file, plan), None)
            return
        key = sig = raw = None
        if plan.cache is not None:
            if info is _NOT_STATTED:
                try:
                    info = os.stat(file.abspath)
                except (OSError, ValueError):
                    info = None
            if info is not None:
                from kzai_lint.cache_manifest import signature

                sig = signature(info)
                hit = plan.cache.lookup(file, sig)  # untouched since hashed: not even opened
                if hit is not None:
                    self.stats["cached"] += 1
                    self._finished(index, hit, None)
                    return
                raw = _raw_bytes(file, plan.settings, info)
            if raw is not None:
                key = plan.cache.key(file, raw)  # hashed before decoding: a hit never decodes
                hit = plan.cache.get(key)
                if hit is not None and hit.path == file.relpath:
                    self.stats["cached"] += 1
                    self._remember(file, sig, key, hit)
                    self._finished(index, hit, None)
                    return
        read = engine.read_text(file, plan.settings)
        text, data, error = read
        if key is not None and (error is not None or data != raw):
            key = None  # changed since it was hashed, or not readable: scanned, not stored
        fires = error is None and text is not None and engine.may_fire(file, plan, text)
        if error is None:
            self.stats["prefiltered"] += 1
            self.stats["passed"] += fires
        if fires:
            self._resolve(file.kind)
        if error is None and (fires or repo_facts.needs_facts(file.kind, file.relpath)):
            self._queue(_Job(index, file, read, key, fires, len(data or b""), sig))
        else:
            self._finished(index, engine.scan_file(file, plan, read=read, fires=False), key, file, sig)

    def _remember(self, file: "DiscoveredFile", sig: Any, key: str, result: "engine.FileResult", packed: Any = None) -> None:
        """Record a hashed result in the cache manifest (in a worker: for the main process)."""
        assert self.plan.cache is not None
        if self.remembered is None:
            self.plan.cache.remember(file, sig, key, result, packed)
            return
        if sig is not None:
            from kzai_lint.cache import pack_result

            packed = pack_result(result) if packed is None else packed
            if packed is not None:
                self.remembered.append((file.relpath, sig, key, packed))

    def _resolve(self, kind: Any) -> None:
        """Real rule objects for `kind` from here on (their modules are imported now)."""
        if kind not in self.resolved:
            self.resolved.add(kind)
            from kzai_lint import lazy_rules

            lazy_rules.resolve_all(self.plan.rules, [kind])

    def _queue(self, job: _Job) -> None:
        if job.fires:
            self.stats["parsed"] += 1
            self.stats["parsed_bytes"] += job.size
        else:
            self.stats["facts_only"] += 1
        if self.pool is not None:
            self._submit(job)
            return
        self.queued.append(job)
        self.queued_bytes += job.size
        large = self.total - job.index - 1 >= EARLY_POOL_FILES
        if not self.serial and len(self.queued) >= 2 and (self.queued_bytes >= POOL_MIN_BYTES or large):
            self._start_pool()

    # ---- sharded: the workers read and prefilter too -------------------------------------------
    def sharded(self, todo: list[tuple[int, "DiscoveredFile", Any]]) -> bool:
        """Scan `todo` in a fork pool, `SHARD_FILES` files per task, each worker doing what `add`
        does in the main process (cache key, read, prefilter, scan); False (nothing done) when
        the input is small, serial was asked for, there are editor buffers, or no fork pool
        starts. Rule modules and libcst are imported by the workers that need them."""
        if self.serial or not _large(todo) or self.plan.buffers or not _FORKS:
            return False
        self._warm_prefilters({file.kind for _, file, _ in todo})
        try:
            self.pool = _new_pool(self.plan, self.jobs, preload=False)
        except (OSError, ValueError, RuntimeError, ImportError, NotImplementedError):
            return False
        self.stats["workers"] = self.jobs
        shards = _shards(todo, self.jobs)
        from concurrent.futures import as_completed

        from kzai_lint import startup_index

        futures = {}
        try:
            for shard in shards:
                futures[self.pool.submit(_work_shard, shard)] = shard
            for future in as_completed(futures):
                done, remembered, counters, sections = future.result()
                self._merge(done, remembered, counters)
                startup_index.adopt(sections)
                del futures[future]
        except Exception:  # noqa: BLE001 - a worker died or a result did not pickle: finish here
            _discard(self.pool)
            self.pool = None
            self.serial = True
            for shard in futures.values():
                for index, file, info in shard:
                    if self.results[index] is None:
                        self.add(index, file, info)
        return True

    def _warm_prefilters(self, kinds: set[Any]) -> None:
        """Build each kind's prefilter and its first keyword pass here, before forking: every
        worker needs them for its first file, and would otherwise build them for itself."""
        if not self.plan.use_prefilter:
            return
        for kind in kinds:
            if self.plan.file_rules(kind):
                prefilter = self.plan.prefilter(kind)
                if prefilter is not None:
                    prefilter.may_match("")

    def _merge(self, done: list[tuple[int, "engine.FileResult"]], remembered: list[tuple[str, Any, str, Any]], counters: dict[str, int]) -> None:
        for index, result in done:
            self.results[index] = result
            self.done += 1
            if self.progress is not None:
                self.progress(self.done, self.total)
        if self.plan.cache is not None:
            for relpath, sig, key, packed in remembered:
                self.plan.cache.manifest.remember(relpath, sig, key, packed)
        for name, value in counters.items():
            if name not in ("files", "workers"):
                self.stats[name] += value

    # ---- the pool ---------------------------------------------------------------------------
    def _start_pool(self) -> None:
        self._warm_up()
        try:
            self.pool = _new_pool(self.plan, self.jobs)
        except (OSError, ValueError, RuntimeError, ImportError, NotImplementedError):
            self.serial = True  # e.g. no /dev/shm, a process limit, no fork: parse here
            return
        self.stats["workers"] = self.jobs
        queued, self.queued, self.queued_bytes = self.queued, [], 0
        for job in queued:
            self._submit(job)

    def _warm_up(self) -> None:
        """Scan one small queued file here, before forking: what every worker would otherwise
        do once for itself (compile the rules' regexes and keyword gates, fill the catalogue's
        look-up tables, import what parsing needs) is then done once and inherited."""
        if not _FORKS:
            return
        small = next((job for job in self.queued if job.size <= WARM_UP_BYTES), None)
        if small is None:
            return
        self.queued.remove(small)
        self.queued_bytes -= small.size
        result = engine.scan_file(small.file, self.plan, read=small.read, fires=small.fires)
        self._finished(small.index, result, small.key, small.file, small.sig)

    def _submit(self, job: _Job) -> None:
        assert self.pool is not None
        try:
            future = self.pool.submit(_work, job.file, job.read, job.key, job.fires)
        except Exception:  # noqa: BLE001 - a broken pool: the rest is parsed serially
            self.queued.append(job)
            self._abandon_pool()
            return
        self.in_flight[future] = job
        if len(self.in_flight) >= IN_FLIGHT_PER_WORKER * self.jobs:
            from concurrent.futures import FIRST_COMPLETED, wait

            finished, _ = wait(list(self.in_flight), return_when=FIRST_COMPLETED)
            self._collect(finished)

    def _collect(self, futures: Any) -> None:
        for future in futures:
            job = self.in_flight.pop(future)
            try:
                result = future.result()
            except Exception:  # noqa: BLE001 - a worker died or a result did not pickle
                self.queued.append(job)
                continue
            if job.key is not None and self.plan.cache is not None:
                self._remember(job.file, job.sig, job.key, result)  # the worker stored it
            self._finished(job.index, result, None)

    def _abandon_pool(self) -> None:
        if self.pool is not None:
            self._collect(list(self.in_flight))
            _discard(self.pool)
            self.pool = None
        self.serial = True

    # ---- the end ------------------------------------------------------------------------------
    def finish_local(self) -> list["engine.FileResult"]:
        """`finish` in a worker of a sharded run: serial, and the manifest is the main process's."""
        self._scan_queued()
        return self.results  # type: ignore[return-value]

    def _scan_queued(self) -> None:
        for job in self.queued:  # serial: small inputs, --jobs 1, a pool that failed, a shard
            result = engine.scan_file(job.file, self.plan, read=job.read, fires=job.fires)
            self._finished(job.index, result, job.key, job.file, job.sig)
        self.queued = []

    def finish(self) -> list["engine.FileResult"]:
        if self.pool is not None:
            from concurrent.futures import wait

            self._collect(wait(list(self.in_flight)).done)
            self.pool.shutdown(wait=True)
            self.pool = None
        self._scan_queued()
        if self.plan.cache is not None:
            self.plan.cache.finish()
        assert all(r is not None for r in self.results)
        return self.results  # type: ignore[return-value]

    def _finished(self, index: int, result: "engine.FileResult", key: str | None, file: "DiscoveredFile | None" = None, sig: Any = None) -> None:
        self.results[index] = result
        if key is not None and self.plan.cache is not None:
            packed = self.plan.cache.put(key, result)
            if packed is not None and file is not None:
                self._remember(file, sig, key, result, packed)
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)


def _raw_bytes(file: "DiscoveredFile", settings: Any, info: os.stat_result) -> bytes | None:
    """The bytes `engine.read_text` reads (the cache key), without decoding them; None when it
    would not read the file (not a regular file, over its size limit, unreadable). `info` is
    the file's `os.stat`."""
    from kzai_lint.limits import DATA_HEAD_BYTES, Limits

    limit, _ = Limits.of(settings).read_limit(file.kind)
    try:
        if not stat.S_ISREG(info.st_mode) or (limit is not None and info.st_size > limit):
            return None
        with open(file.abspath, "rb") as fh:
            return fh.read(DATA_HEAD_BYTES if limit is None else limit + 1)
    except OSError:
        return None


# ---------------------------------------------------------------------------------------------
# Workers
# ---------------------------------------------------------------------------------------------

_PLAN: "engine.ScanPlan | None" = None


def _discard(pool: ProcessPoolExecutor) -> None:
    """Give up a pool whose worker died or whose result did not pickle, and stop its workers.

    Not `shutdown(wait=True)`: joining the manager of a broken pool can hang for good. And not
    `shutdown(wait=False)` alone: on CPython before 3.14 its manager thread may then try to
    replace the dead worker and stall, leaving idle workers that the interpreter joins at exit,
    forever (python/cpython#132969). So the workers are stopped here.
    """
    workers = list((getattr(pool, "_processes", None) or {}).values())
    for worker in workers:
        if worker.is_alive():
            worker.terminate()
    for worker in workers:
        worker.join(timeout=5)
    pool.shutdown(wait=False, cancel_futures=True)


def _new_pool(plan: "engine.ScanPlan", jobs: int, *, preload: bool = True) -> ProcessPoolExecutor:
    """A fork pool that inherits the plan and the loaded parser (`preload`: the workers will
    parse, so the rule modules and libcst are imported once here); spawn where fork is missing."""
    global _PLAN
    from kzai_lint import lazy_rules

    if preload:
        lazy_rules.resolve_all(plan.rules)  # imported once here, not in every worker
        _preload()
    for stream in (sys.stdout, sys.stderr):  # a forked child must not repeat buffered output
        try:
            stream.flush()
        except (AttributeError, ValueError, OSError):
            pass
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if "fork" in multiprocessing.get_all_start_methods():
        _PLAN = plan
        return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"))
    worker_plan = replace(plan, progress=None)
    return ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(worker_plan,))


def _preload() -> None:
    """Import the parser before forking, so no worker pays for it (libcst: ~0.2 s each)."""
    from kzai_lint import lazy_import

    lazy_import.load("libcst")
    import libcst.metadata  # noqa: F401 - positions for files with findings
    import kzai_lint.sources.python  # noqa: F401
    import kzai_lint.suppression_report  # noqa: F401
    from kzai_lint.sources import parser_nodes

    parser_nodes.constructors()  # made once here, not in every worker


def _init_worker(plan: "engine.ScanPlan") -> None:
    """Spawned workers only scan: the collector thresholds of a scan and a parse session for
    their whole life (forked workers inherit both from the scanning parent)."""
    from kzai_lint import gc_tuning
    from kzai_lint.sources import parser_nodes

    global _PLAN
    _PLAN = plan
    gc_tuning.raise_thresholds()
    parser_nodes.session_for_life()


def _work(file: "DiscoveredFile", read: Read, key: str | None, fires: bool) -> "engine.FileResult":
    assert _PLAN is not None
    result = engine.scan_file(file, _PLAN, read=read, fires=fires)
    if key is not None and _PLAN.cache is not None:
        _PLAN.cache.put(key, result)
    return result


def _large(todo: Sequence[tuple[int, "DiscoveredFile", Any]]) -> bool:
    """Whether `todo` is sharded: `SHARD_MIN_FILES` files, or `SHARD_MIN_BYTES` in at least
    `SHARD_SMALL_FILES` (sizes from the cache manifest's `stat`, else a `stat` here: ~3 us a file)."""
    if len(todo) >= max(SHARD_MIN_FILES, 1):
        return True
    if len(todo) < max(SHARD_SMALL_FILES, 1):
        return False
    total = 0
    for _, file, info in todo:
        if info is _NOT_STATTED:
            try:
                info = os.stat(file.abspath)
            except (OSError, ValueError):
                continue
        if info is not None:
            total += info.st_size
            if total >= SHARD_MIN_BYTES:
                return True
    return False


def _shards(todo: list[tuple[int, "DiscoveredFile", Any]], jobs: int) -> list[list[tuple[int, "DiscoveredFile", Any]]]:
    """`todo` in tasks for `jobs` workers: a quarter of a worker's share of what is left, between
    `SHARD_LAST_FILES` and `SHARD_FILES` files (guided scheduling: big tasks first, small last)."""
    shards, start = [], 0
    while start < len(todo):
        size = min(SHARD_FILES, max(SHARD_LAST_FILES, (len(todo) - start) // (4 * max(jobs, 1)), 1))
        shards.append(todo[start : start + size])
        start += size
    return shards


def _work_shard(shard: list[tuple[int, "DiscoveredFile", Any]]) -> tuple[list[tuple[int, "engine.FileResult"]], list[tuple[str, Any, str, Any]], dict[str, int], dict[str, bytes]]:
    """A worker's part of a sharded run: the main process's `add` for each file, serially here;
    returns the results by index, the cache manifest records, the counters and the startup
    index sections it computed (the main process writes them)."""
    from kzai_lint import startup_index

    assert _PLAN is not None
    before = startup_index.pending()
    local = _Scheduler(_PLAN, 1, len(shard), worker=True)
    for position, (_, file, info) in enumerate(shard):
        local.add(position, file, info)
    results = local.finish_local()
    done = [(index, results[position]) for position, (index, _, _) in enumerate(shard)]
    return done, local.remembered or [], local.stats, startup_index.new_sections(before)


def auto_jobs(settings: Any) -> int:
    """`--jobs` when not given: `jobs` from the config, else the CPUs this process may use."""
    configured = getattr(settings, "raw", {}).get("jobs")
    if isinstance(configured, int) and not isinstance(configured, bool) and configured > 0:
        return configured
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1
