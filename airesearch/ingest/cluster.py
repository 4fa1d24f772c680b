"""The analysis of a build on a Dask cluster (`index --scheduler ADDRESS`):
the only module that imports dask. The files are read here, on the machine
that owns the corpus, and their bytes travel with the jobs (with the user's
gazetteer, as text), so workers need no shared file system and never read a
path; the results come back in file order and are written locally, as a
local build writes them. Dask retries the jobs of a worker that died.

A Dask cluster runs the code sent to it: its address should be reachable only
by the people allowed to use it (Dask's TLS settings apply to tls:// addresses).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from airesearch.errors import AiresearchError
from airesearch.ingest.corpus import PostFile, SkippedFile, read_bytes
from airesearch.ingest.pipeline import analyse_jobs, analysis_versions

CONNECT_SECONDS = 10  # to reach the scheduler
WORKER_SECONDS = 30  # for a first worker to join
# A task is a batch of files: per-task costs (scheduling, a round trip for the
# result) paid once per batch. Batches sent ahead per worker: enough to keep
# workers busy while the writer works, few enough to bound memory.
BATCH_BYTES = 1_000_000
BATCH_FILES = 64
IN_FLIGHT_PER_WORKER = 3


def connect(address: str):
    """A Dask client of the scheduler at address, whose workers run this
    airesearch and analysis; one-line errors otherwise (waiting at most
    CONNECT_SECONDS for the scheduler and WORKER_SECONDS for a worker)."""
    import logging

    from distributed import Client

    # distributed logs connection failures at length; the error below says it.
    logging.getLogger("distributed").setLevel(logging.CRITICAL)
    try:
        client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise AiresearchError(
            f"cannot reach the scheduler at {address}: {one_line(error)}"
        ) from None
    try:
        try:
            client.wait_for_workers(1, timeout=WORKER_SECONDS)
        except (TimeoutError, OSError):
            raise AiresearchError(
                f"the scheduler at {address} has no workers (waited {WORKER_SECONDS} s)"
            ) from None
        check_versions(client, address)
    except BaseException:
        client.close()
        raise
    return client


def check_versions(client, address: str) -> None:
    """Refuse workers whose airesearch or analysis differs from ours: their
    terms would disagree with the index's."""
    ours = analysis_versions()
    for worker, theirs in sorted(client.run(analysis_versions).items()):
        if theirs != ours:
            raise AiresearchError(
                f"worker {worker} of {address} runs {describe(theirs)},"
                f" this client {describe(ours)}; install the same version on both"
            )


def describe(versions: dict) -> str:
    return f"airesearch {versions['airesearch']} ({versions['analysis']})"


def one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def worker_count(client) -> int:
    return len(client.scheduler_info(n_workers=-1)["workers"])


def analyse_on_cluster(
    client, root: str, files: list[PostFile], entities_file=None, prepare=None
) -> Iterator:
    """(path, analysed post | skip reason) of each file, in file order, the
    analysis (and prepare of it, if given) done by the cluster's workers.
    Files go in batches of about BATCH_BYTES (one task and one round trip per
    batch, not per file), at most IN_FLIGHT_PER_WORKER batches per worker
    ahead of the writer."""
    gazetteer = None
    if entities_file:
        with open(entities_file, encoding="utf-8") as handle:
            gazetteer = handle.read()
    window = max(1, worker_count(client)) * IN_FLIGHT_PER_WORKER
    pending: deque = deque()  # batches: [(path, skip reason | None)], future
    queued = iter(files)

    def send_batch() -> bool:
        batch: list[tuple[str, str | None]] = []
        jobs = []
        size = 0
        for post_file in queued:
            try:
                data = read_bytes(root, post_file.path)
            except SkippedFile as reason:
                batch.append((post_file.path, str(reason)))
            else:
                batch.append((post_file.path, None))
                jobs.append((post_file.path, data, gazetteer))
                size += len(data)
            if size >= BATCH_BYTES or len(batch) >= BATCH_FILES:
                break
        if not batch:
            return False
        # pure=False: a changed file with the same name is new work.
        future = (
            client.submit(analyse_jobs, jobs, prepare, pure=False) if jobs else None
        )
        pending.append((batch, future))
        return True

    while len(pending) < window and send_batch():
        pass
    while pending:
        batch, future = pending.popleft()
        results = {}
        if future is not None:
            try:
                results = dict(future.result())
            except Exception as error:  # noqa: BLE001 - the job's own failure
                raise AiresearchError(
                    f"the cluster failed on {batch[0][0]}…: {one_line(error)}"
                ) from None
        send_batch()
        for rel, skipped in batch:
            yield rel, skipped if skipped is not None else results[rel]
