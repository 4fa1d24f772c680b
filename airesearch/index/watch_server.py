"""`airesearch watch` running: the socket commands ask (watched.py is their
side), the poll loop that hears the kernel, the questions and the signals,
and --update's child process that brings the index up to date after a burst.
One thread; at rest it sleeps in poll.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import time
from collections.abc import Callable

from airesearch.errors import AiresearchError
from airesearch.index import watched
from airesearch.index.inotify import READ_SIZE
from airesearch.index.watcher import Watcher, iso

QUIET_SECONDS = 1.0  # --update: a burst is over after this long without events
MOST_WAIT_SECONDS = 30.0  # --update: the longest a burst delays an update
RETRY_SECONDS = 30.0  # --update: after a failed update


class Updates:
    """--update: the index brought up to date shortly after a burst of
    changes, by a child process (start() gives a Popen whose stdout is a
    pipe: its end is the child's end). None: only watch."""

    def __init__(self, start: Callable | None, quiet: float = QUIET_SECONDS):
        self.start, self.quiet = start, quiet
        self.running = None
        self.count = 0
        self.last: str | None = None
        self.error: str | None = None
        self.retry_at = 0.0  # monotonic seconds
        self.burst_began = 0.0
        self.heard = 0  # the watcher's last_event when the last update began

    def seconds_to_next(self, watcher: Watcher) -> float | None:
        """How long until an update is due (0: now), None: none due."""
        if self.start is None or self.running is not None:
            return None
        if (
            watcher.changed_since_update() is False
            # Nothing heard since an update that succeeded: were it still
            # "changed" (a change heard within the stamp's margin, a stamp
            # that could not be written), another would change nothing.
            or (not self.error and self.count and watcher.last_event == self.heard)
        ):
            self.burst_began = 0.0
            return None
        now = time.monotonic()
        if not self.burst_began:
            self.burst_began = now
        quiet_at = watcher.last_event / 1e9 + self.quiet
        due = min(max(quiet_at, now), self.burst_began + MOST_WAIT_SECONDS)
        return max(due, self.retry_at) - now

    def begin(self, watcher: Watcher) -> int | None:
        """Start an update; the pipe whose end tells that it ended (None: it
        could not start, tried again later)."""
        self.burst_began = 0.0
        self.heard = watcher.last_event
        try:
            self.running = self.start()
        except OSError as error:
            self.error = f"the update could not start: {error.strerror}"
            self.retry_at = time.monotonic() + RETRY_SECONDS
            watcher.log(f"{self.error}; trying again in {RETRY_SECONDS:g} s")
            return None
        return self.running.stdout.fileno()

    def finished(self, log) -> None:
        code = self.running.wait()
        self.running.stdout.close()
        self.running = None
        self.count += 1
        self.last = iso(time.time_ns())
        if code == 0:
            self.error, self.retry_at = None, 0.0
        else:
            self.error = f"the update ended with exit code {code}"
            self.retry_at = time.monotonic() + RETRY_SECONDS
            log(f"{self.error}; trying again in {RETRY_SECONDS:g} s")

    def stop(self) -> None:
        """Stop an update under way (the index keeps its last committed state)."""
        if self.running is None:
            return
        self.running.terminate()
        try:
            self.running.wait(10)
        except subprocess.TimeoutExpired:
            self.running.kill()
            self.running.wait()
        self.running = None


class Server:
    """The watcher's socket, bound only while one watcher of the index runs
    (a lock beside the index says which)."""

    def __init__(self, index_path: str):
        import fcntl

        self.path = watched.socket_path(index_path)
        folder = os.path.dirname(self.path)
        if folder == watched.runtime_folder():
            os.makedirs(folder, mode=0o700, exist_ok=True)
            info = os.stat(folder)
            if info.st_uid != os.getuid() or info.st_mode & 0o077:
                raise AiresearchError(
                    f"{folder} is not private to this user; remove it or choose"
                    " a shorter --index path"
                )
        os.makedirs(os.path.dirname(index_path), exist_ok=True)
        self.lock = os.open(index_path + ".watching", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(self.lock, 32, 0).decode(errors="replace").strip()
            os.close(self.lock)
            raise AiresearchError(
                f"a watcher of this index is already running (process {holder or '?'})"
            ) from None
        os.ftruncate(self.lock, 0)
        os.pwrite(self.lock, f"{os.getpid()}\n".encode(), 0)
        self.socket = None

    def listen(self) -> None:
        """Bind the socket: from now on commands ask this watcher."""
        try:
            os.unlink(self.path)  # a dead watcher's
        except FileNotFoundError:
            pass
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.socket.bind(self.path)
        os.chmod(self.path, 0o600)
        self.socket.listen(64)
        self.socket.setblocking(False)

    def answer(self, watcher: Watcher, updates: Updates) -> None:
        """One question: read the request, catch up, reply, hang up."""
        try:
            conn, _ = self.socket.accept()
        except BlockingIOError:
            return
        with conn:
            try:
                conn.settimeout(1.0)
                request = conn.recv(64)
                watcher.catch_up()
                if request == watched.STATUS_REQUEST:
                    record = watcher.status()
                    record.update(
                        updating=updates.running is not None, updates=updates.count,
                        last_update=updates.last, update_error=updates.error,
                        watching_updates=updates.start is not None,
                    )  # fmt: skip
                    reply = json.dumps(record, ensure_ascii=False).encode() + b"\n"
                else:
                    reply = watcher.fresh_line()
                conn.sendall(reply)
            except OSError:
                pass  # the asker left

    def close(self) -> None:
        if self.socket is not None:
            try:
                os.unlink(self.path)
            except OSError:
                pass
            self.socket.close()
        os.close(self.lock)


def serve(watcher: Watcher, updates: Updates, on_ready=None) -> None:
    """Answer, watch and update until SIGTERM or SIGINT; then stop cleanly.
    on_ready(watcher) is called once commands can ask it."""
    server = Server(watcher.index_path)
    wake_read, wake_write = os.pipe()  # not inherited by --update's child
    os.set_blocking(wake_read, False)
    os.set_blocking(wake_write, False)
    stopping = []

    def stop(signum, frame) -> None:
        stopping.append(signum)

    previous = {
        sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)
    }
    old_wakeup = signal.set_wakeup_fd(wake_write)
    mounts = None
    try:
        watcher.begin()
        server.listen()
        if on_ready is not None:
            on_ready(watcher)
        poller = select.poll()
        poller.register(server.socket.fileno(), select.POLLIN)
        poller.register(wake_read, select.POLLIN)
        watched_fd = watcher.notifier.fd
        poller.register(watched_fd, select.POLLIN)
        mounts = os.open("/proc/self/mountinfo", os.O_RDONLY | os.O_CLOEXEC)
        poller.register(mounts, select.POLLPRI)
        child = None
        while not stopping:
            wait = updates.seconds_to_next(watcher)
            if wait is not None and wait <= 0:
                child = updates.begin(watcher)
                if child is not None:
                    poller.register(child, select.POLLIN | select.POLLHUP)
                continue
            timeout = None if wait is None else max(1, int(wait * 1000))
            for fd, _ in poller.poll(timeout):
                if fd == server.socket.fileno():
                    server.answer(watcher, updates)
                elif fd == watched_fd:
                    watcher.take(watcher.notifier.read())
                elif fd == mounts:
                    watcher.catch_up()
                elif child is not None and fd == child:
                    if not os.read(child, READ_SIZE):  # the child's end
                        poller.unregister(child)
                        child = None
                        updates.finished(watcher.log)
                elif fd == wake_read:
                    while True:
                        try:
                            os.read(wake_read, 64)
                        except BlockingIOError:
                            break
            if watcher.notifier.fd != watched_fd:  # watched all again
                poller.unregister(watched_fd)
                watched_fd = watcher.notifier.fd
                poller.register(watched_fd, select.POLLIN)
    finally:
        updates.stop()
        server.close()
        if mounts is not None:
            os.close(mounts)
        signal.set_wakeup_fd(old_wakeup)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        os.close(wake_read)
        os.close(wake_write)
        if watcher.notifier is not None:
            watcher.notifier.close()


def status(index_path: str) -> dict | None:
    """A running watcher's status (Watcher.status), None if none answers."""
    reply = watched.ask(index_path, watched.STATUS_REQUEST)
    if not reply:
        return None
    try:
        return json.loads(reply)
    except ValueError:
        return None


def update_command(corpus: str, index_path: str, entities: str | None):
    """--update's start: `airesearch index` of this corpus and index in a
    child process (the watcher stays small: no analysis is ever loaded in
    it), its summary on the watcher's stderr, its stdout a pipe whose end
    tells that it ended."""
    import sys

    command = [
        sys.executable, "-m", "airesearch", "index", "--corpus", corpus,
        "--index", index_path,
    ]  # fmt: skip
    if entities:
        command += ["--entities", os.path.abspath(entities)]

    def start():
        return subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE
        )

    return start
