"""Where a corpus's index lives, the stamp each update leaves beside it, and
the quick check against that stamp (freshness.py explains it).

Light on purpose (os only): the console entry starts the check from here before
it imports anything heavy, so that `find` stats the corpus on the other core
while this process imports, opens the index and searches.
"""

from __future__ import annotations

import os

from airesearch.index import watched

# The stamp's text: the first line for people, the second says whether the
# update followed symbolic links (the check must walk the corpus the same way).
STAMP_TEXT = "files modified after this file were not yet indexed\n"
FOLLOW_LINE = {True: "follow links: yes\n", False: "follow links: no\n"}


def default_index_path(corpus: str, cache_home: str) -> str:
    """One index file per corpus folder, in the user's cache directory."""
    import zlib  # crc32 names the file; hashlib would cost start-up time

    digest = f"{zlib.crc32(corpus.encode('utf-8', 'surrogateescape')):08x}"
    name = os.path.basename(corpus.rstrip(os.sep)) or "corpus"
    return os.path.join(cache_home, "airesearch", f"{name}-{digest}.sqlite")


def index_path_for(root: str, index: str | os.PathLike | None, cache_home: str) -> str:
    """The index file: the one asked for, else the corpus's in cache_home (the
    user's cache folder, which cli/ reads from the environment)."""
    if index:
        return os.path.abspath(index)
    return default_index_path(root, cache_home)


def stamp_path(index_path: str) -> str:
    """The file whose modification time is when the index last listed the
    corpus (see freshness.py)."""
    return index_path + ".listed"


def write_stamp(index_path: str, listed_ns: int, follow: bool) -> None:
    stamp = stamp_path(index_path)
    try:
        with open(stamp, "w") as handle:
            handle.write(STAMP_TEXT + FOLLOW_LINE[follow])
        os.utime(stamp, ns=(listed_ns, listed_ns))
    except OSError:
        pass  # without a stamp, searches use the thorough check


def stamp_follows(index_path: str) -> bool | None:
    """Whether the update that wrote the stamp followed links (None: no stamp,
    or one that does not say)."""
    try:
        with open(stamp_path(index_path), encoding="utf-8") as handle:
            text = handle.read(200)
    except (OSError, ValueError):
        return None
    for follow, line in FOLLOW_LINE.items():
        if text.endswith(line):
            return follow
    return None


class QuickCheck:
    """A `find -newer STAMP` under way (or an answer already known); answer()
    says whether anything is newer: True, False, or None when find failed (the
    caller then uses the thorough check)."""

    def __init__(self, corpus, stamp, follow, pid=None, pipe=None, known=None):
        self.corpus, self.stamp, self.follow = corpus, stamp, follow
        self.pid, self.pipe, self.known = pid, pipe, known
        self.taken = False  # by a command: one answer, for one look at the index

    def take(self, corpus: str, stamp: str, follow: bool) -> QuickCheck | None:
        """This check for a command that would start this very one (same
        corpus, stamp and follow setting), once; else it is stopped."""
        if not self.taken and (self.corpus, self.stamp, self.follow) == (
            corpus, stamp, follow,
        ):  # fmt: skip
            self.taken = True
            return self
        self.cancel()
        return None

    def answer(self) -> bool | None:
        if self.pid is None:
            return self.known
        with os.fdopen(self.pipe, "rb") as output:
            newer = output.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        self.known = (
            bool(newer.strip()) if os.waitstatus_to_exitcode(status) == 0 else None
        )
        return self.known

    def cancel(self) -> None:
        """Stop a check whose answer is no longer wanted."""
        self.taken = True
        if self.pid is not None:
            import signal

            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.answer()


def find_command(corpus: str, stamp: str, follow: bool) -> list[str]:
    """find for the first file or folder newer than the stamp, hidden folders
    pruned. No name tests: GNU find runs them before -newer on every file,
    which costs more than the stat; a newer file that is not a post (an image,
    an editor's backup) is a false alarm that costs one update."""
    return [
        "find", "-L" if follow else "-P", corpus, "-mindepth", "1",
        "(", "-type", "d", "-name", ".*", "-prune", ")", "-o",
        "(", "-newer", stamp, "-print", "-quit", ")",
    ]  # fmt: skip


def start_quick_check(
    corpus: str, index_path: str, follow: bool, ask_watcher: bool = True
) -> QuickCheck | None:
    """Whether anything in corpus is newer than the index's stamp: a watcher's
    answer (watched.py) if one can give it, else a find started; None when
    there is no stamp or no find. ask_watcher=False: the watcher itself,
    looking before it answers anyone."""
    stamp = stamp_path(index_path)
    try:
        stamp_ns = os.stat(stamp).st_mtime_ns
        if os.stat(corpus).st_mtime_ns > stamp_ns:
            # A post added, deleted or renamed at the top: no need to look.
            return QuickCheck(corpus, stamp, follow, known=True)
    except OSError:
        return None
    if ask_watcher:
        said = watched.corpus_changed(index_path, corpus, follow, stamp_ns)
        if said is not None:
            return QuickCheck(corpus, stamp, follow, known=said)
    read_end, write_end = os.pipe()
    try:
        pid = os.posix_spawnp(
            "find",
            find_command(corpus, stamp, follow),
            # Byte-wise name matching: a UTF-8 locale makes find's tests slower.
            {**os.environ, "LC_ALL": "C"},
            file_actions=[
                (os.POSIX_SPAWN_DUP2, write_end, 1),
                (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
                (os.POSIX_SPAWN_CLOSE, read_end),
            ],
        )
    except (OSError, AttributeError):  # no find, or no posix_spawn (Windows)
        os.close(read_end)
        os.close(write_end)
        return None
    os.close(write_end)
    return QuickCheck(corpus, stamp, follow, pid, read_end)


def start_early_check(
    corpus: str | None, index: str | None, cache_home: str
) -> QuickCheck | None:
    """The quick check of a corpus given by path, started before the heavy
    imports (the console entry's fast path); the follow setting is the one the
    stamp records. Nothing is started without a corpus path or a stamp that
    says it."""
    if not corpus or not os.path.isdir(corpus):
        return None
    root = os.path.realpath(corpus)
    index_path = index_path_for(root, index, cache_home)
    follow = stamp_follows(index_path)
    if follow is None:
        return None
    return start_quick_check(root, index_path, follow)
