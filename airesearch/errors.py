"""The one error type that the command line turns into a message and exit code 2,
and the advice given for an index SQLite could not read."""

import sqlite3

# Result codes that mean the file itself is bad (SQLITE_CORRUPT, SQLITE_NOTADB),
# and those that mean another process holds it (SQLITE_BUSY, SQLITE_LOCKED).
CORRUPT_CODES = (11, 26)
BUSY_CODES = (5, 6)


class AiresearchError(Exception):
    """A problem the user can fix: what failed, on which file or name, what to do."""


def damaged_index(error: Exception, path: str | None = None) -> AiresearchError:
    """An index SQLite cannot read (a damaged page, a broken schema), as advice."""
    name, where = (
        (f"the index {path}", f" --index {path}") if path else ("the index", "")
    )
    return AiresearchError(
        f"{name} is damaged ({error}); rebuild it with"
        f" 'airesearch index --rebuild{where}'"
    )


def index_error(error: sqlite3.Error, path: str | None = None) -> AiresearchError:
    """What to tell the user about an SQLite error: a damaged file is rebuilt;
    a busy one waited for; anything else (a full disk, a limit reached) is
    said as it is, since rebuilding would not help."""
    code = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF
    text = str(error)
    broken_schema = "no such table" in text or "no such column" in text
    if (
        code in CORRUPT_CODES
        or broken_schema
        or not isinstance(error, sqlite3.OperationalError)
    ):
        return damaged_index(error, path)
    name = f"the index {path}" if path else "the index"
    if code in BUSY_CODES:
        return AiresearchError(
            f"{name} is busy ({text}); try again when the other airesearch ends"
        )
    return AiresearchError(f"{name} could not answer: {text}")


def unreadable_file(path, error: OSError) -> AiresearchError:
    """A file the user named (an entities file) that cannot be read."""
    return AiresearchError(f"cannot read entities file {path}: {error.strerror}")
