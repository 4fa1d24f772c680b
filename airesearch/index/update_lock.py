"""One update of an index at a time: the others wait for it and then find
nothing left to do, instead of analysing the same files again.

The lock is the operating system's (flock on INDEX.lock), so a process that
dies, even by `kill -9`, releases it and no stale lock can block anyone; the
file holds the holder's process id for the messages. Readers never take it:
they read the last committed generation.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from airesearch.errors import AiresearchError

WAIT_SECONDS = 600.0  # the most a command waits for another update
POLL_SECONDS = 0.05


def lock_path(index_path: str) -> str:
    return index_path + ".lock"


@contextmanager
def update_lock(
    index_path: str,
    on_wait: Callable[[str], None] | None = None,
    wait_seconds: float | None = None,
) -> Iterator[bool]:
    """Hold the index's update lock; yields whether another update had it
    first (then the caller's view of the index is that update's). on_wait
    (holder's pid) is called once when waiting starts. Waiting longer than
    wait_seconds (default WAIT_SECONDS) is an error naming the holder."""
    limit = WAIT_SECONDS if wait_seconds is None else wait_seconds
    import fcntl

    os.makedirs(os.path.dirname(index_path) or ".", exist_ok=True)
    try:
        handle = os.open(lock_path(index_path), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise AiresearchError(
            f"cannot lock index {index_path} for an update: {error.strerror}"
        ) from None
    try:
        waited = False
        deadline = 0.0
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = holder_of(handle)
                if not waited:
                    waited = True
                    deadline = time.monotonic() + limit
                    if on_wait:
                        on_wait(holder)
                elif time.monotonic() > deadline:
                    raise AiresearchError(
                        f"another update of {index_path} (process {holder}) has"
                        f" not finished after {limit:g} s; try again later"
                        f" or stop that process"
                    ) from None
                time.sleep(POLL_SECONDS)
        os.ftruncate(handle, 0)
        os.pwrite(handle, f"{os.getpid()}\n".encode(), 0)
        yield waited
    finally:
        os.close(handle)  # and with it the lock


def holder_of(handle: int) -> str:
    """The process id the lock file names ("?" if it names none yet)."""
    try:
        return os.pread(handle, 32, 0).decode().strip() or "?"
    except OSError:
        return "?"
