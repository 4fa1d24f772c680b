"""The one error type that the command line turns into a message and exit code 2."""


class AiresearchError(Exception):
    """A problem the user can fix: what failed, on which file or name, what to do."""
