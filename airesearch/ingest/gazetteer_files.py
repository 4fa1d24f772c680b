"""Which gazetteer files are in use, and a cheap digest of them.

Kept apart from gazetteer.py so that `search`, which only needs to know whether
the gazetteer changed since the index was built, does not pay for importing the
extractor.
"""

from __future__ import annotations

import os

from airesearch.errors import unreadable_file

DEFAULT_GAZETTEER = os.path.join(
    os.path.dirname(os.path.dirname(__file__)), "data", "entities.toml"
)


def gazetteer_files(user_file: str | os.PathLike | None) -> list[str]:
    files = [DEFAULT_GAZETTEER]
    if user_file:
        files.append(os.fspath(user_file))
    return files


def gazetteer_digest(user_file: str | os.PathLike | None = None) -> str:
    """Identifies the gazetteer in use, cheaply: an index built with another one
    is rebuilt. Reads the files' bytes, never parses them."""
    import zlib

    digest = 0
    for path in gazetteer_files(user_file):
        try:
            with open(path, "rb") as handle:
                digest = zlib.crc32(handle.read(), digest)
        except OSError as error:
            raise unreadable_file(path, error) from None
    return f"{digest:08x}"
