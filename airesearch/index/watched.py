"""What a running watcher (`airesearch watch`, index/watcher.py) says about
its corpus: the command's side of the conversation, asked before `find`.

The watcher listens on a Unix socket named after the index. Asked, it first
reads every notification the kernel has queued (inotify queues an event inside
the very system call that changes a file, so every change made before the
question is in the queue) and answers in one line: which index and corpus it
watches, whether it follows links, and two times. `complete_from`: every change
after this moment is in its record (later than the stamp: the watcher cannot
vouch for the index, as after a queue overflow, a remount or a start before
any update). `last_change`: when it last saw a post or folder change. A
command whose stamp (stamp.py) is at or after complete_from knows without a
walk that the corpus changed if and only if last_change is at or after the
stamp; in every other case (no watcher, a dead one, another corpus, a
different follow setting, a corpus folder that is no longer the one watched,
another user's socket) it gets None and does today's check.

os only until a socket file exists: a command without a watcher pays one stat.
"""

from __future__ import annotations

import os
import sys

# The longest path a Unix socket can have on Linux (sun_path is 108 bytes).
SOCKET_PATH_MAX = 107
FRESH_REQUEST = b"fresh\n"
STATUS_REQUEST = b"status\n"
ASK_TIMEOUT = 1.0  # seconds: a watcher slower than this is not waited for
NEVER = 1 << 62  # complete_from of a watcher that vouches for nothing


def socket_path(index_path: str) -> str:
    """Beside the index when the path fits a socket address; else in a
    folder of this user's under /tmp, named by a checksum of the index path
    (the answer names its index, so a collision is noticed)."""
    beside = index_path + ".watch"
    if len(os.fsencode(beside)) <= SOCKET_PATH_MAX:
        return beside
    import zlib

    digest = zlib.crc32(os.fsencode(index_path))
    return os.path.join(runtime_folder(), f"{digest:08x}.watch")


def runtime_folder() -> str:
    return f"/tmp/airesearch-{os.getuid()}"


def ask(index_path: str, request: bytes = FRESH_REQUEST) -> bytes | None:
    """The watcher's whole answer, or None: no socket, nobody listening, a
    socket of another user, or no answer within ASK_TIMEOUT."""
    path = socket_path(index_path)
    try:
        os.stat(path)
    except OSError:
        return None  # the usual case without a watcher: no import, no connect
    import _socket

    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        sock.settimeout(ASK_TIMEOUT)
        sock.connect(path)
        # struct ucred {pid, uid, gid}: only this user's watcher is believed.
        credentials = sock.getsockopt(_socket.SOL_SOCKET, _socket.SO_PEERCRED, 12)
        if int.from_bytes(credentials[4:8], sys.byteorder) != os.getuid():
            return None
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError:  # refused (a dead watcher's socket), timed out, reset
        return None
    finally:
        sock.close()


def fresh_line(
    index_path: str, corpus: str, corpus_id: tuple[int, int], follow: bool,
    complete_from: int, last_change: int,
) -> bytes:  # fmt: skip
    """The watcher's answer to FRESH_REQUEST (fields apart by NUL: no path
    holds one)."""
    fields = (
        index_path, corpus, str(corpus_id[0]), str(corpus_id[1]),
        "1" if follow else "0", str(complete_from), str(last_change),
    )  # fmt: skip
    return os.fsencode("\0".join(fields)) + b"\n"


def corpus_changed(
    index_path: str, corpus: str, follow: bool, stamp_ns: int
) -> bool | None:
    """Whether a post or folder of corpus changed after stamp_ns, as the
    watcher of index_path knows it; None when no watcher can say."""
    reply = ask(index_path)
    if not reply:
        return None
    try:
        index, root, device, inode, follows, complete_from, last_change = os.fsdecode(
            reply.rstrip(b"\n")
        ).split("\0")
        complete_from_ns, last_change_ns = int(complete_from), int(last_change)
        watched_id = (int(device), int(inode))
    except ValueError:
        return None
    if (index, root, follows) != (index_path, corpus, "1" if follow else "0"):
        return None
    try:
        info = os.stat(corpus)
    except OSError:
        return None
    if (info.st_dev, info.st_ino) != watched_id:
        return None  # moved, replaced or remounted since the watcher began
    if complete_from_ns > stamp_ns:
        return None
    return last_change_ns >= stamp_ns
