"""Linux inotify(7) through ctypes: add and remove watches, read the queue.

Not watchdog: it drops the kernel's queue-overflow event without a word
(gorakhargosh/watchdog#654, open), and it hands events over on its own thread
after a delay that pairs moves, so a watcher built on it cannot say that every
change made before a question has been counted; both are what a freshness
check must know (watcher.py).
"""

from __future__ import annotations

import ctypes
import errno
import os
import struct

from airesearch.errors import AiresearchError

# inotify(7)
IN_MODIFY, IN_ATTRIB, IN_MOVED_FROM, IN_MOVED_TO = 0x2, 0x4, 0x40, 0x80
IN_CREATE, IN_DELETE, IN_DELETE_SELF, IN_MOVE_SELF = 0x100, 0x200, 0x400, 0x800
IN_UNMOUNT, IN_Q_OVERFLOW, IN_IGNORED = 0x2000, 0x4000, 0x8000
IN_ONLYDIR, IN_DONT_FOLLOW, IN_EXCL_UNLINK = 0x01000000, 0x02000000, 0x04000000
IN_ISDIR = 0x40000000
IN_NONBLOCK, IN_CLOEXEC = os.O_NONBLOCK, os.O_CLOEXEC
FOLDER_EVENTS = (
    IN_MODIFY | IN_ATTRIB | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE
    | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_EXCL_UNLINK
)  # fmt: skip
FILE_EVENTS = IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF
ARRIVED = IN_CREATE | IN_MOVED_TO
LEFT = IN_DELETE_SELF | IN_MOVE_SELF
EVENT_HEADER = struct.Struct("iIII")  # wd, mask, cookie, length of the name
READ_SIZE = 1 << 16


class WatchLimit(AiresearchError):
    """The kernel's limit of inotify watches (or instances) is reached."""


class Inotify:
    """One inotify instance: add and remove watches, read what is queued."""

    def __init__(self) -> None:
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            init, self.add_watch = libc.inotify_init1, libc.inotify_add_watch
            self.rm_watch = libc.inotify_rm_watch
        except (OSError, AttributeError):
            raise AiresearchError(
                "watch needs Linux's inotify, which this system lacks; commands"
                " check the corpus with find instead"
            ) from None
        self.add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
        self.fd = init(IN_NONBLOCK | IN_CLOEXEC)
        if self.fd < 0:
            code = ctypes.get_errno()
            if code == errno.EMFILE:
                raise WatchLimit(
                    "the kernel's limit of inotify instances"
                    f" (fs.inotify.max_user_instances = {limit('instances')}) is"
                    " reached; commands keep checking the corpus with find"
                )
            raise AiresearchError(f"cannot start inotify: {os.strerror(code)}")

    def add(self, path: str, mask: int) -> int | None:
        """The watch descriptor of path; None if path is gone or unreadable
        (its parent's events tell of it)."""
        wd = self.add_watch(self.fd, os.fsencode(path), mask)
        if wd >= 0:
            return wd
        code = ctypes.get_errno()
        if code == errno.ENOSPC:
            raise WatchLimit(
                f"the kernel's limit of inotify watches (fs.inotify.max_user_watches"
                f" = {limit('watches')}) is reached at {path}; commands keep checking"
                " the corpus with find (raise it: sysctl fs.inotify.max_user_watches=N)"
            )
        return None

    def remove(self, wd: int) -> None:
        self.rm_watch(self.fd, wd)

    def read(self) -> list[tuple[int, int, str]]:
        """Every event queued now: (wd, mask, name)."""
        events = []
        while True:
            try:
                data = os.read(self.fd, READ_SIZE)
            except BlockingIOError:
                return events
            events += parse_events(data)

    def close(self) -> None:
        os.close(self.fd)


def parse_events(data: bytes) -> list[tuple[int, int, str]]:
    """inotify's struct inotify_event records, one after another."""
    events, offset = [], 0
    while offset + EVENT_HEADER.size <= len(data):
        wd, mask, _, length = EVENT_HEADER.unpack_from(data, offset)
        offset += EVENT_HEADER.size
        name = data[offset : offset + length].rstrip(b"\0")
        offset += length
        events.append((wd, mask, os.fsdecode(name)))
    return events


def limit(kind: str) -> str:
    try:
        with open(f"/proc/sys/fs/inotify/max_user_{kind}") as handle:
            return handle.read().strip()
    except OSError:
        return "?"
