"""`airesearch watch`'s record: what changed in a corpus since its index's
last update, kept from the kernel's notifications (inotify.py), and whether
it can vouch for that time (what a command is told: watched.py explains it).

The record is kept honest in the cases that break it: an overflowed queue, a
mount under or over the corpus (/proc/self/mountinfo), the corpus folder
replaced, or an index whose follow-links setting changed. Each makes the
watcher watch everything again and vouch only from then on (complete_from);
commands meanwhile do today's check. The corpus folder moved or deleted stops
it (CorpusLost); so does the kernel's limit of watches (inotify.WatchLimit).
"""

from __future__ import annotations

import os
import stat
import time

from airesearch.errors import AiresearchError
from airesearch.index import inotify, watched
from airesearch.index.stamp import stamp_follows, stamp_path, start_quick_check
from airesearch.ingest.corpus import POST_SUFFIXES

PENDING_KEPT = 100_000  # changed paths remembered for --status


class CorpusLost(AiresearchError):
    """The corpus folder was moved, deleted or unmounted."""


# File systems whose changes may come from elsewhere (another machine, a
# user-space server) and reach no inotify watch here.
REMOTE_FILE_SYSTEMS = {
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "ceph", "glusterfs", "afs",
    "lustre", "gpfs", "beegfs", "davfs", "sshfs", "virtiofs",
}  # fmt: skip


def read_mount_table() -> list[str]:
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as f:
            return f.read().splitlines()
    except OSError:
        return []


def mounts_near(corpus: str, lines: list[str]) -> list[tuple[str, str, str]]:
    """(device, mount point, file system type) of each mount of proc(5)'s
    mountinfo lines at, above or below corpus."""
    inside = corpus.rstrip(os.sep) + os.sep
    near = []
    for line in lines:
        fields, _, system = line.partition(" - ")
        fields = fields.split(" ")
        if len(fields) < 5:
            continue
        point = fields[4].replace("\\040", " ")
        mounted = point.rstrip(os.sep) + os.sep
        if inside.startswith(mounted) or mounted.startswith(inside):
            near.append((fields[2], point, system.split(" ", 1)[0]))
    return near


def remote_mount(corpus: str, near) -> tuple[str, str] | None:
    """(mount point, type) of a remote or user-space file system holding the
    corpus or a folder in it; None when every one is local."""
    inside = corpus.rstrip(os.sep) + os.sep
    holding = max(
        (m for m in near if inside.startswith(m[1].rstrip(os.sep) + os.sep)),
        key=lambda m: len(m[1]), default=None,
    )  # fmt: skip
    below = [m for m in near if (m[1].rstrip(os.sep) + os.sep).startswith(inside)]
    for _, point, kind in ([holding] if holding else []) + below:
        if kind in REMOTE_FILE_SYSTEMS or kind.startswith("fuse"):
            return point, kind
    return None


def is_post_name(name: str) -> bool:
    return name.lower().endswith(POST_SUFFIXES)


