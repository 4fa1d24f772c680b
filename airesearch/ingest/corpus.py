"""Find the posts of a corpus folder and read each into a Post.

A post is a .md, .markdown or .txt file found recursively. Its YAML front matter
(Jekyll style) becomes metadata; the body becomes passages (see passages.py).
Files that cannot be read are reported with a reason instead of stopping the run.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import stat
from collections import namedtuple
from collections.abc import Iterable, Iterator

from airesearch.errors import AiresearchError
from airesearch.models import Post

POST_SUFFIXES = (".md", ".markdown", ".txt")
FRONT_MATTER = re.compile(
    r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S
)
FILENAME_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")
FIRST_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+)$", re.M)
DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S %z",
    "%Y-%m-%d %H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
)


# A candidate post on disk: path relative to the corpus folder (forward slashes),
# and the size and modification time that tell whether it changed.
PostFile = namedtuple("PostFile", "path size mtime_ns")


# Front matter fields that are searched like the body.
SUMMARY_FIELDS = ("description", "excerpt")


class SkippedFile(Exception):
    """A file that is not indexed; the message is the reason shown to the user."""


def check_corpus(root: str | os.PathLike) -> str:
    """The corpus folder as an absolute path, or an error saying what is wrong."""
    root = os.fspath(root)
    if not os.path.exists(root):
        raise AiresearchError(f"corpus folder {root} does not exist")
    if not os.path.isdir(root):
        raise AiresearchError(f"corpus {root} is not a folder")
    if not os.access(root, os.R_OK | os.X_OK):
        raise AiresearchError(f"corpus folder {root} is not readable")
    return os.path.realpath(root)


def find_posts(
    root: str | os.PathLike, follow: bool = False, problems: list | None = None
) -> list[PostFile]:
    """Every post file under root, sorted by path; hidden files and folders
    skipped; problems (links not followed, loops) appended as (path, message)."""
    return sorted(PostFile._make(found) for found in walk_posts(root, follow, problems))


def walk_posts(
    root: str | os.PathLike, follow: bool = False, problems: list | None = None
) -> Iterator[tuple[str, int, int]]:
    """(path relative to root, size, mtime_ns) of every post file, unsorted: the
    freshness check needs no more, and on 25,000 files sorting them is not free.

    Symbolic links are not followed unless follow (ripgrep's rule): a link can
    lead out of the corpus or round in a circle. When followed, each folder is
    read once (by device and inode), and loops and dangling links are skipped."""
    root = os.fspath(root)
    skip = len(root.rstrip(os.sep)) + 1  # entry.path[skip:] is relative to root
    seen = set()
    if follow:
        info = os.stat(root)
        seen.add((info.st_dev, info.st_ino))
    pending = [root]

    def problem(path: str, message: str) -> None:
        if problems is not None:
            problems.append((path[skip:].replace(os.sep, "/"), message))

    while pending:
        folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as error:
            problem(folder, f"folder not read: {error.strerror}")
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            is_post = entry.name.lower().endswith(POST_SUFFIXES)
            try:
                if entry.is_symlink():
                    if not follow:
                        if is_post or entry.is_dir():
                            problem(
                                entry.path,
                                "symbolic link not followed (see index --follow)",
                            )
                        continue
                    info = os.stat(entry.path)
                    if stat.S_ISDIR(info.st_mode):
                        if (info.st_dev, info.st_ino) in seen:
                            problem(entry.path, "symbolic link to a folder already read"
                                    " (a loop?); skipped")  # fmt: skip
                            continue
                        seen.add((info.st_dev, info.st_ino))
                        pending.append(entry.path)
                    elif is_post and stat.S_ISREG(info.st_mode):
                        rel = entry.path[skip:].replace(os.sep, "/")
                        yield rel, info.st_size, info.st_mtime_ns
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if follow:
                        info = entry.stat(follow_symlinks=False)
                        if (info.st_dev, info.st_ino) in seen:
                            continue
                        seen.add((info.st_dev, info.st_ino))
                    pending.append(entry.path)
                elif is_post and entry.is_file(follow_symlinks=False):
                    info = entry.stat(follow_symlinks=False)
                    rel = entry.path[skip:].replace(os.sep, "/")
                    yield rel, info.st_size, info.st_mtime_ns
            except FileNotFoundError:
                problem(entry.path, "dangling symbolic link; skipped")
            except OSError as error:
                if error.errno == errno.ELOOP:
                    problem(entry.path, "symbolic link loop; skipped")
                else:
                    problem(entry.path, f"skipped: {error.strerror}")


def corpus_fingerprint(files: Iterable[tuple[str, int, int]]) -> str:
    """A summary of every post file's name, size and time: it changes when any
    file is added, deleted, renamed or modified, and compares in one step.
    files: PostFile records or (path, size, mtime_ns) tuples, in any order."""
    from zlib import crc32  # enough to notice a renamed file

    count = names = sizes = times = 0
    for path, size, mtime_ns in files:
        count += 1
        names += crc32(path.encode("utf-8", "surrogateescape"))
        sizes += size
        times += mtime_ns
    return f"{count}:{sizes}:{times}:{names}"


# A file whose non-ASCII characters are mostly valid UTF-8 is read as UTF-8 with
# the bad bytes replaced (a damaged download, a stray Latin-1 byte); in a
# Shift_JIS file nearly none are.
MAX_BAD_UTF8 = 0.2


def decode(data: bytes) -> tuple[str, list[str]]:
    """Text of a file: UTF-8 (BOM or not); mostly UTF-8 with its bad bytes
    replaced; else Shift_JIS/CP932; each fallback with a warning."""
    if b"\x00" in data[:8192]:
        raise SkippedFile("binary file")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    replaced = data.decode("utf-8-sig", errors="replace")
    bad = replaced.count("\ufffd") - data.count("\ufffd".encode())
    wide = sum(1 for char in replaced if ord(char) > 0x7F)
    if bad <= wide * MAX_BAD_UTF8:
        plural = "s" if bad != 1 else ""
        return replaced, [f"{bad} byte sequence{plural} not UTF-8, shown as \ufffd"]
    try:
        return data.decode("cp932"), ["decoded as Shift_JIS (cp932), not UTF-8"]
    except UnicodeDecodeError:
        raise SkippedFile("not UTF-8 or Shift_JIS text") from None


def read_post(root: str | os.PathLike, rel: str) -> Post:
    """Read and clean one post; raises SkippedFile when it cannot be indexed."""
    return post_from_bytes(rel, read_bytes(root, rel))


def read_bytes(root: str | os.PathLike, rel: str) -> bytes:
    """A post file's bytes; SkippedFile when its name or its bytes cannot be
    read."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        raise SkippedFile("file name is not valid UTF-8") from None
    try:
        with open(os.path.join(root, rel), "rb") as handle:
            return handle.read()
    except OSError as error:
        raise SkippedFile(f"cannot read: {error.strerror}") from None


def post_from_bytes(rel: str, data: bytes) -> Post:
    """The post a file's bytes hold (rel: its path in the corpus, for the date
    and title it may give); SkippedFile when it cannot be indexed."""
    from airesearch.ingest.passages import (
        to_passages,  # the indexer's job, not search's
    )

    text, warnings = decode(data)
    if not text.strip():
        raise SkippedFile("empty file")
    metadata, body, problem = split_front_matter(text)
    if problem:
        warnings.append(problem)
    title = str(metadata.get("title") or "").strip() or title_from_body(body, rel)
    date = iso_date(metadata.get("date"))
    if date is None and (match := FILENAME_DATE.match(os.path.basename(rel))):
        date = match.group(1)
    summaries = tuple(
        (field, str(metadata[field]))
        for field in SUMMARY_FIELDS
        if isinstance(metadata.get(field), str | int | float)
    )
    passages, dropped = to_passages(title, body, summaries)
    return Post(
        path=rel,
        title=title,
        date=date,
        tags=as_list(metadata.get("tags")),
        categories=as_list(metadata.get("categories") or metadata.get("category")),
        metadata=jsonable(metadata),
        passages=passages,
        dropped=dropped,
        warnings=warnings,
    )


def split_front_matter(text: str) -> tuple[dict, str, str | None]:
    """(metadata, body, warning), with, without or with broken front matter."""
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text, "no front matter"
    body = text[match.end() :]
    import yaml  # only the indexer pays for the YAML parser

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        metadata = yaml.load(match.group(1), Loader=loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark else ""
        return {}, body, f"broken front matter{where}; indexed without metadata"
    if not isinstance(metadata, dict):
        return {}, body, "front matter is not a mapping; indexed without metadata"
    return {str(key): value for key, value in metadata.items()}, body, None


def title_from_body(body: str, rel: str) -> str:
    """First heading, else first non-empty line, else the file name."""
    if match := FIRST_HEADING.search(body):
        return match.group(1).strip(" #*")
    for line in body.splitlines():
        if line.strip() and not line.strip().startswith("---"):
            return line.strip()[:120]
    return os.path.splitext(os.path.basename(rel))[0]


def iso_date(value: object) -> str | None:
    """Front matter date -> ISO 8601 text, or None if it is missing or unreadable."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value.strip(), fmt).isoformat()
        except ValueError:
            continue
    return None


def as_list(value: object) -> list[str]:
    """Tags and categories may be a list or a space/comma separated string."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(item).strip() for item in value if str(item).strip()]
    return [part for part in re.split(r"[,\s]+", str(value)) if part]


def jsonable(value: object) -> object:
    """Front matter with dates as ISO text, so that it can be stored as JSON."""
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def bundled_corpus() -> str:
    """The posts shipped with airesearch: inside the installed package, or the
    repository's corpus/ folder when running from a checkout."""
    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    for candidate in (package, os.path.dirname(package)):
        if os.path.isdir(os.path.join(candidate, "corpus")):
            return os.path.join(candidate, "corpus")
    raise AiresearchError("the bundled corpus is missing; pass --corpus DIR")
