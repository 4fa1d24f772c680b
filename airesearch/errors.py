"""The one error type that the command line turns into a message and exit code 2."""


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


def unreadable_file(path, error: OSError) -> AiresearchError:
    """A file the user named (an entities file) that cannot be read."""
    return AiresearchError(f"cannot read entities file {path}: {error.strerror}")