class Watcher:
    """What changed in corpus since index_path's last update. follow: the
    index's setting for symbolic links (the watcher follows what it follows)."""

    def __init__(self, corpus: str, index_path: str, follow: bool, log=print):
        self.corpus, self.index_path, self.follow = corpus, index_path, follow
        self.log = log
        self.started_ns = time.time_ns()
        self.notifier: inotify.Inotify | None = None
        self.folders: dict[int, str] = {}  # wd -> folder
        self.linked_files: dict[int, str] = {}  # wd -> a post reached by a link
        self.corpus_id = (0, 0)
        self.seen: set[tuple[int, int]] = set()  # folders reached by links
        self.root_wd = -1
        self.complete_from = watched.NEVER
        self.last_change = 0  # ns
        self.last_event = 0  # ns, monotonic: when a change was last heard
        self.pending: dict[str, int] = {}  # path (relative) -> ns of its change
        self.overflows = 0
        self.vouch_note = "not started"
        self.mounts = ""

    # Watching

    def watch_all(self, why: str | None = None) -> None:
        """Watch the whole corpus afresh and vouch from now on (why: what made
        the record incomplete, for --status)."""
        if self.notifier is not None:
            self.notifier.close()
        self.notifier = inotify.Inotify()
        self.folders.clear()
        self.linked_files.clear()
        try:
            info = os.stat(self.corpus)
        except OSError:
            raise CorpusLost(f"the corpus folder {self.corpus} is gone") from None
        self.corpus_id = (info.st_dev, info.st_ino)
        self.seen = {self.corpus_id}
        self.mounts = self.checked_mounts()
        self.watch_tree(self.corpus)
        self.root_wd = next(
            (wd for wd, path in self.folders.items() if path == self.corpus), -1
        )
        if self.root_wd < 0:
            raise CorpusLost(f"the corpus folder {self.corpus} cannot be watched")
        now = time.time_ns()
        if why is not None:
            # What happened before now is unknown: an update must look.
            self.complete_from = self.last_change = now
            self.vouch_note = f"{why}; watching again since {iso(now)}"
            self.log(f"{why}: every folder watched again; commands check with find"
                     " until the next update")  # fmt: skip

    @property
    def folder_mask(self) -> int:
        """Without --follow, a link is not followed even as the watched path."""
        return inotify.FOLDER_EVENTS | (0 if self.follow else inotify.IN_DONT_FOLLOW)

    def watch_tree(self, top: str) -> None:
        """Watch top and every folder below it as walk_posts reads them."""
        pending = [top]
        while pending:
            folder = pending.pop()
            wd = self.notifier.add(folder, self.folder_mask)
            if wd is None:
                continue
            self.folders[wd] = folder
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue  # unreadable now; a change of its mode is an event
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
                    elif self.follow and entry.is_symlink():
                        self.watch_link(entry.path, pending)
                except OSError:
                    continue

    def watch_link(self, path: str, pending: list[str]) -> None:
        """A followed link: its folder (once) or, for a post, the file itself
        (its own folder may lie outside the corpus)."""
        try:
            info = os.stat(path)
        except OSError:
            return  # dangling: the index skips it too
        if stat.S_ISDIR(info.st_mode):
            if (info.st_dev, info.st_ino) not in self.seen:
                self.seen.add((info.st_dev, info.st_ino))
                pending.append(path)
        elif is_post_name(path):
            wd = self.notifier.add(path, inotify.FILE_EVENTS)
            if wd is not None:
                self.linked_files[wd] = path

    def unwatch_tree(self, top: str) -> None:
        """Stop watching a folder that left (moved away: its watch would go on
        reporting from outside the corpus)."""
        inside = top + os.sep
        for wd, folder in list(self.folders.items()):
            if folder == top or folder.startswith(inside):
                del self.folders[wd]
                self.notifier.remove(wd)

    def checked_mounts(self) -> str:
        """The mount table's lines for the corpus, a folder above it or below
        it: a change there is a file system put over or under the corpus.
        One on which inotify cannot see every change stops the watcher."""
        near = mounts_near(self.corpus, read_mount_table())
        remote = remote_mount(self.corpus, near)
        if remote is not None:
            point, kind = remote
            raise AiresearchError(
                f"the corpus is on a {kind} file system (mounted at {point}): inotify"
                " does not see changes made through another machine or program, so"
                " a watcher could miss them; commands keep checking with find"
            )
        return "\n".join(" ".join(mount) for mount in near)

    # Hearing

    def take(self, events: list[tuple[int, int, str]]) -> None:
        """Record what a batch of events says; then watch again whatever the
        batch says cannot be trusted (an overflow, the corpus moved)."""
        changed, lost = False, None
        for wd, mask, name in events:
            if mask & inotify.IN_Q_OVERFLOW:
                lost = "the kernel's event queue overflowed"
                self.overflows += 1
                continue
            if wd in self.linked_files:
                changed |= self.note(self.linked_files[wd])
                if mask & inotify.IN_IGNORED:
                    del self.linked_files[wd]
                continue
            folder = self.folders.get(wd)
            if folder is None:
                continue  # a watch already dropped
            if mask & inotify.IN_IGNORED:
                del self.folders[wd]
                if wd == self.root_wd:
                    lost = lost or "the corpus folder was moved or deleted"
                continue
            if mask & inotify.IN_UNMOUNT:
                lost = lost or "a file system in the corpus was unmounted"
                continue
            if not name:
                if wd == self.root_wd and mask & inotify.LEFT:
                    lost = lost or "the corpus folder was moved or deleted"
                elif mask & inotify.IN_ATTRIB:  # its mode: readable or not
                    changed |= self.note(folder)
                continue
            if name.startswith("."):
                continue  # hidden: the index skips it
            path = os.path.join(folder, name)
            if mask & inotify.IN_ISDIR:
                changed |= self.note(path)
                if mask & inotify.IN_MOVED_FROM:
                    self.unwatch_tree(path)
                elif mask & (inotify.ARRIVED | inotify.IN_ATTRIB):
                    self.watch_tree(path)
            elif is_post_name(name):
                changed |= self.note(path)
                if self.follow and mask & inotify.ARRIVED and os.path.islink(path):
                    self.watch_link(path, [])
            elif self.follow and self.maybe_link(path, mask):
                changed |= self.note(path)
        if lost is not None:
            if not os.path.isdir(self.corpus):
                raise CorpusLost(f"{lost}: {self.corpus}; the watcher stops")
            self.watch_all(lost)
        elif changed:
            # After the new folders are watched: anything made in one before
            # its watch existed is older than this, so an update will list it.
            self.last_change = time.time_ns()
        if changed or lost:
            self.last_event = time.monotonic_ns()

    def maybe_link(self, path: str, mask: int) -> bool:
        """Whether a name that is neither a post nor a folder matters when
        links are followed: a link (to a folder of posts), or one that left."""
        if mask & (inotify.IN_DELETE | inotify.IN_MOVED_FROM):
            return True
        if not os.path.islink(path):
            return False
        if mask & inotify.ARRIVED:
            pending: list[str] = []
            self.watch_link(path, pending)
            for folder in pending:
                self.watch_tree(folder)
        return True

    def note(self, path: str) -> bool:
        """Remember a changed post or folder (for --status); always True."""
        relative = os.path.relpath(path, self.corpus).replace(os.sep, "/")
        if len(self.pending) >= PENDING_KEPT:
            self.forget_indexed()
        if len(self.pending) < PENDING_KEPT or relative in self.pending:
            self.pending[relative] = time.time_ns()
        return True

    def forget_indexed(self) -> None:
        """Drop the changes the last update has seen."""
        stamp_ns = self.stamp_ns()
        if stamp_ns is not None:
            self.pending = {p: ns for p, ns in self.pending.items() if ns >= stamp_ns}

    def catch_up(self) -> None:
        """Read every event queued now (each change made before this call)."""
        self.take(self.notifier.read())
        try:
            info = os.stat(self.corpus)
        except OSError:
            raise CorpusLost(f"the corpus folder {self.corpus} is gone") from None
        if (info.st_dev, info.st_ino) != self.corpus_id:
            self.watch_all("the corpus folder was replaced or remounted")
        follow = stamp_follows(self.index_path)
        if follow is not None and follow != self.follow:
            self.follow = follow
            self.watch_all("the index's follow-links setting changed")
        near = self.checked_mounts()
        if near != self.mounts:
            self.watch_all("a file system was mounted over or under the corpus")

    # Vouching

    def begin(self) -> None:
        """Watch, then look once with find: the record is complete from the
        stamp on only if nothing changed between the last update and the
        watches (a watcher started after changes says they are pending)."""
        self.watch_all()
        watching_from = time.time_ns()
        stamp_ns = self.stamp_ns()
        check = None
        if stamp_ns is not None:
            check = start_quick_check(
                self.corpus, self.index_path, self.follow, ask_watcher=False
            )
        answer = check.answer() if check is not None else None
        if answer is None:
            self.complete_from = self.last_change = watching_from
            self.vouch_note = "no index yet" if stamp_ns is None else "find failed"
        else:
            self.complete_from = stamp_ns
            if answer:  # which files, it cannot know: pending stays empty
                self.last_change = max(self.last_change, watching_from)
            self.vouch_note = "watching since before the index's last update"

    def stamp_ns(self) -> int | None:
        try:
            return os.stat(stamp_path(self.index_path)).st_mtime_ns
        except OSError:
            return None

    def changed_since_update(self) -> bool | None:
        """What a command is told: None when it must look itself."""
        stamp_ns = self.stamp_ns()
        if stamp_ns is None or self.complete_from > stamp_ns:
            return None
        return self.last_change >= stamp_ns

    def fresh_line(self) -> bytes:
        return watched.fresh_line(
            self.index_path, self.corpus, self.corpus_id, self.follow,
            self.complete_from, self.last_change,
        )  # fmt: skip

    def status(self) -> dict:
        """What `watch --status` shows (README: the fields)."""
        self.forget_indexed()
        changed = self.changed_since_update()
        if self.stamp_ns() is None:
            reason = "no index yet: commands build it"
        elif changed is None:
            reason = self.vouch_note
        else:
            reason = None
        with open("/proc/self/statm") as handle:
            resident = int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        times = os.times()
        return {
            "alive": True, "pid": os.getpid(), "since": iso(self.started_ns),
            "corpus": self.corpus, "index": self.index_path,
            "follow_links": self.follow, "folders": len(self.folders),
            "linked_files": len(self.linked_files), "trusted": changed is not None,
            "reason": reason, "changed": changed, "pending": len(self.pending),
            "pending_paths": sorted(self.pending)[:20],
            "last_change": iso(self.last_change) if self.last_change else None,
            "overflows": self.overflows, "memory_mb": round(resident / 1e6, 1),
            "cpu_seconds": round(times.user + times.system, 2),
        }  # fmt: skip


def iso(ns: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(ns / 1e9))
