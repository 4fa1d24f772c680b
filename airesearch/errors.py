"""The one error type that the command line turns into a message and exit code 2."""


class AiresearchError(Exception):
    """A problem the user can fix: what failed, on which file or name, what to do."""


def damaged_index(error: Exception) -> AiresearchError:
    """An index that SQLite cannot read midway (a damaged page), as advice."""
    return AiresearchError(
        f"the index is damaged ({error}); rebuild it with 'airesearch index --rebuild'"
    )
